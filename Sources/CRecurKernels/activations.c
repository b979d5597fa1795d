// Fused element-wise kernels for one time step of the RNN/LSTM/GRU cells, and the small
// row/vector helpers around them. See RecurActivations.h for the API and shapes.
//
// Layout of this file:
//   1. Portable C path: the original Swift loops, statement for statement, with expf and
//      tanhf from libm (so the fallback reproduces the Swift results exactly).
//   2. AVX2+FMA path: 8 lanes at a time with polynomial exp/expm1, compiled through
//      __attribute__((target("avx2,fma"))) because the target is built with plain -O3
//      (baseline x86-64); it only runs after recur_kernels_has_fma() saw CPU support.
//   3. Public entry points that pick a path per call (the AVX-512 twins of the LSTM
//      forward and wide-row softmax are in activations_avx512.c, the NEON twins of the
//      AVX2 cell kernels in activations_neon.c).
//
// AVX2 math in brief (derivations next to each routine):
//   exp(v)   = 2^n · (1 + t),  n = round(v/ln2), r = v − n·ln2 (|r| ≤ ln2/2, split ln2),
//              t = expm1(r) = r + r²·q(r), q a degree-4 near-minimax polynomial
//   σ(x)     = 1 / (1 + exp(−x))
//   tanh(x)  = sign(x) · (−u / (u + 2)),  u = expm1(−2|x|) = 2^n·t + (2^n − 1)
// The expm1 form keeps tanh's relative error at a few ulp near 0, where 1 − 2/(e^2x + 1)
// would cancel.
#include "RecurActivations.h"
#include "RecurKernels.h"
#include "activations_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#define RA_HAVE_X86 1
#else
#define RA_HAVE_X86 0
#endif
#if defined(__aarch64__)
#define RA_HAVE_NEON 1
#else
#define RA_HAVE_NEON 0
#endif

// =====================================================================================
// 1. Portable C path
// =====================================================================================
// Statement order and association match CellKernels.swift / TrainingGraph.swift, and
// no a·b + c is contracted into an FMA (Swift never contracts; C compilers do wherever
// the target has FMA, e.g. every ARM64, unless told not to), so results are
// bit-identical to the Swift loops this file replaces (given the same libm).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

static inline float ra_sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

static void lstm_forward_c(int B, int H, int j0, int j1, float *gates, const float *cPrev,
                           float *c, float *tanhC, float *h) {
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
        for (int j = j0; j < j1; j++) {
            float input = ra_sigmoidf(g[j]);
            float forget = ra_sigmoidf(g[H + j]);
            float candidate = tanhf(g[2 * H + j]);
            float output = ra_sigmoidf(g[3 * H + j]);
            g[j] = input; g[H + j] = forget; g[2 * H + j] = candidate; g[3 * H + j] = output;
            float cell = forget * cPrev[row + j] + input * candidate;
            float squashed = tanhf(cell);
            c[row + j] = cell;
            tanhC[row + j] = squashed;
            h[row + j] = output * squashed;
        }
    }
}

static void lstm_backward_c(int B, int H, int j0, int j1, const float *gates,
                            const float *cPrev, const float *tanhC, const float *dh,
                            float *dc, float *dPre) {
    for (int b = 0; b < B; b++) {
        const float *g = gates + (size_t)b * 4 * H;
        float *d = dPre + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
        for (int j = j0; j < j1; j++) {
            float input = g[j], forget = g[H + j], candidate = g[2 * H + j], output = g[3 * H + j];
            float squashed = tanhC[row + j];
            float dHidden = dh[row + j];
            float dOutput = dHidden * squashed;
            float dCell = dc[row + j] + dHidden * output * (1 - squashed * squashed);
            float dInput = dCell * candidate;
            float dCandidate = dCell * input;
            float dForget = dCell * cPrev[row + j];
            dc[row + j] = dCell * forget;
            d[j] = dInput * input * (1 - input);
            d[H + j] = dForget * forget * (1 - forget);
            d[2 * H + j] = dCandidate * (1 - candidate * candidate);
            d[3 * H + j] = dOutput * output * (1 - output);
        }
    }
}

static void gru_forward_c(int B, int H, int j0, int j1, float *gates, const float *hiddenPart,
                          const float *hPrev, float *h) {
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 3 * H;
        const float *p = hiddenPart + (size_t)b * 3 * H;
        size_t row = (size_t)b * H;
        for (int j = j0; j < j1; j++) {
            float reset = ra_sigmoidf(g[j] + p[j]);
            float update = ra_sigmoidf(g[H + j] + p[H + j]);
            float candidate = tanhf(g[2 * H + j] + reset * p[2 * H + j]);
            g[j] = reset; g[H + j] = update; g[2 * H + j] = candidate;
            h[row + j] = (1 - update) * candidate + update * hPrev[row + j];
        }
    }
}

static void gru_backward_c(int B, int H, int j0, int j1, const float *gates,
                           const float *hiddenPart, const float *hPrev, const float *dh,
                           float *dInputPart, float *dHiddenPart, float *dhPrevDirect) {
    for (int b = 0; b < B; b++) {
        const float *g = gates + (size_t)b * 3 * H;
        const float *p = hiddenPart + (size_t)b * 3 * H;
        float *di = dInputPart + (size_t)b * 3 * H;
        float *dp = dHiddenPart + (size_t)b * 3 * H;
        size_t row = (size_t)b * H;
        for (int j = j0; j < j1; j++) {
            float reset = g[j], update = g[H + j], candidate = g[2 * H + j];
            float dHidden = dh[row + j];
            float dCandidate = dHidden * (1 - update);
            float dUpdate = dHidden * (hPrev[row + j] - candidate);
            dhPrevDirect[row + j] = dHidden * update;
            float dCandidatePre = dCandidate * (1 - candidate * candidate);
            float dReset = dCandidatePre * p[2 * H + j];
            float dResetPre = dReset * reset * (1 - reset);
            float dUpdatePre = dUpdate * update * (1 - update);
            di[j] = dResetPre; di[H + j] = dUpdatePre; di[2 * H + j] = dCandidatePre;
            dp[j] = dResetPre; dp[H + j] = dUpdatePre; dp[2 * H + j] = dCandidatePre * reset;
        }
    }
}

