// RecurKernels: single-threaded fp32 matrix products for the Recur engine.
//
// Everything is row-major. Every function here runs on the calling thread only: the
// Swift side (Gemm.swift) splits large products across cores by calling these on
// disjoint blocks of C with offset pointers, so all functions accept any sizes ≥ 0,
// any leading dimension ≥ the logical row width, and pointers with any alignment.
// Concurrent calls from different threads are safe as long as they write disjoint C
// blocks (scratch buffers are per thread).
//
// Code paths, chosen once at run time for every kernel family (see recur_kernels_path
// below): on x86-64 AVX-512 (8×32 register-blocked micro-kernel on ZMM registers) and
// AVX2+FMA (6×16 on YMM); on ARM64 NEON (6×16 on 24 of the 32 Q registers); and
// portable C everywhere. All share one packed-B layout.
#ifndef RECUR_KERNELS_H
#define RECUR_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// General matrix product: `C[M×N] = beta·C + op(A)·op(B)`.
///
/// - `op(A)` is M×K. Stored M×K (`A[i*lda + k]`) when `transA == 0`, or K×M
///   (`A[k*lda + i]`, i.e. the product uses Aᵀ) when `transA != 0`.
/// - `op(B)` is K×N. Stored K×N (`B[k*ldb + j]`) when `transB == 0`, or N×K
///   (`B[j*ldb + k]`, PyTorch's (out, in) weight layout) when `transB != 0`.
/// - `beta == 0` overwrites C without reading it (C may hold NaN garbage);
///   `beta == 1` accumulates; any other value scales the old C.
/// - `K == 0` gives `C = beta·C` (zeros for beta 0). `M == 0` or `N == 0` does nothing.
///
/// Large products pack panels of op(A) and op(B) into per-thread aligned buffers and
/// run the path's FMA micro-kernel (8×32 AVX-512, 6×16 AVX2 and NEON) over L1/L2-sized blocks.
/// Small-M products (one time step's batch, M ≈ 32) skip packing B, which each call
/// would otherwise redo for only a few rows of work: with `transB` and M ≤ 32 a dot-product kernel runs straight on
/// B's rows; without `transB` and M ≤ 64 the kernel reads B's rows in place.
/// For h·W_hhᵀ repeated every step, `recur_sgemm_packed` is ~10% faster still.
void recur_sgemm(int transA, int transB, int M, int N, int K,
                 const float *A, int lda, const float *B, int ldb,
                 float beta, float *C, int ldc);

/// Number of floats needed to hold op(B) (K×N) in the packed layout used by
/// `recur_sgemm_pack_b` / `recur_sgemm_packed`: ceil(N/16) panels of K×16 floats.
/// (Returns 0 when K or N is ≤ 0.)
size_t recur_sgemm_packed_b_count(int K, int N);

/// Packs op(B) (K×N, same `transB` meaning as `recur_sgemm`) into `packed`, which must
/// hold `recur_sgemm_packed_b_count(K, N)` floats (64-byte alignment recommended, any
/// alignment works). Layout: panel p (columns 16p..16p+15) is the K×16 row-major block at
/// `packed + p*16*K`; columns past N are zero.
///
/// Why: the per-time-step recurrent product h·W_hhᵀ (M=32, K=256, N=1024) reuses the
/// same weights 64 times per sequence; packing them once per weight update removes the
/// transpose from every step. The layout is the same for all code paths (the AVX-512
/// kernel reads two adjacent panels as one 32-column tile), so a buffer packed on one
/// path stays valid after `recur_kernels_set_path`.
void recur_sgemm_pack_b(int transB, int K, int N, const float *B, int ldb,
                        float *packed);

/// `C[M×N] = beta·C + op(A)·B` where B was packed by `recur_sgemm_pack_b` with the same
/// K and N. Same `transA`/beta/size rules as `recur_sgemm`.
///
/// To compute a column block C[:, j0 ..< j0+n] (e.g. to split N across threads), j0
/// must be a multiple of 16: pass `packed + j0*K` and N = n. Row blocks of C need
/// nothing special (offset A and C as usual).
void recur_sgemm_packed(int transA, int M, int N, int K,
                        const float *A, int lda, const float *packed,
                        float beta, float *C, int ldc);

/// Rows of the current path's micro-kernel tile (6 on AVX2 and NEON, 8 on AVX-512). A
/// product's rows are tiled from row 0 and a short last tile sums in another order, so
/// row blocks of C that start at multiples of this are computed with the same tiles,
/// hence the same bits, as the whole product.
int recur_sgemm_tile_rows(void);

/// Instruction-set paths of the kernels. On x86-64 they rise in capability (portable <
/// AVX2 < AVX-512); NEON is ARM64's only SIMD path (every ARM64 CPU has it).
typedef enum {
    RECUR_KERNELS_PORTABLE = 0,   ///< plain C (the reference; any CPU)
    RECUR_KERNELS_AVX2 = 1,       ///< AVX2 + FMA, OS saves YMM state
    RECUR_KERNELS_AVX512 = 2,     ///< AVX-512F + VL, OS saves opmask and ZMM state
    RECUR_KERNELS_NEON = 3,       ///< ARM64 Advanced SIMD (NEON) with FMA
} recur_kernels_path_id;

/// The path every kernel family (GEMM, cell activations, word2vec) uses now.
/// Chosen on first use: the best path the CPU and OS support (x86: CPUID, and XCR0 bits
/// 1,2 for YMM plus 5,6,7 for opmask/ZMM, or on macOS the kernel's sysctl, which enables
/// AVX-512 state lazily; ARM64: NEON), unless the environment variable
/// `RECUR_KERNELS=portable|avx2|avx512|neon` asks for another. A request the CPU cannot
/// run falls back to the best path it can, and an unknown value is ignored; both print
/// one line on stderr. On the AVX-512 path, the cell kernels use AVX-512 for the LSTM
/// forward and wide softmax rows only (where it measured faster), and word2vec and the
/// other cell kernels run their AVX2 code.
int recur_kernels_path(void);

/// The best path this CPU and OS support, whatever RECUR_KERNELS says.
int recur_kernels_best_path(void);

/// 1 if this CPU and OS can run `path`, else 0 (portable: always).
int recur_kernels_path_supported(int path);

/// Switches every kernel family to `path`, or to `recur_kernels_best_path()` if the
/// CPU cannot run it, and returns the path now in effect. For tests and
/// benchmarks; do not call while another thread is inside a kernel.
int recur_kernels_set_path(int path);

/// "portable", "avx2", "avx512", "neon" (as RECUR_KERNELS spells them), or "unknown".
const char *recur_kernels_path_name(int path);

/// 1 if an x86 path with AVX2+FMA (AVX2 or AVX-512) is in use, else 0 (portable, NEON).
int recur_kernels_has_fma(void);

#ifdef __cplusplus
}
#endif

#endif // RECUR_KERNELS_H
