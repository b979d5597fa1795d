// AVX-512 twins of the element-wise kernels of activations.c that gain from 16 lanes:
// the LSTM cell forward, and softmax over wide rows. Each is its AVX2 routine with 16
// lanes for 8: the same constants (activations_internal.h) and the same operations in
// the same order, so every LSTM element is bit-identical to the AVX2 path; softmax sums
// a row in 16 partial sums instead of 8, so its rows agree with AVX2 to rounding.
// Derivations are next to the AVX2 routines. Everything else (LSTM backward, GRU, plain
// RNN, row helpers, softmax rows < 512 wide) runs its AVX2 code on the AVX-512 path.
//
// Measured on Zen 4, one core, against the AVX2 routines (best of 9 rounds):
// - LSTM forward, B = 32, H = 256: 1.37-1.45× (the polynomial and the divisions in
//   half the instructions);
// - LSTM backward: 0.87-0.96×, no polynomial to gain on, so it has no twin here;
// - softmax: 1.26-1.36× from 512 columns up (V = 10,000: 1.30×), but 0.8-0.96× on
//   narrow rows (V = 65, 100, 200), where the per-row reductions and the 16-lane masked
//   tail cost more than the loop saves — hence RA_SOFTMAX_AVX512_MIN_WIDTH.
// In a profile of `recur bench` (char LSTM, 2 layers) all element-wise kernels together
// take ~6% of the time next to ~75% in GEMM, so these are worth ~1-2% end to end.
//
// AVX-512F has no floating-point and/or/xor (those are AVX-512DQ), so sign
// manipulations go through the integer domain; the bits are the same.
#include "activations_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <math.h>
#include <stddef.h>

#define RA512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define RA_INLINE static inline __attribute__((always_inline))

// ---- exp, σ, tanh (twins of ra_exp_reduce … ra_tanh) --------------------------------

RA512 RA_INLINE __m512 ra5_exp_reduce(__m512 v, __m512 *k_out) {
    const __m512 magic = _mm512_set1_ps(RA_ROUND_MAGIC);
    __m512 k = _mm512_fmadd_ps(v, _mm512_set1_ps(RA_LOG2E), magic);
    __m512 n = _mm512_sub_ps(k, magic);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(RA_LN2_HI), v);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(RA_LN2_LO), r);
    __m512 q = _mm512_fmadd_ps(_mm512_set1_ps(RA_Q4), r, _mm512_set1_ps(RA_Q3));
    q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(RA_Q2));
    q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(RA_Q1));
    q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(RA_Q0));
    __m512 r2 = _mm512_mul_ps(r, r);
    *k_out = k;
    return _mm512_fmadd_ps(r2, q, r);
}

RA512 RA_INLINE __m512 ra5_pow2_from_k(__m512 k) {
    __m512i e = _mm512_add_epi32(_mm512_castps_si512(k), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
}

RA512 RA_INLINE __m512 ra5_exp_clamped(__m512 v) {
    __m512 k;
    __m512 t = ra5_exp_reduce(v, &k);
    __m512 s = ra5_pow2_from_k(k);
    return _mm512_fmadd_ps(s, t, s);
}

RA512 RA_INLINE __m512 ra5_exp_full(__m512 x) {
    __m512 v = _mm512_max_ps(_mm512_set1_ps(-104.0f), _mm512_min_ps(_mm512_set1_ps(88.8f), x));
    __m512 k;
    __m512 t = ra5_exp_reduce(v, &k);
    __m512i n = _mm512_sub_epi32(_mm512_castps_si512(k), _mm512_set1_epi32(RA_ROUND_MAGIC_BITS));
    __m512i half = _mm512_srai_epi32(n, 1);
    __m512i rest = _mm512_sub_epi32(n, half);
    __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(half, _mm512_set1_epi32(127)), 23));
    __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(rest, _mm512_set1_epi32(127)), 23));
    return _mm512_mul_ps(_mm512_fmadd_ps(s1, t, s1), s2);
}

RA512 RA_INLINE __m512 ra5_sigmoid(__m512 x) {
    const __m512i signbit = _mm512_set1_epi32((int)0x80000000u);
    __m512 negx = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), signbit));
    __m512 v = _mm512_max_ps(_mm512_set1_ps(RA_EXP_LO), _mm512_min_ps(_mm512_set1_ps(RA_EXP_HI), negx));
    __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, ra5_exp_clamped(v)));
}

RA512 RA_INLINE __m512 ra5_tanh(__m512 x) {
    const __m512i signbit = _mm512_set1_epi32((int)0x80000000u);
    __m512i sign = _mm512_and_si512(_mm512_castps_si512(x), signbit);
    __m512 a = _mm512_min_ps(_mm512_set1_ps(10.0f),
                             _mm512_castsi512_ps(_mm512_andnot_si512(signbit, _mm512_castps_si512(x))));
    __m512 k;
    __m512 t = ra5_exp_reduce(_mm512_mul_ps(a, _mm512_set1_ps(-2.0f)), &k);
    __m512 s = ra5_pow2_from_k(k);
    __m512 u = _mm512_fmadd_ps(s, t, _mm512_sub_ps(s, _mm512_set1_ps(1.0f)));
    __m512 mag = _mm512_div_ps(_mm512_sub_ps(_mm512_setzero_ps(), u),
                               _mm512_add_ps(u, _mm512_set1_ps(2.0f)));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(mag), sign));
}

