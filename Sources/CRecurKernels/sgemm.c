// GEMM driver: path dispatch, per-thread scratch buffers, and the cache-blocked loop
// nest around the micro-kernels (sgemm_avx512.c, sgemm_avx2.c, sgemm_neon.c,
// sgemm_generic.c).
//
// Loop nest (the classic Goto/BLIS order), for C[M×N] += op(A)[M×K]·op(B)[K×N]:
//
//   for jc in N by NC            B block columns (packed B block lives in L2/L3)
//     for pc in K by KC          pack op(B)[pc:+kc, jc:+nc] into 16-column panels
//       for ic in M by MC        pack op(A)[ic:+mc, pc:+kc] into MR-row panels (L2)
//         for jr in nc by NR     one or two B micro-panels (kc×16 each) stay in L1 ...
//           for ir in mc by MR   ... while A micro-panels (MR×kc) stream from L2
//             micro-kernel: C[MR×NR] (+)= Apanel·Bpanel(s)
//
// MR×NR is the path's tile: 6×16 for AVX2, NEON and portable, 8×32 for AVX-512, which reads
// two adjacent 16-column B panels, so every path shares one packed-B layout.
//
// beta is applied on the first K block only; later K blocks accumulate (beta 1).
// posix_memalign is POSIX, not ISO C: ask for it explicitly so strict -std=c11 builds
// see its declaration too.
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "RecurKernels.h"
#include "sgemm_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------------
// Blocking parameters. KC×16 floats of B (16 KB) plus 6×KC of A (6 KB) fit the 32 KB
// L1; MC×KC of packed A (144 KB) sits well inside a 512 KB L2; NC bounds the packed B
// block (KC×NC = 2 MB, L3). The AVX-512 tile's two B panels plus its A panel (40 KB)
// overflow Zen 4's 32 KB L1, yet KC 128 measured 0-3% slower on every shape of
// Tests/Reference/gemm_paths_speed.c (the k loop streams B from L2 fast enough), so
// all paths share these. They can be overridden at compile time for tuning.
// ---------------------------------------------------------------------------------
#ifndef RK_KC
#define RK_KC 256
#endif
#ifndef RK_MC
#define RK_MC 144          // multiple of every path's MR (6 and 8)
#endif
#ifndef RK_NC
#define RK_NC 2048         // multiple of RK_NR
#endif
// Up to this many rows, a product with transB uses the path's dot-product routine on B
// in place: transpose-packing all of B would cost nearly as much as the product itself
// at M = 32 (measured crossover: the dot routine wins up to M ≈ 32-48).
#ifndef RK_SMALL_TB_MAX_M
#define RK_SMALL_TB_MAX_M 32
#endif
// Up to this many rows, a product without transB reads B's rows in place instead of
// packing them: each B panel is used only ceil(M/6) times, too few to repay a copy.
// Measured 5-20% faster than packing for M ≤ 64 — except when B's row stride is a
// multiple of 4 KB (ldb % 1024 == 0, e.g. N = 1024): then the 16-float pieces of a
// B panel's rows all fall in one L1 set and a few L2 sets, the panel can't stay cached,
// and packing wins from M ≈ 24 up.
#ifndef RK_DIRECT_B_MAX_M
#define RK_DIRECT_B_MAX_M 64
#endif
#ifndef RK_DIRECT_B_MAX_M_ALIASED
#define RK_DIRECT_B_MAX_M_ALIASED 16
#endif

// ---------------------------------------------------------------------------------
// Path selection: one table per path, indexed by recur_kernels_path() (kernels_path.c)
// ---------------------------------------------------------------------------------

static const rk_ops *rk_current_ops(void) {
#if RK_HAVE_X86
    switch (recur_kernels_path()) {
    case RECUR_KERNELS_AVX512: return &rk_ops_avx512;
    case RECUR_KERNELS_AVX2: return &rk_ops_avx2;
    default: break;
    }
#endif
#if RK_HAVE_NEON
    if (recur_kernels_path() == RECUR_KERNELS_NEON) return &rk_ops_neon;
#endif
    return &rk_ops_generic;
}

// ---------------------------------------------------------------------------------
// Per-thread scratch buffers
// ---------------------------------------------------------------------------------
// Each thread owns its packing buffers, so two threads multiplying different C blocks
// never share scratch. They are allocated on first use, grown on demand and reused, so
// a warm thread does no allocation. A pthread key destructor frees them at thread exit.

typedef struct {
    float *ptr[RK_SLOT_COUNT];
    size_t cap[RK_SLOT_COUNT];
} rk_buffers;