static void activation_forward_c(int kind, int count, float *x) {
    switch (kind) {
    case RECUR_ACTIVATION_TANH:
        for (int k = 0; k < count; k++) x[k] = tanhf(x[k]);
        break;
    case RECUR_ACTIVATION_SIGMOID:
        for (int k = 0; k < count; k++) x[k] = ra_sigmoidf(x[k]);
        break;
    case RECUR_ACTIVATION_RELU:
        // Swift's max(x, 0) is `0 >= x ? 0 : x`: NaN passes through, −0 becomes +0.
        for (int k = 0; k < count; k++) x[k] = 0 >= x[k] ? 0.0f : x[k];
        break;
    default: break;
    }
}

static void activation_backward_c(int kind, int count, const float *h, const float *dh,
                                  float *dPre) {
    switch (kind) {
    case RECUR_ACTIVATION_TANH:
        for (int k = 0; k < count; k++) dPre[k] = dh[k] * (1 - h[k] * h[k]);
        break;
    case RECUR_ACTIVATION_SIGMOID:
        for (int k = 0; k < count; k++) dPre[k] = dh[k] * h[k] * (1 - h[k]);
        break;
    case RECUR_ACTIVATION_RELU:
        for (int k = 0; k < count; k++) dPre[k] = h[k] > 0 ? dh[k] : 0.0f;
        break;
    default: break;
    }
}

static void softmax_rows_c(int rows, int width, float *x) {
    for (int r = 0; r < rows; r++) {
        float *line = x + (size_t)r * width;
        float largest = -INFINITY;
        for (int j = 0; j < width; j++) largest = line[j] > largest ? line[j] : largest;
        float total = 0;
        for (int j = 0; j < width; j++) {
            float e = expf(line[j] - largest);
            line[j] = e;
            total += e;
        }
        for (int j = 0; j < width; j++) line[j] /= total;
    }
}

/// Column sums with the same association as the AVX2 path, so both paths give the same
/// bits: per block of columns, total = (r0 + r1) + (r2 + r3), then += each further group
/// of four rows as ((r0 + r1) + (r2 + r3)), then single rows; finally sums += total.
enum { RA_COLSUM_BLOCK = 1024 };

static void column_sums_c(int rows, int width, const float *matrix, int ld, float *sums) {
    float total[RA_COLSUM_BLOCK];
    for (int c0 = 0; c0 < width; c0 += RA_COLSUM_BLOCK) {
        const int n = width - c0 < RA_COLSUM_BLOCK ? width - c0 : RA_COLSUM_BLOCK;
        const float *p = matrix + c0;
        const size_t w = (size_t)ld;
        int r = 0;
        if (rows >= 4) {
            for (int j = 0; j < n; j++) total[j] = (p[j] + p[w + j]) + (p[2 * w + j] + p[3 * w + j]);
            r = 4; p += 4 * w;
        }
        for (; r + 4 <= rows; r += 4, p += 4 * w)
            for (int j = 0; j < n; j++)
                total[j] = total[j] + ((p[j] + p[w + j]) + (p[2 * w + j] + p[3 * w + j]));
        if (r == 0) {
            for (int j = 0; j < n; j++) total[j] = p[j];
            r = 1; p += w;
        }
        for (; r < rows; r++, p += w)
            for (int j = 0; j < n; j++) total[j] += p[j];
        for (int j = 0; j < n; j++) sums[c0 + j] += total[j];
    }
}

/// Adam, PyTorch's formula, in the order and association of the Swift loop it replaces
/// (Optimizer.swift): g' = s·g + λ·p; m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'·g';
/// p −= η̂·m / (√v / √(1−β2ᵗ) + ε). sqrtf is correctly rounded, as Swift's squareRoot().
static void adam_scalar(int count, float *p, const float *g, float *m, float *v,
                        const recur_adam_constants *k) {
    // No a·b + c may fuse here, also when inlined into adam_avx2 (an FMA target): the
    // FP_CONTRACT OFF above covers this function wherever it is inlined.
    const float rest1 = 1 - k->beta1, rest2 = 1 - k->beta2;
    for (int j = 0; j < count; j++) {
        const float gradient = k->gradientScale * g[j] + k->weightDecay * p[j];
        m[j] = k->beta1 * m[j] + rest1 * gradient;
        v[j] = k->beta2 * v[j] + rest2 * gradient * gradient;
        p[j] -= k->stepSize * m[j] / (sqrtf(v[j]) / k->correction2Root + k->epsilon);
    }
}

#if defined(__clang__)
#pragma STDC FP_CONTRACT DEFAULT
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

// =====================================================================================
// 2. AVX2+FMA path
// =====================================================================================
#if RA_HAVE_X86
#include <immintrin.h>

#define RA_AVX2 __attribute__((target("avx2,fma")))
#define RA_INLINE static inline __attribute__((always_inline))

// ---- exp / expm1 core ---------------------------------------------------------------

// The constants (range reduction, polynomial, clamps) live in activations_internal.h,
// shared with the AVX-512 twins in activations_avx512.c.

/// Splits e^v = 2^n·(1 + t): returns t = expm1(r) and sets *k_out to the rounding
/// register, whose low bits hold n. v must be clamped so that |n| ≤ 150.
RA_AVX2 RA_INLINE __m256 ra_exp_reduce(__m256 v, __m256 *k_out) {
    const __m256 magic = _mm256_set1_ps(RA_ROUND_MAGIC);
    // k = v·log2e + magic rounded once (exact product inside the FMA): n = k − magic.
    __m256 k = _mm256_fmadd_ps(v, _mm256_set1_ps(RA_LOG2E), magic);
    __m256 n = _mm256_sub_ps(k, magic);
    // r = v − n·ln2. The first FMA is exact (the result fits in 24 bits: |n| ≤ 150 and
    // |r| < 0.35), the second adds the low part of ln2.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(RA_LN2_HI), v);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(RA_LN2_LO), r);
    // t = r + r²·q(r): adding r last keeps t's relative error ≈ 0.5 ulp for small r.
    __m256 q = _mm256_fmadd_ps(_mm256_set1_ps(RA_Q4), r, _mm256_set1_ps(RA_Q3));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(RA_Q2));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(RA_Q1));
    q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(RA_Q0));
    __m256 r2 = _mm256_mul_ps(r, r);
    *k_out = k;
    return _mm256_fmadd_ps(r2, q, r);
}

