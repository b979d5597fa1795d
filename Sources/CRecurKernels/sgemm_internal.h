// Private interface between the GEMM driver (sgemm.c) and the two code paths
// (sgemm_avx2.c, sgemm_generic.c). Not part of the public header.
#ifndef RECUR_SGEMM_INTERNAL_H
#define RECUR_SGEMM_INTERNAL_H

#include <stddef.h>

// Register tile of the micro-kernel: RK_MR rows of C × RK_NR columns.
// 6×16 uses 12 of the 16 YMM registers as accumulators (6 rows × 2 vectors of 8),
// which hides the 4-cycle FMA latency on 2 FMA pipes, and leaves room for 2 B vectors
// and a broadcast A value. Both paths share these so packed buffers are interchangeable.
#define RK_MR 6
#define RK_NR 16

// Packed A: ceil(mc/6) micro-panels; panel q holds rows 6q..6q+5 of the block as kc
// groups of 6 (`a[k*6 + r]`), rows past mc zero. Panel q starts at `a + q*6*kc`.
// Packed B: ceil(nc/16) micro-panels; panel p holds columns 16p..16p+15 as kc rows of
// 16 (`b[k*16 + c]`), columns past nc zero. Panel p starts at `b + p*panel_stride`.

/// Micro-kernel: C[mr×nr] (at c, row stride ldc) = beta·C + Apanel·Bpanel over kc.
/// `a` is a packed A micro-panel (k stride 6). `b` points at 16 columns of B with row
/// stride `bs` (16 for a packed panel, ldb when B is read in place); when nr < 16 the
/// columns past nr must still be readable (packed panels are zero-padded).
/// 1 ≤ mr ≤ 6, 1 ≤ nr ≤ 16, kc ≥ 1. beta 0 never reads C.
typedef void (*rk_kernel_fn)(int mr, int nr, int kc, const float *a,
                             const float *b, ptrdiff_t bs,
                             float *c, ptrdiff_t ldc, float beta);

/// Packs the mc×kc block of op(A) whose (0,0) element is at `a` into `dst`.
/// op(A)(i,k) = transA ? a[k*lda + i] : a[i*lda + k]. `dst` needs 8 floats of slack.
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
    rk_kernel_fn kernel;
    rk_pack_a_fn pack_a;
    rk_pack_b_fn pack_b;
    rk_small_tb_fn small_tb;   // NULL when the path has none
} rk_ops;

extern const rk_ops rk_ops_generic;
#if defined(__x86_64__) || defined(__i386__)
#define RK_HAVE_X86 1
extern const rk_ops rk_ops_avx2;
#endif

/// Per-thread scratch buffer of at least `count` floats, 64-byte aligned, reused across
/// calls (grown, never shrunk). `slot` picks one of several independent buffers.
float *rk_scratch(int slot, size_t count);

enum { RK_SLOT_A = 0, RK_SLOT_B = 1, RK_SLOT_SMALL = 2, RK_SLOT_COUNT = 3 };

#endif // RECUR_SGEMM_INTERNAL_H
