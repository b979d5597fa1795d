// NEON twins (ARM64) of the AVX2 cell kernels in activations.c: exp, σ and tanh with the
// same constants and polynomial (activations_internal.h), the same operations in the
// same order, and the same FMAs, 4 lanes at a time; then the LSTM/GRU steps, the vanilla
// RNN activations and softmax built on them. The derivations are beside the AVX2
// routines. Differences from AVX2, none of which changes an element's value:
// - min/max: NEON's fmin/fmax return NaN when either operand is NaN, so NaN survives
//   every clamp, as the AVX2 operand order arranges.
// - Ragged ends: NEON has no masked loads, so the last 1-3 units go through a 4-float
//   buffer and the same vector code (each element still gets the same operations
//   wherever a [j0, j1) split falls, so 1 thread and N threads agree bit for bit).
// The row and vector helpers (add, scale, column sums, Adam) have no NEON twin: their
// portable C is plain element-wise loops that the compiler vectorises with NEON itself.
#include "RecurActivations.h"
#include "activations_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <math.h>
#include <stddef.h>

#define RN_INLINE static inline __attribute__((always_inline))

// ---- exp / expm1 core (ra_exp_reduce, ra_pow2_from_k, ra_exp_clamped, ra_exp_full) ---

RN_INLINE float32x4_t rn_exp_reduce(float32x4_t v, float32x4_t *k_out) {
    const float32x4_t magic = vdupq_n_f32(RA_ROUND_MAGIC);
    float32x4_t k = vfmaq_f32(magic, v, vdupq_n_f32(RA_LOG2E));
    float32x4_t n = vsubq_f32(k, magic);
    float32x4_t r = vfmsq_f32(v, n, vdupq_n_f32(RA_LN2_HI));
    r = vfmsq_f32(r, n, vdupq_n_f32(RA_LN2_LO));
    float32x4_t q = vfmaq_f32(vdupq_n_f32(RA_Q3), vdupq_n_f32(RA_Q4), r);
    q = vfmaq_f32(vdupq_n_f32(RA_Q2), q, r);
    q = vfmaq_f32(vdupq_n_f32(RA_Q1), q, r);
    q = vfmaq_f32(vdupq_n_f32(RA_Q0), q, r);
    float32x4_t r2 = vmulq_f32(r, r);
    *k_out = k;
    return vfmaq_f32(r, r2, q);
}

RN_INLINE float32x4_t rn_pow2_from_k(float32x4_t k) {
    int32x4_t e = vaddq_s32(vreinterpretq_s32_f32(k), vdupq_n_s32(127));
    return vreinterpretq_f32_s32(vshlq_n_s32(e, 23));
}

RN_INLINE float32x4_t rn_exp_clamped(float32x4_t v) {
    float32x4_t k;
    float32x4_t t = rn_exp_reduce(v, &k);
    float32x4_t s = rn_pow2_from_k(k);
    return vfmaq_f32(s, s, t);
}

RN_INLINE float32x4_t rn_exp_full(float32x4_t x) {
    float32x4_t v = vmaxq_f32(vdupq_n_f32(-104.0f), vminq_f32(vdupq_n_f32(88.8f), x));
    float32x4_t k;
    float32x4_t t = rn_exp_reduce(v, &k);
    int32x4_t n = vsubq_s32(vreinterpretq_s32_f32(k), vdupq_n_s32(RA_ROUND_MAGIC_BITS));
    int32x4_t half = vshrq_n_s32(n, 1);
    int32x4_t rest = vsubq_s32(n, half);
    float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(half, vdupq_n_s32(127)), 23));
    float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(rest, vdupq_n_s32(127)), 23));
    return vmulq_f32(vfmaq_f32(s1, s1, t), s2);
}

// ---- σ and tanh (ra_sigmoid, ra_tanh) -------------------------------------------------

RN_INLINE float32x4_t rn_sigmoid(float32x4_t x) {
    float32x4_t v = vmaxq_f32(vdupq_n_f32(RA_EXP_LO), vminq_f32(vdupq_n_f32(RA_EXP_HI), vnegq_f32(x)));
    const float32x4_t one = vdupq_n_f32(1.0f);
    return vdivq_f32(one, vaddq_f32(one, rn_exp_clamped(v)));
}