/// 2^n from the rounding register k (bits RA_ROUND_MAGIC_BITS + n), for −126 ≤ n ≤ 127:
/// ((bits + 127) << 23) — the magic's own bits fall off the top of the lane in the shift.
RA_AVX2 RA_INLINE __m256 ra_pow2_from_k(__m256 k) {
    __m256i e = _mm256_add_epi32(_mm256_castps_si256(k), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
}

/// e^v for v already in [RA_EXP_LO, RA_EXP_HI]: 2^n·(1 + t) = fma(2^n, t, 2^n), one
/// rounding at the end.
RA_AVX2 RA_INLINE __m256 ra_exp_clamped(__m256 v) {
    __m256 k;
    __m256 t = ra_exp_reduce(v, &k);
    __m256 s = ra_pow2_from_k(k);
    return _mm256_fmadd_ps(s, t, s);
}

/// Full-range e^x (recur_exp, softmax): clamp to [−104, 88.8] (beyond which the result
/// is 0 / +inf anyway) and scale by 2^n in two halves, 2^(n − n/2)·2^(n/2), so that
/// subnormal results (n down to −150) and values up to FLT_MAX (n = 128) come out
/// right: an out-of-range half-product rounds to 0 or overflows to +inf as it should.
RA_AVX2 RA_INLINE __m256 ra_exp_full(__m256 x) {
    // min/max return their second operand when either is NaN: x goes second so NaN
    // survives the clamp (and then every later step).
    __m256 v = _mm256_max_ps(_mm256_set1_ps(-104.0f), _mm256_min_ps(_mm256_set1_ps(88.8f), x));
    __m256 k;
    __m256 t = ra_exp_reduce(v, &k);
    __m256i n = _mm256_sub_epi32(_mm256_castps_si256(k), _mm256_set1_epi32(RA_ROUND_MAGIC_BITS));
    __m256i half = _mm256_srai_epi32(n, 1);
    __m256i rest = _mm256_sub_epi32(n, half);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, _mm256_set1_epi32(127)), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(rest, _mm256_set1_epi32(127)), 23));
    return _mm256_mul_ps(_mm256_fmadd_ps(s1, t, s1), s2);
}

// ---- σ and tanh ---------------------------------------------------------------------

/// σ(x) = 1 / (1 + e^−x). No cancellation anywhere (1 + E ≥ 1), so the relative error
/// is that of exp plus two roundings (measured over all floats: ≤ 1.5e-7 relative,
/// ≤ 9e-8 absolute). −x is clamped to [RA_EXP_LO, RA_EXP_HI]: σ rounds to 1 beyond
/// x ≈ 17.3 anyway, and below x < −88.3 it returns ≈4.7e-39 instead of a smaller
/// subnormal (absolute error < 5e-39). NaN propagates.
RA_AVX2 RA_INLINE __m256 ra_sigmoid(__m256 x) {
    __m256 negx = _mm256_xor_ps(x, _mm256_set1_ps(-0.0f));
    __m256 v = _mm256_max_ps(_mm256_set1_ps(RA_EXP_LO), _mm256_min_ps(_mm256_set1_ps(RA_EXP_HI), negx));
    __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, ra_exp_clamped(v)));
}

/// tanh(x) = sign(x)·T(|x|), T(a) = −u/(u + 2) with u = expm1(−2a) ∈ (−1, 0].
/// expm1 = 2^n·(1 + t) − 1 = fma(2^n, t, 2^n − 1): 2^n − 1 is exact for n ≥ −24 and the
/// FMA rounds once, so u has ≈1 ulp relative error for every a, including tiny a where
/// n = 0 and u = t. T's relative error is then ≤ 2·err(u) + 2 roundings, with no
/// cancellation near 0 (measured over all floats: ≤ 1.9e-7 relative, ≤ 1.5e-7 absolute,
/// the latter near |x| ≈ 4 where rounding u + 2 costs up to half an ulp of 2). |x| is
/// capped at 10 (tanh rounds to 1 from 9.01 on), which also keeps n ≥ −29. NaN
/// propagates; tanh(±0) = ±0.
RA_AVX2 RA_INLINE __m256 ra_tanh(__m256 x) {
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    __m256 sign = _mm256_and_ps(x, signbit);
    __m256 a = _mm256_min_ps(_mm256_set1_ps(10.0f), _mm256_andnot_ps(signbit, x));
    __m256 k;
    __m256 t = ra_exp_reduce(_mm256_mul_ps(a, _mm256_set1_ps(-2.0f)), &k);
    __m256 s = ra_pow2_from_k(k);
    __m256 u = _mm256_fmadd_ps(s, t, _mm256_sub_ps(s, _mm256_set1_ps(1.0f)));
    // 0 − u rather than a sign flip, so u = −0 gives +0 and tanh(+0) stays +0.
    __m256 mag = _mm256_div_ps(_mm256_sub_ps(_mm256_setzero_ps(), u),
                               _mm256_add_ps(u, _mm256_set1_ps(2.0f)));
    return _mm256_or_ps(mag, sign);
}

// ---- loads and stores with ragged ends ----------------------------------------------

// Reading 8 ints at ra_mask_table + 8 − n gives a mask with the first n lanes set.
// Masked loads/stores never touch memory in masked-off lanes (which read as 0), so a
// ragged tail is handled by the same vector code as the body: no out-of-range access,
// and each element gets the same arithmetic wherever the [j0, j1) split falls.
static const int32_t ra_mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                          0, 0, 0, 0, 0, 0, 0, 0};

RA_AVX2 RA_INLINE __m256i ra_mask(int n) {   // 0 ≤ n ≤ 8
    return _mm256_loadu_si256((const __m256i *)(ra_mask_table + 8 - n));
}

// `full` is a compile-time constant at every call site (the helpers are always inlined),
// so each kernel body is instantiated twice: plain unaligned loads/stores, and masked.
RA_AVX2 RA_INLINE __m256 ra_load(const float *p, __m256i m, int full) {
    return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m);
}

RA_AVX2 RA_INLINE void ra_store(float *p, __m256 v, __m256i m, int full) {
    if (full) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, m, v);
}