static _Thread_local rk_buffers *rk_tls_buffers;
static pthread_key_t rk_buffers_key;
static pthread_once_t rk_buffers_key_once = PTHREAD_ONCE_INIT;

static void rk_free_buffers(void *p) {
    rk_buffers *b = p;
    for (int i = 0; i < RK_SLOT_COUNT; i++) free(b->ptr[i]);
    free(b);
    rk_tls_buffers = NULL;
}

static void rk_make_key(void) { pthread_key_create(&rk_buffers_key, rk_free_buffers); }

static void rk_out_of_memory(size_t bytes) {
    fprintf(stderr, "RecurKernels: cannot allocate %zu bytes of scratch\n", bytes);
    abort();
}

static float *rk_scratch_grow(int slot, size_t count) {
    rk_buffers *b = rk_tls_buffers;
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b) rk_out_of_memory(sizeof *b);
        pthread_once(&rk_buffers_key_once, rk_make_key);
        pthread_setspecific(rk_buffers_key, b);
        rk_tls_buffers = b;
    }
    // Round up to 4K floats so small size changes don't cause repeated reallocation.
    size_t want = (count + 4095) & ~(size_t)4095;
    void *p = NULL;
    if (posix_memalign(&p, 64, want * sizeof(float)) != 0) rk_out_of_memory(want * sizeof(float));
    free(b->ptr[slot]);
    b->ptr[slot] = p;
    b->cap[slot] = want;
    return p;
}

float *rk_scratch(int slot, size_t count) {
    rk_buffers *b = rk_tls_buffers;
    if (b && b->cap[slot] >= count) return b->ptr[slot];
    return rk_scratch_grow(slot, count);
}

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

static inline int rk_min(int a, int b) { return a < b ? a : b; }

/// Splits `total` into ceil(total/max) nearly equal blocks, rounded up to `multiple`,
/// so e.g. K = 300 runs as 152 + 148 rather than 256 + 44 (a short last block wastes
/// the per-block overhead).
static inline int rk_block_size(int total, int max, int multiple) {
    int blocks = (total + max - 1) / max;
    int size = (total + blocks - 1) / blocks;
    size = (size + multiple - 1) / multiple * multiple;
    return size < max ? size : max;
}

/// C[M×N] = beta·C (beta 0 writes zeros without reading C). Used for K = 0.
static void rk_scale_c(int M, int N, float beta, float *C, ptrdiff_t ldc) {
    for (int i = 0; i < M; i++) {
        float *c = C + i * ldc;
        if (beta == 0.0f) memset(c, 0, (size_t)N * sizeof(float));
        else if (beta != 1.0f) for (int j = 0; j < N; j++) c[j] *= beta;
    }
}

// ---------------------------------------------------------------------------------
// Blocked driver
// ---------------------------------------------------------------------------------