RN_INLINE float32x4_t rn_tanh(float32x4_t x) {
    const uint32x4_t signbit = vdupq_n_u32(0x80000000u);
    uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(x), signbit);
    float32x4_t a = vminq_f32(vdupq_n_f32(10.0f), vabsq_f32(x));
    float32x4_t k;
    float32x4_t t = rn_exp_reduce(vmulq_f32(a, vdupq_n_f32(-2.0f)), &k);
    float32x4_t s = rn_pow2_from_k(k);
    float32x4_t u = vfmaq_f32(vsubq_f32(s, vdupq_n_f32(1.0f)), s, t);
    float32x4_t mag = vdivq_f32(vsubq_f32(vdupq_n_f32(0.0f), u), vaddq_f32(u, vdupq_n_f32(2.0f)));
    return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(mag), sign));
}

// ---- loads and stores with ragged ends ------------------------------------------------

/// Lanes 0..n-1 set (0 ≤ n ≤ 4).
RN_INLINE uint32x4_t rn_mask(int n) {
    const uint32_t lanes[4] = {0, 1, 2, 3};
    return vcltq_u32(vld1q_u32(lanes), vdupq_n_u32((uint32_t)n));
}

/// n floats at p (1 ≤ n ≤ 4), lanes past n zero; `n` is a constant 4 in loop bodies.
RN_INLINE float32x4_t rn_load(const float *p, int n) {
    if (n == 4) return vld1q_f32(p);
    float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int i = 0; i < n; i++) t[i] = p[i];
    return vld1q_f32(t);
}

RN_INLINE void rn_store(float *p, float32x4_t v, int n) {
    if (n == 4) { vst1q_f32(p, v); return; }
    float t[4];
    vst1q_f32(t, v);
    for (int i = 0; i < n; i++) p[i] = t[i];
}

/// Runs `body(j, n)` over [j0, j1) in steps of 4, the last step n = 1..4 wide.
#define RN_FOR_UNITS(j0, j1, body)                                                     \
    do {                                                                               \
        int rn_j = (j0);                                                               \
        for (; rn_j + 4 <= (j1); rn_j += 4) body(rn_j, 4);                             \
        if (rn_j < (j1)) body(rn_j, (j1) - rn_j);                                      \
    } while (0)

// ---- gate squashing passes (two passes per row, as on AVX2) ---------------------------

static void rn_sigmoid_span(int n, float *x) {
#define RN_BODY(j, w) rn_store(x + j, rn_sigmoid(rn_load(x + j, w)), w)
    RN_FOR_UNITS(0, n, RN_BODY);
#undef RN_BODY
}

static void rn_tanh_span(int n, float *x) {
#define RN_BODY(j, w) rn_store(x + j, rn_tanh(rn_load(x + j, w)), w)
    RN_FOR_UNITS(0, n, RN_BODY);
#undef RN_BODY
}

static void rn_sigmoid_sum_span(int n, float *x, const float *y) {
#define RN_BODY(j, w) rn_store(x + j, rn_sigmoid(vaddq_f32(rn_load(x + j, w), rn_load(y + j, w))), w)
    RN_FOR_UNITS(0, n, RN_BODY);
#undef RN_BODY
}

// ---- LSTM ------------------------------------------------------------------------------

RN_INLINE void rn_lstm_combine4(const float *g, ptrdiff_t H, const float *cPrev, float *c,
                                float *tanhC, float *h, int j, int w) {
    float32x4_t i = rn_load(g + j, w), f = rn_load(g + H + j, w);
    float32x4_t gg = rn_load(g + 2 * H + j, w), o = rn_load(g + 3 * H + j, w);
    // c = f·cPrev + i·g ; h = o·tanh(c)
    float32x4_t cell = vfmaq_f32(vmulq_f32(i, gg), f, rn_load(cPrev + j, w));
    float32x4_t squashed = rn_tanh(cell);
    rn_store(c + j, cell, w);
    rn_store(tanhC + j, squashed, w);
    rn_store(h + j, vmulq_f32(o, squashed), w);
}