/// Runs `body(j, mask, full)` over [j0, j1) in steps of 8 with a masked last step.
#define RA_FOR_UNITS(j0, j1, body)                                                     \
    do {                                                                               \
        int ra_j = (j0);                                                               \
        const __m256i ra_all = _mm256_set1_epi32(-1);                                  \
        for (; ra_j + 8 <= (j1); ra_j += 8) body(ra_j, ra_all, 1);                     \
        if (ra_j < (j1)) body(ra_j, ra_mask((j1) - ra_j), 0);                          \
    } while (0)

// ---- gate squashing passes ----------------------------------------------------------

// The LSTM/GRU forward kernels run in two passes per row: first each gate block is
// squashed by a tight loop over its [j0, j1) slice (the row stays in L1 for the second
// pass), then one loop combines the gates. Fusing everything into one loop needs ~5
// polynomial evaluations' worth of live vectors and constants, more than the 16 YMM
// registers; the spills made the fused loop ~1.3× slower than these passes (measured,
// B=32 H=256). Each element gets exactly the same operations either way.

/// x[0..n) = σ(x), in place.
RA_AVX2 static void sigmoid_span(int n, float *x) {
#define RA_BODY(j, m, full) ra_store(x + j, ra_sigmoid(ra_load(x + j, m, full)), m, full)
    RA_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
}

/// x[0..n) = tanh(x), in place.
RA_AVX2 static void tanh_span(int n, float *x) {
#define RA_BODY(j, m, full) ra_store(x + j, ra_tanh(ra_load(x + j, m, full)), m, full)
    RA_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
}

/// x[0..n) = σ(x + y), in place in x (GRU r and z: input part + hidden part).
RA_AVX2 static void sigmoid_sum_span(int n, float *x, const float *y) {
#define RA_BODY(j, m, full) \
    ra_store(x + j, ra_sigmoid(_mm256_add_ps(ra_load(x + j, m, full), ra_load(y + j, m, full))), m, full)
    RA_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
}

// ---- LSTM ---------------------------------------------------------------------------

/// Second LSTM pass over one 8-unit slice of a row: g points at the row of activated
/// gates [i f g o] (4H), the others at the row of their (H) matrix; j is the unit offset.
RA_AVX2 RA_INLINE void lstm_combine8(const float *g, ptrdiff_t H, const float *cPrev, float *c,
                                     float *tanhC, float *h, int j, __m256i m, int full) {
    __m256 i = ra_load(g + j, m, full);
    __m256 f = ra_load(g + H + j, m, full);
    __m256 gg = ra_load(g + 2 * H + j, m, full);
    __m256 o = ra_load(g + 3 * H + j, m, full);
    // c = f·cPrev + i·g ; h = o·tanh(c)
    __m256 cell = _mm256_fmadd_ps(f, ra_load(cPrev + j, m, full), _mm256_mul_ps(i, gg));
    __m256 squashed = ra_tanh(cell);
    ra_store(c + j, cell, m, full);
    ra_store(tanhC + j, squashed, m, full);
    ra_store(h + j, _mm256_mul_ps(o, squashed), m, full);
}

RA_AVX2 static void lstm_forward_avx2(int B, int H, int j0, int j1, float *gates,
                                      const float *cPrev, float *c, float *tanhC, float *h) {
    const int n = j1 - j0;
    const int whole = j0 == 0 && j1 == H;   // i and f slices are then one contiguous span
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
        if (whole) {
            sigmoid_span(2 * H, g);
        } else {
            sigmoid_span(n, g + j0);
            sigmoid_span(n, g + H + j0);
        }
        tanh_span(n, g + 2 * H + j0);
        sigmoid_span(n, g + 3 * H + j0);
#define RA_BODY(j, m, full) \
        lstm_combine8(g, H, cPrev + row, c + row, tanhC + row, h + row, j, m, full)
        RA_FOR_UNITS(j0, j1, RA_BODY);
#undef RA_BODY
    }
}

RA_AVX2 RA_INLINE void lstm_backward8(const float *g, float *d, ptrdiff_t H,
                                      const float *cPrev, const float *tanhC,
                                      const float *dh, float *dc, int j, __m256i m, int full) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 i = ra_load(g + j, m, full);
    __m256 f = ra_load(g + H + j, m, full);
    __m256 gg = ra_load(g + 2 * H + j, m, full);
    __m256 o = ra_load(g + 3 * H + j, m, full);
    __m256 squashed = ra_load(tanhC + j, m, full);
    __m256 dHidden = ra_load(dh + j, m, full);
    // h = o·tanh(c)
    __m256 dOutput = _mm256_mul_ps(dHidden, squashed);
    __m256 dCell = _mm256_fmadd_ps(_mm256_mul_ps(dHidden, o),
                                   _mm256_fnmadd_ps(squashed, squashed, one),   // 1 − tanhC²
                                   ra_load(dc + j, m, full));
    // c = f·cPrev + i·g
    __m256 dInput = _mm256_mul_ps(dCell, gg);
    __m256 dCandidate = _mm256_mul_ps(dCell, i);
    __m256 dForget = _mm256_mul_ps(dCell, ra_load(cPrev + j, m, full));
    ra_store(dc + j, _mm256_mul_ps(dCell, f), m, full);
    // σ' = s(1 − s) = s − s², tanh' = 1 − t², each in one FMA rounding.
    ra_store(d + j, _mm256_mul_ps(dInput, _mm256_fnmadd_ps(i, i, i)), m, full);
    ra_store(d + H + j, _mm256_mul_ps(dForget, _mm256_fnmadd_ps(f, f, f)), m, full);
    ra_store(d + 2 * H + j, _mm256_mul_ps(dCandidate, _mm256_fnmadd_ps(gg, gg, one)), m, full);
    ra_store(d + 3 * H + j, _mm256_mul_ps(dOutput, _mm256_fnmadd_ps(o, o, o)), m, full);
}

RA_AVX2 static void lstm_backward_avx2(int B, int H, int j0, int j1, const float *gates,
                                       const float *cPrev, const float *tanhC,
                                       const float *dh, float *dc, float *dPre) {
    for (int b = 0; b < B; b++) {
        const float *g = gates + (size_t)b * 4 * H;
        float *d = dPre + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
#define RA_BODY(j, m, full) \
        lstm_backward8(g, d, H, cPrev + row, tanhC + row, dh + row, dc + row, j, m, full)
        RA_FOR_UNITS(j0, j1, RA_BODY);
#undef RA_BODY
    }
}