// ---- loads and stores with ragged ends ----------------------------------------------
// An opmask with the first n lanes set: masked-off lanes are not touched in memory (and
// load as 0), so tails run the same vector code as the body. As in the AVX2 code, the
// body is instantiated twice (`full` is a constant at every call): plain loads and
// stores in the loop, masked ones for the tail only.

RA512 RA_INLINE __m512 ra5_load(const float *p, __mmask16 m, int full) {
    return full ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(m, p);
}
RA512 RA_INLINE void ra5_store(float *p, __m512 v, __mmask16 m, int full) {
    if (full) _mm512_storeu_ps(p, v);
    else _mm512_mask_storeu_ps(p, m, v);
}

/// Runs `body(j, mask, full)` over [j0, j1) in steps of 16 with a masked last step.
#define RA5_FOR_UNITS(j0, j1, body)                                                    \
    do {                                                                               \
        int ra_j = (j0);                                                               \
        for (; ra_j + 16 <= (j1); ra_j += 16) body(ra_j, (__mmask16)0xFFFF, 1);        \
        if (ra_j < (j1)) body(ra_j, (__mmask16)((1u << ((j1) - ra_j)) - 1u), 0);       \
    } while (0)

// ---- LSTM forward (twins of sigmoid_span, tanh_span, lstm_combine8) -----------------
// Same two-pass structure as the AVX2 forward (squash each gate slice, then combine),
// which keeps each element's operations identical to the AVX2 path.

RA512 static void ra5_sigmoid_span(int n, float *x) {
#define RA_BODY(j, m, full) ra5_store(x + j, ra5_sigmoid(ra5_load(x + j, m, full)), m, full)
    RA5_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
}

RA512 static void ra5_tanh_span(int n, float *x) {
#define RA_BODY(j, m, full) ra5_store(x + j, ra5_tanh(ra5_load(x + j, m, full)), m, full)
    RA5_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
}

RA512 RA_INLINE void ra5_lstm_combine16(const float *g, ptrdiff_t H, const float *cPrev, float *c,
                                        float *tanhC, float *h, int j, __mmask16 m, int full) {
    __m512 i = ra5_load(g + j, m, full);
    __m512 f = ra5_load(g + H + j, m, full);
    __m512 gg = ra5_load(g + 2 * H + j, m, full);
    __m512 o = ra5_load(g + 3 * H + j, m, full);
    // c = f·cPrev + i·g ; h = o·tanh(c)
    __m512 cell = _mm512_fmadd_ps(f, ra5_load(cPrev + j, m, full), _mm512_mul_ps(i, gg));
    __m512 squashed = ra5_tanh(cell);
    ra5_store(c + j, cell, m, full);
    ra5_store(tanhC + j, squashed, m, full);
    ra5_store(h + j, _mm512_mul_ps(o, squashed), m, full);
}

RA512 void ra_lstm_forward_avx512(int B, int H, int j0, int j1, float *gates,
                                  const float *cPrev, float *c, float *tanhC, float *h) {
    const int n = j1 - j0;
    const int whole = j0 == 0 && j1 == H;   // i and f slices are then one contiguous span
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
        if (whole) {
            ra5_sigmoid_span(2 * H, g);
        } else {
            ra5_sigmoid_span(n, g + j0);
            ra5_sigmoid_span(n, g + H + j0);
        }
        ra5_tanh_span(n, g + 2 * H + j0);
        ra5_sigmoid_span(n, g + 3 * H + j0);
#define RA_BODY(j, m, full) ra5_lstm_combine16(g, H, cPrev + row, c + row, tanhC + row, h + row, j, m, full)
        RA5_FOR_UNITS(j0, j1, RA_BODY);
#undef RA_BODY
    }
}

// ---- softmax (twin of softmax_rows_avx2) ----------------------------------------------

RA512 void ra_softmax_rows_avx512(int rows, int width, float *x) {
    const __m512 neginf = _mm512_set1_ps(-INFINITY);
    for (int r = 0; r < rows; r++) {
        float *line = x + (size_t)r * width;
        // Row maximum; masked-off tail lanes load as −inf.
        __m512 mx = neginf;
#define RA_BODY(j, m, full) \
        mx = _mm512_max_ps(mx, full ? _mm512_loadu_ps(line + j) : _mm512_mask_loadu_ps(neginf, m, line + j))
        RA5_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
        const __m512 largest = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
        // e = exp(x − max), stored, and summed in 16 lanes; tail lanes are left out of
        // the sum (exp(0 − max) would otherwise count). NaN poisons the sum.
        __m512 total = _mm512_setzero_ps();
#define RA_BODY(j, m, full)                                                            \
        do {                                                                           \
            __m512 e = ra5_exp_full(_mm512_sub_ps(ra5_load(line + j, m, full), largest)); \
            total = full ? _mm512_add_ps(total, e) : _mm512_mask_add_ps(total, m, total, e); \
            ra5_store(line + j, e, m, full);                                           \
        } while (0)
        RA5_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
        // Divide (correctly rounded) rather than multiply by 1/total.
        const __m512 sum = _mm512_set1_ps(_mm512_reduce_add_ps(total));
#define RA_BODY(j, m, full) \
        ra5_store(line + j, _mm512_div_ps(ra5_load(line + j, m, full), sum), m, full)
        RA5_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
    }
}

#endif