void ra_lstm_forward_neon(int B, int H, int j0, int j1, float *gates, const float *cPrev,
                          float *c, float *tanhC, float *h) {
    const int n = j1 - j0;
    const int whole = j0 == 0 && j1 == H;
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
        if (whole) {
            rn_sigmoid_span(2 * H, g);
        } else {
            rn_sigmoid_span(n, g + j0);
            rn_sigmoid_span(n, g + H + j0);
        }
        rn_tanh_span(n, g + 2 * H + j0);
        rn_sigmoid_span(n, g + 3 * H + j0);
#define RN_BODY(j, w) rn_lstm_combine4(g, H, cPrev + row, c + row, tanhC + row, h + row, j, w)
        RN_FOR_UNITS(j0, j1, RN_BODY);
#undef RN_BODY
    }
}

RN_INLINE void rn_lstm_backward4(const float *g, float *d, ptrdiff_t H, const float *cPrev,
                                 const float *tanhC, const float *dh, float *dc, int j, int w) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    float32x4_t i = rn_load(g + j, w), f = rn_load(g + H + j, w);
    float32x4_t gg = rn_load(g + 2 * H + j, w), o = rn_load(g + 3 * H + j, w);
    float32x4_t squashed = rn_load(tanhC + j, w);
    float32x4_t dHidden = rn_load(dh + j, w);
    // h = o·tanh(c)
    float32x4_t dOutput = vmulq_f32(dHidden, squashed);
    float32x4_t dCell = vfmaq_f32(rn_load(dc + j, w), vmulq_f32(dHidden, o),
                                  vfmsq_f32(one, squashed, squashed));   // 1 − tanhC²
    // c = f·cPrev + i·g
    float32x4_t dInput = vmulq_f32(dCell, gg);
    float32x4_t dCandidate = vmulq_f32(dCell, i);
    float32x4_t dForget = vmulq_f32(dCell, rn_load(cPrev + j, w));
    rn_store(dc + j, vmulq_f32(dCell, f), w);
    // σ' = s − s², tanh' = 1 − t², each in one FMA rounding.
    rn_store(d + j, vmulq_f32(dInput, vfmsq_f32(i, i, i)), w);
    rn_store(d + H + j, vmulq_f32(dForget, vfmsq_f32(f, f, f)), w);
    rn_store(d + 2 * H + j, vmulq_f32(dCandidate, vfmsq_f32(one, gg, gg)), w);
    rn_store(d + 3 * H + j, vmulq_f32(dOutput, vfmsq_f32(o, o, o)), w);
}

void ra_lstm_backward_neon(int B, int H, int j0, int j1, const float *gates,
                           const float *cPrev, const float *tanhC, const float *dh,
                           float *dc, float *dPre) {
    for (int b = 0; b < B; b++) {
        const float *g = gates + (size_t)b * 4 * H;
        float *d = dPre + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
#define RN_BODY(j, w) rn_lstm_backward4(g, d, H, cPrev + row, tanhC + row, dh + row, dc + row, j, w)
        RN_FOR_UNITS(j0, j1, RN_BODY);
#undef RN_BODY
    }
}

// ---- GRU -------------------------------------------------------------------------------

RN_INLINE void rn_gru_combine4(float *g, const float *p, ptrdiff_t H, const float *hPrev,
                               float *h, int j, int w) {
    float32x4_t reset = rn_load(g + j, w), update = rn_load(g + H + j, w);
    // n = tanh(a_n + r·p_n)
    float32x4_t candidate = rn_tanh(vfmaq_f32(rn_load(g + 2 * H + j, w), reset,
                                              rn_load(p + 2 * H + j, w)));
    // h = (1 − z)·n + z·hPrev
    float32x4_t oneMinusZ = vsubq_f32(vdupq_n_f32(1.0f), update);
    float32x4_t hidden = vfmaq_f32(vmulq_f32(oneMinusZ, candidate), update, rn_load(hPrev + j, w));
    rn_store(g + 2 * H + j, candidate, w);
    rn_store(h + j, hidden, w);
}