// ---- GRU ----------------------------------------------------------------------------

/// Second GRU pass over one 8-unit slice of a row: g holds [r z] activated and the raw
/// input pre-activation a_n; p is the row of the hidden part (3H).
RA_AVX2 RA_INLINE void gru_combine8(float *g, const float *p, ptrdiff_t H, const float *hPrev,
                                    float *h, int j, __m256i m, int full) {
    __m256 reset = ra_load(g + j, m, full);
    __m256 update = ra_load(g + H + j, m, full);
    // n = tanh(a_n + r·p_n)
    __m256 candidate = ra_tanh(_mm256_fmadd_ps(reset, ra_load(p + 2 * H + j, m, full),
                                               ra_load(g + 2 * H + j, m, full)));
    // h = (1 − z)·n + z·hPrev
    __m256 oneMinusZ = _mm256_sub_ps(_mm256_set1_ps(1.0f), update);
    __m256 hidden = _mm256_fmadd_ps(update, ra_load(hPrev + j, m, full),
                                    _mm256_mul_ps(oneMinusZ, candidate));
    ra_store(g + 2 * H + j, candidate, m, full);
    ra_store(h + j, hidden, m, full);
}

RA_AVX2 static void gru_forward_avx2(int B, int H, int j0, int j1, float *gates,
                                     const float *hiddenPart, const float *hPrev, float *h) {
    const int n = j1 - j0;
    const int whole = j0 == 0 && j1 == H;   // r and z slices are then one contiguous span
    for (int b = 0; b < B; b++) {
        float *g = gates + (size_t)b * 3 * H;
        const float *p = hiddenPart + (size_t)b * 3 * H;
        size_t row = (size_t)b * H;
        if (whole) {
            sigmoid_sum_span(2 * H, g, p);
        } else {
            sigmoid_sum_span(n, g + j0, p + j0);
            sigmoid_sum_span(n, g + H + j0, p + H + j0);
        }
#define RA_BODY(j, m, full) gru_combine8(g, p, H, hPrev + row, h + row, j, m, full)
        RA_FOR_UNITS(j0, j1, RA_BODY);
#undef RA_BODY
    }
}

RA_AVX2 RA_INLINE void gru_backward8(const float *g, const float *p, float *di, float *dp,
                                     ptrdiff_t H, const float *hPrev, const float *dh,
                                     float *dhPrevDirect, int j, __m256i m, int full) {
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256 reset = ra_load(g + j, m, full);
    __m256 update = ra_load(g + H + j, m, full);
    __m256 candidate = ra_load(g + 2 * H + j, m, full);
    __m256 dHidden = ra_load(dh + j, m, full);
    // h = (1 − z)·n + z·hPrev
    __m256 dCandidate = _mm256_mul_ps(dHidden, _mm256_sub_ps(one, update));
    __m256 dUpdate = _mm256_mul_ps(dHidden, _mm256_sub_ps(ra_load(hPrev + j, m, full), candidate));
    __m256 dDirect = _mm256_mul_ps(dHidden, update);
    // n = tanh(a_n + r·p_n)
    __m256 dCandidatePre = _mm256_mul_ps(dCandidate, _mm256_fnmadd_ps(candidate, candidate, one));
    __m256 dReset = _mm256_mul_ps(dCandidatePre, ra_load(p + 2 * H + j, m, full));
    __m256 dResetPre = _mm256_mul_ps(dReset, _mm256_fnmadd_ps(reset, reset, reset));
    __m256 dUpdatePre = _mm256_mul_ps(dUpdate, _mm256_fnmadd_ps(update, update, update));
    // Stores last: dhPrevDirect may be the same buffer as dh.
    ra_store(dhPrevDirect + j, dDirect, m, full);
    ra_store(di + j, dResetPre, m, full);
    ra_store(di + H + j, dUpdatePre, m, full);
    ra_store(di + 2 * H + j, dCandidatePre, m, full);
    ra_store(dp + j, dResetPre, m, full);
    ra_store(dp + H + j, dUpdatePre, m, full);
    ra_store(dp + 2 * H + j, _mm256_mul_ps(dCandidatePre, reset), m, full);
}

RA_AVX2 static void gru_backward_avx2(int B, int H, int j0, int j1, const float *gates,
                                      const float *hiddenPart, const float *hPrev,
                                      const float *dh, float *dInputPart, float *dHiddenPart,
                                      float *dhPrevDirect) {
    for (int b = 0; b < B; b++) {
        size_t off3 = (size_t)b * 3 * H, row = (size_t)b * H;
#define RA_BODY(j, m, full)                                                            \
        gru_backward8(gates + off3, hiddenPart + off3, dInputPart + off3,              \
                      dHiddenPart + off3, H, hPrev + row, dh + row,                    \
                      dhPrevDirect + row, j, m, full)
        RA_FOR_UNITS(j0, j1, RA_BODY);
#undef RA_BODY
    }
}

// ---- vanilla RNN activations --------------------------------------------------------

RA_AVX2 static void activation_forward_avx2(int kind, int count, float *x) {
    switch (kind) {
    case RECUR_ACTIVATION_TANH: tanh_span(count, x); break;
    case RECUR_ACTIVATION_SIGMOID: sigmoid_span(count, x); break;
    case RECUR_ACTIVATION_RELU: {
        // Swift's max(x, 0) = (0 >= x ? 0 : x): keep x where !(0 >= x), which is true for
        // NaN (unordered) and false for −0, so NaN passes through and −0 becomes +0.
#define RA_BODY(j, m, full)                                                            \
        do {                                                                           \
            __m256 v = ra_load(x + j, m, full);                                        \
            ra_store(x + j, _mm256_and_ps(v, _mm256_cmp_ps(_mm256_setzero_ps(), v, _CMP_NGE_UQ)), m, full); \
        } while (0)
        RA_FOR_UNITS(0, count, RA_BODY);
#undef RA_BODY
        break;
    }
    default: break;
    }
}

