// Portable path: plain C that compilers auto-vectorise for the baseline ISA (SSE2 on
// x86-64, NEON on arm64). Used when the CPU lacks AVX2/FMA, and as a reference for the
// SIMD paths in tests. Same packed layouts as the AVX2 path (6-row A panels, 16-column
// B panels), so the driver and prepacked buffers work with either.
#include "sgemm_internal.h"

#include <string.h>

/// 6×16 tile computed as two 6×8 halves: 6×8 accumulators are 12 SSE registers (of
/// 16), so the compiler keeps them in registers; a full 6×16 block would spill.
static void rk_generic_kernel(int mr, int nr, int kc, const float *restrict a,
                              const float *restrict b, ptrdiff_t bs, ptrdiff_t pstride,
                              float *restrict c, ptrdiff_t ldc, float beta) {
    (void)pstride;   // nr ≤ 16: one panel
    for (int h = 0; h < nr; h += 8) {
        float acc[RK_MR][8];
        memset(acc, 0, sizeof acc);
        const float *ap = a, *bp = b + h;
        for (int k = 0; k < kc; k++, ap += RK_MR, bp += bs) {
            for (int r = 0; r < RK_MR; r++) {
                const float av = ap[r];
                for (int j = 0; j < 8; j++) acc[r][j] += av * bp[j];
            }
        }
        const int w = nr - h < 8 ? nr - h : 8;
        for (int r = 0; r < mr; r++) {
            float *cr = c + r * ldc + h;
            if (beta == 0.0f)
                for (int j = 0; j < w; j++) cr[j] = acc[r][j];
            else if (beta == 1.0f)
                for (int j = 0; j < w; j++) cr[j] += acc[r][j];
            else
                for (int j = 0; j < w; j++) cr[j] = beta * cr[j] + acc[r][j];
        }
    }
}

void rk_generic_pack_a(int transA, int mc, int kc, const float *restrict a,
                       ptrdiff_t lda, float *restrict dst) {
    for (int i0 = 0; i0 < mc; i0 += RK_MR, dst += (ptrdiff_t)RK_MR * kc) {
        const int mr = mc - i0 < RK_MR ? mc - i0 : RK_MR;
        for (int k = 0; k < kc; k++) {
            float *d = dst + (ptrdiff_t)k * RK_MR;
            int r = 0;
            if (transA) {
                const float *src = a + (ptrdiff_t)k * lda + i0;
                for (; r < mr; r++) d[r] = src[r];
            } else {
                const float *src = a + (ptrdiff_t)i0 * lda + k;
                for (; r < mr; r++) d[r] = src[r * lda];
            }
            for (; r < RK_MR; r++) d[r] = 0.0f;
        }
    }
}

void rk_generic_pack_b(int transB, int kc, int nc, const float *restrict b,
                       ptrdiff_t ldb, float *restrict dst, ptrdiff_t panel_stride) {
    for (int j0 = 0; j0 < nc; j0 += RK_NR, dst += panel_stride) {
        const int nr = nc - j0 < RK_NR ? nc - j0 : RK_NR;
        for (int k = 0; k < kc; k++) {
            float *d = dst + (ptrdiff_t)k * RK_NR;
            int j = 0;
            if (transB) {
                const float *src = b + (ptrdiff_t)j0 * ldb + k;
                for (; j < nr; j++) d[j] = src[j * ldb];
            } else {
                const float *src = b + (ptrdiff_t)k * ldb + j0;
                for (; j < nr; j++) d[j] = src[j];
            }
            for (; j < RK_NR; j++) d[j] = 0.0f;
        }
    }
}

const rk_ops rk_ops_generic = {
    .mr = RK_MR,
    .nr = RK_NR,
    .kernel = rk_generic_kernel,
    .pack_a = rk_generic_pack_a,
    .pack_b = rk_generic_pack_b,
    .small_tb = NULL,
};
