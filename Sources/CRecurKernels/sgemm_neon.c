// NEON path (ARM64): a 6×16 micro-kernel with 24 accumulators. ARM64 has 32 vector
// registers and typically 2-4 FMA pipes with a 4-cycle latency, so it needs 8-16 FMA
// chains in flight; the portable kernel's 6×8 halves (12 chains, which the compiler
// turns into NEON fmla) leave pipes idle. 6×16 = 24 chains, plus 4 registers of B and
// 2 of A (a k step's 6 A values as one 4-lane and one 2-lane load, each lane used by
// "FMA by element", vfmaq_lane(q)_f32) = 30 of 32, and it keeps the 6-row A and 16-column
// B panels every other path packs, so prepacked B buffers stay valid across paths.
#include "sgemm_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define RK_NEON_INLINE static inline __attribute__((always_inline))

/// One k step: the 6 A values (a[0..5]) times 4·NV columns of B (b[0..4·NV)).
#define RK_NEON_ROW(r, av, lane, LANEFN)                                             \
    do {                                                                              \
        acc[r][0] = LANEFN(acc[r][0], b0, av, lane);                                  \
        if (NV > 1) acc[r][1] = LANEFN(acc[r][1], b1, av, lane);                      \
        if (NV > 2) acc[r][2] = LANEFN(acc[r][2], b2, av, lane);                      \
        if (NV > 3) acc[r][3] = LANEFN(acc[r][3], b3, av, lane);                      \
    } while (0)

#define RK_NEON_STEP(ko)                                                              \
    do {                                                                              \
        const float *bk = b + (ko) * bs;                                              \
        const float32x4_t b0 = vld1q_f32(bk);                                         \
        const float32x4_t b1 = NV > 1 ? vld1q_f32(bk + 4) : b0;                       \
        const float32x4_t b2 = NV > 2 ? vld1q_f32(bk + 8) : b0;                       \
        const float32x4_t b3 = NV > 3 ? vld1q_f32(bk + 12) : b0;                      \
        const float32x4_t a03 = vld1q_f32(a + (ko) * RK_MR);                          \
        const float32x2_t a45 = vld1_f32(a + (ko) * RK_MR + 4);                       \
        RK_NEON_ROW(0, a03, 0, vfmaq_laneq_f32);                                      \
        RK_NEON_ROW(1, a03, 1, vfmaq_laneq_f32);                                      \
        RK_NEON_ROW(2, a03, 2, vfmaq_laneq_f32);                                      \
        RK_NEON_ROW(3, a03, 3, vfmaq_laneq_f32);                                      \
        RK_NEON_ROW(4, a45, 0, vfmaq_lane_f32);                                       \
        RK_NEON_ROW(5, a45, 1, vfmaq_lane_f32);                                       \
    } while (0)

/// C[mr×nr] = beta·C + A·B for one tile, computing NV 4-column vectors (4·NV ≥ nr) of
/// all 6 rows (rows past mr come from the packed panel's zero padding and are dropped).
RK_NEON_INLINE void rk_neon_tile(const int NV, int mr, int nr, int kc,
                                 const float *restrict a, const float *restrict b,
                                 ptrdiff_t bs, float *restrict c, ptrdiff_t ldc,
                                 float beta) {
    float32x4_t acc[RK_MR][4];
    for (int r = 0; r < RK_MR; r++)
        for (int v = 0; v < 4; v++) acc[r][v] = vdupq_n_f32(0.0f);

    int k = 0;
    for (; k + 2 <= kc; k += 2) {   // unrolled by 2 to amortise the loop overhead
        RK_NEON_STEP(0);
        RK_NEON_STEP(1);
        a += 2 * RK_MR;
        b += 2 * bs;
    }
    if (k < kc) RK_NEON_STEP(0);

    if (mr == RK_MR && nr == 4 * NV) {
        for (int r = 0; r < RK_MR; r++) {
            float *cr = c + r * ldc;
            for (int v = 0; v < NV; v++) {
                float32x4_t t = acc[r][v];
                if (beta == 1.0f) t = vaddq_f32(vld1q_f32(cr + 4 * v), t);
                else if (beta != 0.0f) t = vfmaq_n_f32(t, vld1q_f32(cr + 4 * v), beta);
                vst1q_f32(cr + 4 * v, t);
            }
        }
        return;
    }
    // A ragged tile: through a buffer, so nothing outside C[mr×nr] is read or written.
    float tile[RK_MR][RK_NR];
    for (int r = 0; r < RK_MR; r++)
        for (int v = 0; v < NV; v++) vst1q_f32(&tile[r][4 * v], acc[r][v]);
    for (int r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        for (int j = 0; j < nr; j++)
            cr[j] = beta == 0.0f ? tile[r][j]
                  : (beta == 1.0f ? cr[j] + tile[r][j] : beta * cr[j] + tile[r][j]);
    }
}

static void rk_neon_kernel(int mr, int nr, int kc, const float *a, const float *b,
                           ptrdiff_t bs, ptrdiff_t pstride, float *c, ptrdiff_t ldc,
                           float beta) {
    (void)pstride;   // nr ≤ 16: one panel
    if (nr > 12) rk_neon_tile(4, mr, nr, kc, a, b, bs, c, ldc, beta);
    else if (nr > 8) rk_neon_tile(3, mr, nr, kc, a, b, bs, c, ldc, beta);
    else if (nr > 4) rk_neon_tile(2, mr, nr, kc, a, b, bs, c, ldc, beta);
    else rk_neon_tile(1, mr, nr, kc, a, b, bs, c, ldc, beta);
}

const rk_ops rk_ops_neon = {
    .mr = RK_MR,
    .nr = RK_NR,
    .kernel = rk_neon_kernel,
    .pack_a = rk_generic_pack_a,
    .pack_b = rk_generic_pack_b,
    .small_tb = NULL,
};

#endif // __aarch64__