RA_AVX2 RA_INLINE void act_backward8(int kind, const float *h, const float *dh, float *dPre,
                                     int j, __m256i m, int full) {
    __m256 hv = ra_load(h + j, m, full), d = ra_load(dh + j, m, full);
    switch (kind) {
    case RECUR_ACTIVATION_TANH:
        d = _mm256_mul_ps(d, _mm256_fnmadd_ps(hv, hv, _mm256_set1_ps(1.0f)));
        break;
    case RECUR_ACTIVATION_SIGMOID:
        d = _mm256_mul_ps(d, _mm256_fnmadd_ps(hv, hv, hv));
        break;
    default:
        d = _mm256_and_ps(d, _mm256_cmp_ps(hv, _mm256_setzero_ps(), _CMP_GT_OQ));
        break;
    }
    ra_store(dPre + j, d, m, full);
}

RA_AVX2 static void activation_backward_avx2(int kind, int count, const float *h,
                                             const float *dh, float *dPre) {
    switch (kind) {
#define RA_BODY_T(j, m, full) act_backward8(RECUR_ACTIVATION_TANH, h, dh, dPre, j, m, full)
#define RA_BODY_S(j, m, full) act_backward8(RECUR_ACTIVATION_SIGMOID, h, dh, dPre, j, m, full)
#define RA_BODY_R(j, m, full) act_backward8(RECUR_ACTIVATION_RELU, h, dh, dPre, j, m, full)
    case RECUR_ACTIVATION_TANH: RA_FOR_UNITS(0, count, RA_BODY_T); break;
    case RECUR_ACTIVATION_SIGMOID: RA_FOR_UNITS(0, count, RA_BODY_S); break;
    case RECUR_ACTIVATION_RELU: RA_FOR_UNITS(0, count, RA_BODY_R); break;
    default: break;
#undef RA_BODY_T
#undef RA_BODY_S
#undef RA_BODY_R
    }
}

// ---- exp and softmax ----------------------------------------------------------------

RA_AVX2 static void exp_avx2(int count, const float *x, float *y) {
#define RA_BODY(j, m, full) ra_store(y + j, ra_exp_full(ra_load(x + j, m, full)), m, full)
    RA_FOR_UNITS(0, count, RA_BODY);
#undef RA_BODY
}

/// Horizontal sum / max of 8 lanes.
RA_AVX2 RA_INLINE float ra_hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

RA_AVX2 RA_INLINE float ra_hmax(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

RA_AVX2 static void softmax_rows_avx2(int rows, int width, float *x) {
    if (width <= 0) return;
    const __m256 neginf = _mm256_set1_ps(-INFINITY);
    for (int r = 0; r < rows; r++) {
        float *line = x + (size_t)r * width;
        // Row maximum. Masked-off tail lanes load as 0, so they are replaced by −inf.
        __m256 mx = neginf;
#define RA_BODY(j, m, full)                                                            \
        do {                                                                           \
            __m256 v = ra_load(line + j, m, full);                                     \
            if (!(full)) v = _mm256_blendv_ps(neginf, v, _mm256_castsi256_ps(m));      \
            mx = _mm256_max_ps(mx, v);                                                 \
        } while (0)
        RA_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
        __m256 largest = _mm256_set1_ps(ra_hmax(mx));
        // e = exp(x − max), stored, and summed in 8 lanes (tail lanes zeroed: exp(0 −
        // max) would otherwise count). x − max ≤ 0, so no overflow; NaN poisons the sum.
        __m256 total = _mm256_setzero_ps();
#define RA_BODY(j, m, full)                                                            \
        do {                                                                           \
            __m256 e = ra_exp_full(_mm256_sub_ps(ra_load(line + j, m, full), largest)); \
            if (!(full)) e = _mm256_and_ps(e, _mm256_castsi256_ps(m));                 \
            total = _mm256_add_ps(total, e);                                           \
            ra_store(line + j, e, m, full);                                            \
        } while (0)
        RA_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
        // Divide (correctly rounded) rather than multiply by 1/total.
        __m256 sum = _mm256_set1_ps(ra_hsum(total));
#define RA_BODY(j, m, full) \
        ra_store(line + j, _mm256_div_ps(ra_load(line + j, m, full), sum), m, full)
        RA_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
    }
}

// ---- row and vector helpers ---------------------------------------------------------

RA_AVX2 static void add_rows_avx2(int rows, int width, const float *bias, const float *bias2,
                                  float *matrix) {
    for (int r = 0; r < rows; r++) {
        float *line = matrix + (size_t)r * width;
        if (bias2) {
#define RA_BODY(j, m, full)                                                            \
            ra_store(line + j, _mm256_add_ps(ra_load(line + j, m, full),               \
                     _mm256_add_ps(ra_load(bias + j, m, full), ra_load(bias2 + j, m, full))), \
                     m, full)
            RA_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
        } else {
#define RA_BODY(j, m, full) \
            ra_store(line + j, _mm256_add_ps(ra_load(line + j, m, full), ra_load(bias + j, m, full)), m, full)
            RA_FOR_UNITS(0, width, RA_BODY);
#undef RA_BODY
        }
    }
}

/// Column sums, streaming the matrix row by row (rows are contiguous; walking down a
/// column instead strides a page per row at H = 1024 and thrashes the TLB — measured 2×
/// slower). Per block of up to RA_COLSUM_BLOCK columns, an L1-resident fp32 buffer
/// collects Σ rows, taking four rows per pass as ((r0 + r1) + (r2 + r3)) to quarter the
/// buffer's load/store traffic; the block total is then added to sums.
RA_AVX2 static void column_sums_avx2(int rows, int width, const float *matrix, int ld,
                                     float *sums) {
    float total[RA_COLSUM_BLOCK];
    for (int c0 = 0; c0 < width; c0 += RA_COLSUM_BLOCK) {
        const int n = width - c0 < RA_COLSUM_BLOCK ? width - c0 : RA_COLSUM_BLOCK;
        const float *p = matrix + c0;
        const size_t w = (size_t)ld;
        int r = 0;
#define RA_BODY(j, m, full)                                                            \
        ra_store(total + j, _mm256_add_ps(                                             \
            _mm256_add_ps(ra_load(p + j, m, full), ra_load(p + w + j, m, full)),       \
            _mm256_add_ps(ra_load(p + 2 * w + j, m, full), ra_load(p + 3 * w + j, m, full))), \
            m, full)
        if (rows >= 4) { RA_FOR_UNITS(0, n, RA_BODY); r = 4; p += 4 * w; }
#undef RA_BODY
#define RA_BODY(j, m, full)                                                            \
        ra_store(total + j, _mm256_add_ps(ra_load(total + j, m, full), _mm256_add_ps(  \
            _mm256_add_ps(ra_load(p + j, m, full), ra_load(p + w + j, m, full)),       \
            _mm256_add_ps(ra_load(p + 2 * w + j, m, full), ra_load(p + 3 * w + j, m, full)))), \
            m, full)
        for (; r + 4 <= rows; r += 4, p += 4 * w) RA_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
#define RA_BODY(j, m, full)                                                            \
        ra_store(total + j, _mm256_add_ps(ra_load(total + j, m, full), ra_load(p + j, m, full)), m, full)
        if (r == 0) {   // fewer than 4 rows: start from row 0
#define RA_BODY0(j, m, full) ra_store(total + j, ra_load(p + j, m, full), m, full)
            RA_FOR_UNITS(0, n, RA_BODY0);
#undef RA_BODY0
            r = 1; p += w;
        }
        for (; r < rows; r++, p += w) RA_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
#define RA_BODY(j, m, full) \
        ra_store(sums + c0 + j, _mm256_add_ps(ra_load(sums + c0 + j, m, full), ra_load(total + j, m, full)), m, full)
        RA_FOR_UNITS(0, n, RA_BODY);
#undef RA_BODY
    }
}

RA_AVX2 static void add_avx2(int count, const float *x, float *y) {
#define RA_BODY(j, m, full) \
    ra_store(y + j, _mm256_add_ps(ra_load(y + j, m, full), ra_load(x + j, m, full)), m, full)
    RA_FOR_UNITS(0, count, RA_BODY);
#undef RA_BODY
}

RA_AVX2 static void scale_avx2(int count, float s, float *x) {
    const __m256 sv = _mm256_set1_ps(s);
#define RA_BODY(j, m, full) ra_store(x + j, _mm256_mul_ps(ra_load(x + j, m, full), sv), m, full)
    RA_FOR_UNITS(0, count, RA_BODY);
#undef RA_BODY
}

/// Σ x² in double: 8 floats widen to two 4-double vectors per step, with 4 accumulators
/// to cover the FMA latency; the (< 8) leftover elements are added in scalar double.
RA_AVX2 static double sum_squares_avx2(int count, const float *x) {
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    int k = 0;
    for (; k + 16 <= count; k += 16) {
        __m256d v0 = _mm256_cvtps_pd(_mm_loadu_ps(x + k));
        __m256d v1 = _mm256_cvtps_pd(_mm_loadu_ps(x + k + 4));
        __m256d v2 = _mm256_cvtps_pd(_mm_loadu_ps(x + k + 8));
        __m256d v3 = _mm256_cvtps_pd(_mm_loadu_ps(x + k + 12));
        a0 = _mm256_fmadd_pd(v0, v0, a0);
        a1 = _mm256_fmadd_pd(v1, v1, a1);
        a2 = _mm256_fmadd_pd(v2, v2, a2);
        a3 = _mm256_fmadd_pd(v3, v3, a3);
    }
    for (; k + 4 <= count; k += 4) {
        __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + k));
        a0 = _mm256_fmadd_pd(v, v, a0);
    }
    __m256d a = _mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3));
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    double total = _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
    for (; k < count; k++) total += (double)x[k] * (double)x[k];
    return total;
}