/// The loop nest described at the top of the file. B comes from one of three sources:
/// - `packedB` != NULL: caller-prepacked full-K panels (panel p at packedB + p*16*K);
/// - direct: op(B) = B (no transB) and M small: full 16-column panels are read in
///   place with row stride ldb; only a ragged last panel is packed;
/// - otherwise: each kc×nc block is packed into the per-thread B buffer.
static void rk_driver(const rk_ops *ops, int transA, int transB, int M, int N, int K,
                      const float *A, ptrdiff_t lda, const float *B, ptrdiff_t ldb,
                      const float *packedB, float beta, float *C, ptrdiff_t ldc) {
    const int MR = ops->mr, NR = ops->nr;
    const int kcb = rk_block_size(K, RK_KC, 8);
    const int mcb = rk_block_size(M, RK_MC, MR);
    const int ncb = packedB ? RK_NC : rk_block_size(N, RK_NC, RK_NR);
    const int direct = !packedB && !transB &&
        M <= (ldb % 1024 == 0 ? RK_DIRECT_B_MAX_M_ALIASED : RK_DIRECT_B_MAX_M);

    // mcb is a multiple of MR, so mcb·kcb holds every A panel; +8 for pack_a's spill.
    float *apack = rk_scratch(RK_SLOT_A, (size_t)mcb * kcb + 8);
    float *bpack = NULL;
    if (!packedB) {
        // Direct mode only ever packs one ragged panel.
        size_t bcount = direct ? (size_t)kcb * RK_NR
                               : (size_t)kcb * ((ncb + RK_NR - 1) / RK_NR * RK_NR);
        bpack = rk_scratch(RK_SLOT_B, bcount + 8);
    }

    for (int jc = 0; jc < N; jc += ncb) {
        const int nc = rk_min(ncb, N - jc);
        const int full_panels = nc / RK_NR;            // panels with all 16 columns
        const int ragged = nc - full_panels * RK_NR;   // columns in the last panel

        for (int pc = 0; pc < K; pc += kcb) {
            const int kc = rk_min(kcb, K - pc);
            const float beta_k = pc == 0 ? beta : 1.0f;

            // Where micro-panel p of this (jc, pc) block lives: base + p*pstride, row
            // stride bs. Direct mode overrides the ragged panel below.
            const float *bbase;
            ptrdiff_t pstride, bs;
            if (packedB) {
                bbase = packedB + (ptrdiff_t)(jc / RK_NR) * RK_NR * K + (ptrdiff_t)pc * RK_NR;
                pstride = (ptrdiff_t)RK_NR * K;
                bs = RK_NR;
            } else if (direct) {
                bbase = B + (ptrdiff_t)pc * ldb + jc;
                pstride = RK_NR;
                bs = ldb;
                if (ragged)
                    ops->pack_b(0, kc, ragged, bbase + (ptrdiff_t)full_panels * RK_NR, ldb,
                                bpack, (ptrdiff_t)RK_NR * kc);
            } else {
                const float *bsrc = transB ? B + (ptrdiff_t)jc * ldb + pc
                                           : B + (ptrdiff_t)pc * ldb + jc;
                ops->pack_b(transB, kc, nc, bsrc, ldb, bpack, (ptrdiff_t)RK_NR * kc);
                bbase = bpack;
                pstride = (ptrdiff_t)RK_NR * kc;
                bs = RK_NR;
            }

            for (int ic = 0; ic < M; ic += mcb) {
                const int mc = rk_min(mcb, M - ic);
                const float *asrc = transA ? A + (ptrdiff_t)pc * lda + ic
                                           : A + (ptrdiff_t)ic * lda + pc;
                ops->pack_a(transA, mc, kc, asrc, lda, apack);

                for (int jr = 0; jr < nc;) {
                    const int p = jr / RK_NR;
                    int nr = rk_min(NR, nc - jr);
                    const float *bp = bbase + p * pstride;
                    ptrdiff_t bstride = bs;
                    if (direct && p == full_panels) {       // the packed ragged panel
                        bp = bpack;
                        bstride = RK_NR;
                    } else if (direct && nr > RK_NR && p + 1 == full_panels) {
                        // A 32-wide tile would pair an in-place panel (stride ldb) with
                        // the packed ragged one (stride 16): run the two as separate
                        // 16-wide tiles instead.
                        nr = RK_NR;
                    }
                    float *cp = C + (ptrdiff_t)ic * ldc + jc + jr;
                    for (int ir = 0; ir < mc; ir += MR) {
                        ops->kernel(rk_min(MR, mc - ir), nr, kc, apack + (ptrdiff_t)ir * kc,
                                    bp, bstride, pstride, cp + (ptrdiff_t)ir * ldc, ldc, beta_k);
                    }
                    jr += nr;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------

void recur_sgemm(int transA, int transB, int M, int N, int K,
                 const float *A, int lda, const float *B, int ldb,
                 float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { rk_scale_c(M, N, beta, C, ldc); return; }
    const rk_ops *ops = rk_current_ops();
    if (transB && ops->small_tb && M <= RK_SMALL_TB_MAX_M) {
        ops->small_tb(transA, M, N, K, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    rk_driver(ops, transA, transB, M, N, K, A, lda, B, ldb, NULL, beta, C, ldc);
}

int recur_sgemm_tile_rows(void) { return rk_current_ops()->mr; }

size_t recur_sgemm_packed_b_count(int K, int N) {
    if (K <= 0 || N <= 0) return 0;
    return (size_t)(N + RK_NR - 1) / RK_NR * RK_NR * (size_t)K;
}

void recur_sgemm_pack_b(int transB, int K, int N, const float *B, int ldb, float *packed) {
    if (K <= 0 || N <= 0) return;
    // One pass over all of K: each panel is K×16 contiguous, so the driver can take any
    // K block of it at offset pc*16 with the same panel stride 16*K.
    rk_current_ops()->pack_b(transB, K, N, B, ldb, packed, (ptrdiff_t)RK_NR * K);
}

void recur_sgemm_packed(int transA, int M, int N, int K,
                        const float *A, int lda, const float *packed,
                        float beta, float *C, int ldc) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { rk_scale_c(M, N, beta, C, ldc); return; }
    rk_driver(rk_current_ops(), transA, 0, M, N, K, A, lda, NULL, 0, packed, beta, C, ldc);
}
