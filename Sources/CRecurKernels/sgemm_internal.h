// Private interface between the GEMM driver (sgemm.c) and the code paths
// (sgemm_avx512.c, sgemm_avx2.c, sgemm_neon.c, sgemm_generic.c). Not part of the public header.
#ifndef RECUR_SGEMM_INTERNAL_H
#define RECUR_SGEMM_INTERNAL_H

#include <stddef.h>

// Register tile of the AVX2, NEON and portable micro-kernels: RK_MR rows of C × RK_NR columns.
// 6×16 uses 12 of the 16 YMM registers as accumulators (6 rows × 2 vectors of 8),
// which hides the 4-cycle FMA latency on 2 FMA pipes, and leaves room for 2 B vectors
// and a broadcast A value. RK_NR is also the width of a packed B panel for every path
// (the AVX-512 kernel's 32-column tile reads two adjacent panels), so packed B buffers
// are interchangeable between paths. Each path's A panel height is its ops->mr.
#define RK_MR 6
#define RK_NR 16

// Packed A: ceil(mc/mr) micro-panels; panel q holds rows mr·q..mr·q+mr-1 of the block
// as kc groups of mr (`a[k*mr + r]`), rows past mc zero. Panel q starts at `a + q*mr*kc`.
// Packed B: ceil(nc/16) micro-panels; panel p holds columns 16p..16p+15 as kc rows of
// 16 (`b[k*16 + c]`), columns past nc zero. Panel p starts at `b + p*panel_stride`.

/// Micro-kernel: C[mr×nr] (at c, row stride ldc) = beta·C + Apanel·Bpanel over kc.
/// `a` is a packed A micro-panel (k stride ops->mr). `b` points at 16 columns of B with
/// row stride `bs` (16 for a packed panel, ldb when B is read in place); a kernel whose
/// ops->nr is 32 finds columns 16..31 at `b + pstride` with the same row stride. Columns
/// past nr inside a panel that is read at all must be readable (packed panels are
/// zero-padded); the panel at `b + pstride` is read only when nr > 16.
/// 1 ≤ mr ≤ ops->mr, 1 ≤ nr ≤ ops->nr, kc ≥ 1. beta 0 never reads C.
typedef void (*rk_kernel_fn)(int mr, int nr, int kc, const float *a,
                             const float *b, ptrdiff_t bs, ptrdiff_t pstride,
                             float *c, ptrdiff_t ldc, float beta);

/// Packs the mc×kc block of op(A) whose (0,0) element is at `a` into `dst`, in panels
/// of ops->mr rows. op(A)(i,k) = transA ? a[k*lda + i] : a[i*lda + k].
/// `dst` needs 8 floats of slack.
typedef void (*rk_pack_a_fn)(int transA, int mc, int kc, const float *a,
                             ptrdiff_t lda, float *dst);

/// Packs the kc×nc block of op(B) whose (0,0) element is at `b` into micro-panels at
/// `dst + p*panel_stride`. op(B)(k,j) = transB ? b[j*ldb + k] : b[k*ldb + j].
typedef void (*rk_pack_b_fn)(int transB, int kc, int nc, const float *b,
                             ptrdiff_t ldb, float *dst, ptrdiff_t panel_stride);

/// Optional whole-product routine for small M with transB (see sgemm_avx2.c).
/// Same meaning as recur_sgemm; M, N, K ≥ 1.
typedef void (*rk_small_tb_fn)(int transA, int M, int N, int K,
                               const float *A, ptrdiff_t lda,
                               const float *B, ptrdiff_t ldb,
                               float beta, float *C, ptrdiff_t ldc);

typedef struct {
    int mr;                    // rows of the micro-kernel tile = packed A panel height
    int nr;                    // columns of the tile: 16, or 32 (two B panels)
    rk_kernel_fn kernel;
    rk_pack_a_fn pack_a;
    rk_pack_b_fn pack_b;
    rk_small_tb_fn small_tb;   // NULL when the path has none
} rk_ops;

extern const rk_ops rk_ops_generic;
/// The portable packers (rk_pack_a_fn, rk_pack_b_fn), which the NEON path shares.
void rk_generic_pack_a(int transA, int mc, int kc, const float *a, ptrdiff_t lda, float *dst);
void rk_generic_pack_b(int transB, int kc, int nc, const float *b, ptrdiff_t ldb,
                       float *dst, ptrdiff_t panel_stride);
#if defined(__aarch64__)
#define RK_HAVE_NEON 1
extern const rk_ops rk_ops_neon;
#endif
#if defined(__x86_64__) || defined(__i386__)
#define RK_HAVE_X86 1
extern const rk_ops rk_ops_avx2;
extern const rk_ops rk_ops_avx512;
/// The AVX2 B packer (a rk_pack_b_fn), which the AVX-512 path shares.
void rk_avx2_pack_b(int transB, int kc, int nc, const float *b, ptrdiff_t ldb,
                    float *dst, ptrdiff_t panel_stride);
#endif

/// Per-thread scratch buffer of at least `count` floats, 64-byte aligned, reused across
/// calls (grown, never shrunk). `slot` picks one of several independent buffers.
float *rk_scratch(int slot, size_t count);

enum { RK_SLOT_A = 0, RK_SLOT_B = 1, RK_SLOT_SMALL = 2, RK_SLOT_COUNT = 3 };

#endif // RECUR_SGEMM_INTERNAL_H