/// Adam on 8 elements at a time: the operations of recur_adam_update's scalar loop, in
/// its order, as separate intrinsics (so none fuses into an FMA); vsqrtps and vdivps are
/// correctly rounded like their scalar forms, so every element is bit-identical to the
/// portable path. The tail runs that scalar loop.
RA_AVX2 static void adam_avx2(int count, float *p, const float *g, float *m, float *v,
                              const recur_adam_constants *k) {
    const __m256 scale = _mm256_set1_ps(k->gradientScale), decay = _mm256_set1_ps(k->weightDecay);
    const __m256 beta1 = _mm256_set1_ps(k->beta1), rest1 = _mm256_set1_ps(1 - k->beta1);
    const __m256 beta2 = _mm256_set1_ps(k->beta2), rest2 = _mm256_set1_ps(1 - k->beta2);
    const __m256 stepSize = _mm256_set1_ps(k->stepSize);
    const __m256 root2 = _mm256_set1_ps(k->correction2Root), epsilon = _mm256_set1_ps(k->epsilon);
    int j = 0;
    for (; j + 8 <= count; j += 8) {
        const __m256 pj = _mm256_loadu_ps(p + j);
        const __m256 gradient = _mm256_add_ps(_mm256_mul_ps(scale, _mm256_loadu_ps(g + j)),
                                              _mm256_mul_ps(decay, pj));
        const __m256 first = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + j)),
                                           _mm256_mul_ps(rest1, gradient));
        const __m256 second = _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(v + j)),
                                            _mm256_mul_ps(_mm256_mul_ps(rest2, gradient), gradient));
        const __m256 denominator = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(second), root2), epsilon);
        _mm256_storeu_ps(m + j, first);
        _mm256_storeu_ps(v + j, second);
        _mm256_storeu_ps(p + j, _mm256_sub_ps(pj, _mm256_div_ps(_mm256_mul_ps(stepSize, first), denominator)));
    }
    adam_scalar(count - j, p + j, g + j, m + j, v + j, k);
}

#endif // RA_HAVE_X86

// =====================================================================================
// 3. Public entry points
// =====================================================================================
// recur_kernels_path() is a relaxed atomic load after the first call, so checking it
// per call costs nothing next to the work. The AVX-512 path has its own LSTM forward
// and wide-row softmax (activations_avx512.c) and runs the AVX2 code for the rest; NEON
// has twins of the cell kernels, exp and softmax (activations_neon.c) and runs the
// portable loops, which the compiler vectorises, for the row and vector helpers.

#if RA_HAVE_X86
#define RA_USE_AVX2() recur_kernels_has_fma()
#define RA_USE_AVX512() (recur_kernels_path() == RECUR_KERNELS_AVX512)
#endif
#if RA_HAVE_NEON
#define RA_USE_NEON() (recur_kernels_path() == RECUR_KERNELS_NEON)
#endif