void ra_gru_forward_neon(int B, int H, int j0, int j1, float *gates, const float *hiddenPart,
                         const float *hPrev, float *h) {
    const int n = j1 - j0;
    const int whole = j0 == 0 && j1 == H;
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 3 * H;
        const float *p = hiddenPart + (size_t)b * 3 * H;
        size_t row = (size_t)b * H;
        if (whole) {
            rn_sigmoid_sum_span(2 * H, g, p);
        } else {
            rn_sigmoid_sum_span(n, g + j0, p + j0);
            rn_sigmoid_sum_span(n, g + H + j0, p + H + j0);
        }
#define RN_BODY(j, w) rn_gru_combine4(g, p, H, hPrev + row, h + row, j, w)
        RN_FOR_UNITS(j0, j1, RN_BODY);
#undef RN_BODY
    }
}

RN_INLINE void rn_gru_backward4(const float *g, const float *p, float *di, float *dp,
                                ptrdiff_t H, const float *hPrev, const float *dh,
                                float *dhPrevDirect, int j, int w) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    float32x4_t reset = rn_load(g + j, w), update = rn_load(g + H + j, w);
    float32x4_t candidate = rn_load(g + 2 * H + j, w);
    float32x4_t dHidden = rn_load(dh + j, w);
    // h = (1 − z)·n + z·hPrev
    float32x4_t dCandidate = vmulq_f32(dHidden, vsubq_f32(one, update));
    float32x4_t dUpdate = vmulq_f32(dHidden, vsubq_f32(rn_load(hPrev + j, w), candidate));
    float32x4_t dDirect = vmulq_f32(dHidden, update);
    // n = tanh(a_n + r·p_n)
    float32x4_t dCandidatePre = vmulq_f32(dCandidate, vfmsq_f32(one, candidate, candidate));
    float32x4_t dReset = vmulq_f32(dCandidatePre, rn_load(p + 2 * H + j, w));
    float32x4_t dResetPre = vmulq_f32(dReset, vfmsq_f32(reset, reset, reset));
    float32x4_t dUpdatePre = vmulq_f32(dUpdate, vfmsq_f32(update, update, update));
    // Stores last: dhPrevDirect may be the same buffer as dh.
    rn_store(dhPrevDirect + j, dDirect, w);
    rn_store(di + j, dResetPre, w);
    rn_store(di + H + j, dUpdatePre, w);
    rn_store(di + 2 * H + j, dCandidatePre, w);
    rn_store(dp + j, dResetPre, w);
    rn_store(dp + H + j, dUpdatePre, w);
    rn_store(dp + 2 * H + j, vmulq_f32(dCandidatePre, reset), w);
}

void ra_gru_backward_neon(int B, int H, int j0, int j1, const float *gates,
                          const float *hiddenPart, const float *hPrev, const float *dh,
                          float *dInputPart, float *dHiddenPart, float *dhPrevDirect) {
    for (int b = 0; b < B; b++) {
        size_t off3 = (size_t)b * 3 * H, row = (size_t)b * H;
#define RN_BODY(j, w)                                                                  \
        rn_gru_backward4(gates + off3, hiddenPart + off3, dInputPart + off3,           \
                         dHiddenPart + off3, H, hPrev + row, dh + row,                 \
                         dhPrevDirect + row, j, w)
        RN_FOR_UNITS(j0, j1, RN_BODY);
#undef RN_BODY
    }
}

// ---- vanilla RNN activations ------------------------------------------------------------

void ra_activation_forward_neon(int kind, int count, float *x) {
    switch (kind) {
    case RECUR_ACTIVATION_TANH: rn_tanh_span(count, x); break;
    case RECUR_ACTIVATION_SIGMOID: rn_sigmoid_span(count, x); break;
    case RECUR_ACTIVATION_RELU:
        // Swift's max(x, 0) = (0 >= x ? 0 : x): clear x where 0 >= x, which is false for
        // NaN (unordered) and true for −0, so NaN passes through and −0 becomes +0.
#define RN_BODY(j, w)                                                                  \
        do {                                                                           \
            float32x4_t v = rn_load(x + j, w);                                         \
            uint32x4_t drop = vcgeq_f32(vdupq_n_f32(0.0f), v);                         \
            rn_store(x + j, vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(v), drop)), w); \
        } while (0)
        RN_FOR_UNITS(0, count, RN_BODY);