/// Clamps a unit range to [0, H] and reports whether there is anything to do.
static inline int ra_units(int B, int H, int *j0, int *j1) {
    if (*j0 < 0) *j0 = 0;
    if (*j1 > H) *j1 = H;
    return B > 0 && *j0 < *j1;
}

void recur_lstm_forward(int B, int H, int j0, int j1, float *gates, const float *cPrev,
                        float *c, float *tanhC, float *h) {
    if (!ra_units(B, H, &j0, &j1)) return;
#if RA_HAVE_X86
    if (RA_USE_AVX512()) { ra_lstm_forward_avx512(B, H, j0, j1, gates, cPrev, c, tanhC, h); return; }
    if (RA_USE_AVX2()) { lstm_forward_avx2(B, H, j0, j1, gates, cPrev, c, tanhC, h); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_lstm_forward_neon(B, H, j0, j1, gates, cPrev, c, tanhC, h); return; }
#endif
    lstm_forward_c(B, H, j0, j1, gates, cPrev, c, tanhC, h);
}

void recur_lstm_backward(int B, int H, int j0, int j1, const float *gates,
                         const float *cPrev, const float *tanhC, const float *dh,
                         float *dc, float *dPre) {
    if (!ra_units(B, H, &j0, &j1)) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { lstm_backward_avx2(B, H, j0, j1, gates, cPrev, tanhC, dh, dc, dPre); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_lstm_backward_neon(B, H, j0, j1, gates, cPrev, tanhC, dh, dc, dPre); return; }
#endif
    lstm_backward_c(B, H, j0, j1, gates, cPrev, tanhC, dh, dc, dPre);
}

void recur_gru_forward(int B, int H, int j0, int j1, float *gates, const float *hiddenPart,
                       const float *hPrev, float *h) {
    if (!ra_units(B, H, &j0, &j1)) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { gru_forward_avx2(B, H, j0, j1, gates, hiddenPart, hPrev, h); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_gru_forward_neon(B, H, j0, j1, gates, hiddenPart, hPrev, h); return; }
#endif
    gru_forward_c(B, H, j0, j1, gates, hiddenPart, hPrev, h);
}

void recur_gru_backward(int B, int H, int j0, int j1, const float *gates,
                        const float *hiddenPart, const float *hPrev, const float *dh,
                        float *dInputPart, float *dHiddenPart, float *dhPrevDirect) {
    if (!ra_units(B, H, &j0, &j1)) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) {
        gru_backward_avx2(B, H, j0, j1, gates, hiddenPart, hPrev, dh, dInputPart, dHiddenPart,
                          dhPrevDirect);
        return;
    }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) {
        ra_gru_backward_neon(B, H, j0, j1, gates, hiddenPart, hPrev, dh, dInputPart, dHiddenPart,
                             dhPrevDirect);
        return;
    }
#endif
    gru_backward_c(B, H, j0, j1, gates, hiddenPart, hPrev, dh, dInputPart, dHiddenPart,
                   dhPrevDirect);
}

void recur_activation_forward(int kind, int count, float *x) {
    if (count <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { activation_forward_avx2(kind, count, x); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_activation_forward_neon(kind, count, x); return; }
#endif
    activation_forward_c(kind, count, x);
}

void recur_activation_backward(int kind, int count, const float *h, const float *dh,
                               float *dPre) {
    if (count <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { activation_backward_avx2(kind, count, h, dh, dPre); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_activation_backward_neon(kind, count, h, dh, dPre); return; }
#endif
    activation_backward_c(kind, count, h, dh, dPre);
}

void recur_exp(int count, const float *x, float *y) {
    if (count <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { exp_avx2(count, x, y); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_exp_neon(count, x, y); return; }
#endif
    for (int k = 0; k < count; k++) y[k] = expf(x[k]);
}

void recur_softmax_rows(int rows, int width, float *x) {
    if (rows <= 0 || width <= 0) return;
#if RA_HAVE_X86
    if (width >= RA_SOFTMAX_AVX512_MIN_WIDTH && RA_USE_AVX512()) {
        ra_softmax_rows_avx512(rows, width, x);
        return;
    }
    if (RA_USE_AVX2()) { softmax_rows_avx2(rows, width, x); return; }
#endif
#if RA_HAVE_NEON
    if (RA_USE_NEON()) { ra_softmax_rows_neon(rows, width, x); return; }
#endif
    softmax_rows_c(rows, width, x);
}

void recur_add_rows(int rows, int width, const float *bias, const float *bias2,
                    float *matrix) {
    if (rows <= 0 || width <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { add_rows_avx2(rows, width, bias, bias2, matrix); return; }
#endif
    for (int r = 0; r < rows; r++) {
        float *line = matrix + (size_t)r * width;
        if (bias2) {
            for (int j = 0; j < width; j++) line[j] += bias[j] + bias2[j];
        } else {
            for (int j = 0; j < width; j++) line[j] += bias[j];
        }
    }
}

void recur_column_sums(int rows, int width, const float *matrix, int ld, float *sums) {
    if (rows <= 0 || width <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { column_sums_avx2(rows, width, matrix, ld, sums); return; }
#endif
    column_sums_c(rows, width, matrix, ld, sums);
}

void recur_add(int count, const float *x, float *y) {
    if (count <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { add_avx2(count, x, y); return; }
#endif
    for (int k = 0; k < count; k++) y[k] += x[k];
}

void recur_scale(int count, float s, float *x) {
    if (count <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { scale_avx2(count, s, x); return; }
#endif
    for (int k = 0; k < count; k++) x[k] *= s;
}

double recur_sum_squares(int count, const float *x) {
    if (count <= 0) return 0;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) return sum_squares_avx2(count, x);
#endif
    double total = 0;
    for (int k = 0; k < count; k++) total += (double)x[k] * (double)x[k];
    return total;
}

void recur_adam_update(int count, float *p, const float *g, float *m, float *v,
                       const recur_adam_constants *constants) {
    if (count <= 0) return;
#if RA_HAVE_X86
    if (RA_USE_AVX2()) { adam_avx2(count, p, g, m, v, constants); return; }
#endif
    adam_scalar(count, p, g, m, v, constants);
}