#undef RN_BODY
        break;
    default: break;
    }
}

RN_INLINE void rn_act_backward4(int kind, const float *h, const float *dh, float *dPre,
                                int j, int w) {
    float32x4_t hv = rn_load(h + j, w), d = rn_load(dh + j, w);
    switch (kind) {
    case RECUR_ACTIVATION_TANH: d = vmulq_f32(d, vfmsq_f32(vdupq_n_f32(1.0f), hv, hv)); break;
    case RECUR_ACTIVATION_SIGMOID: d = vmulq_f32(d, vfmsq_f32(hv, hv, hv)); break;
    default:
        d = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(d),
                                            vcgtq_f32(hv, vdupq_n_f32(0.0f))));
        break;
    }
    rn_store(dPre + j, d, w);
}

void ra_activation_backward_neon(int kind, int count, const float *h, const float *dh,
                                 float *dPre) {
    switch (kind) {
#define RN_BODY_T(j, w) rn_act_backward4(RECUR_ACTIVATION_TANH, h, dh, dPre, j, w)
#define RN_BODY_S(j, w) rn_act_backward4(RECUR_ACTIVATION_SIGMOID, h, dh, dPre, j, w)
#define RN_BODY_R(j, w) rn_act_backward4(RECUR_ACTIVATION_RELU, h, dh, dPre, j, w)
    case RECUR_ACTIVATION_TANH: RN_FOR_UNITS(0, count, RN_BODY_T); break;
    case RECUR_ACTIVATION_SIGMOID: RN_FOR_UNITS(0, count, RN_BODY_S); break;
    case RECUR_ACTIVATION_RELU: RN_FOR_UNITS(0, count, RN_BODY_R); break;
    default: break;
#undef RN_BODY_T
#undef RN_BODY_S
#undef RN_BODY_R
    }
}

// ---- exp and softmax ---------------------------------------------------------------------

void ra_exp_neon(int count, const float *x, float *y) {
#define RN_BODY(j, w) rn_store(y + j, rn_exp_full(rn_load(x + j, w)), w)
    RN_FOR_UNITS(0, count, RN_BODY);
#undef RN_BODY
}

/// Softmax rows as on AVX2, with the sum accumulated in 4 lanes (AVX2: 8), so the
/// total of a row can differ from AVX2's in its last bits.
void ra_softmax_rows_neon(int rows, int width, float *x) {
    const float32x4_t neginf = vdupq_n_f32(-INFINITY);
    for (int r = 0; r < rows; r++) {
        float *line = x + (size_t)r * width;
        // Row maximum; lanes past a ragged end count as −inf. fmax keeps NaN.
        float32x4_t mx = neginf;
#define RN_BODY(j, w) mx = vmaxq_f32(mx, vbslq_f32(rn_mask(w), rn_load(line + j, w), neginf))
        RN_FOR_UNITS(0, width, RN_BODY);
#undef RN_BODY
        const float32x4_t largest = vdupq_n_f32(vmaxvq_f32(mx));
        // e = exp(x − max), stored and summed (lanes past a ragged end add 0).
        float32x4_t total = vdupq_n_f32(0.0f);
#define RN_BODY(j, w)                                                                  \
        do {                                                                           \
            float32x4_t e = rn_exp_full(vsubq_f32(rn_load(line + j, w), largest));     \
            e = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(e), rn_mask(w))); \
            total = vaddq_f32(total, e);                                               \
            rn_store(line + j, e, w);                                                  \
        } while (0)
        RN_FOR_UNITS(0, width, RN_BODY);
#undef RN_BODY
        // Divide (correctly rounded) rather than multiply by 1/total.
        const float32x4_t sum = vdupq_n_f32(vaddvq_f32(total));
#define RN_BODY(j, w) rn_store(line + j, vdivq_f32(rn_load(line + j, w), sum), w)
        RN_FOR_UNITS(0, width, RN_BODY);
#undef RN_BODY
    }
}

#endif // __aarch64__
