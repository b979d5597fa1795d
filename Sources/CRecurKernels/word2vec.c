// word2vec training kernels: one worker thread's hot loop. See RecurWord2Vec.h for the
// API, the semantics and what the Swift side provides.
//
// Layout of this file:
//   1. Shared pieces: random numbers, prefetching, the loss table, one prediction's
//      target list.
//   2. Portable C kernels for one prediction (skip-gram pair, CBOW centre word).
//   3. AVX2+FMA kernels for the same, compiled with __attribute__((target)) because the
//      target is built for baseline x86-64; used only after recur_kernels_has_fma().
//      3b. Their NEON twins on ARM64, used on the NEON path.
//   4. The sentence loop (subsampling, windows, noise words, learning rate).
//   5. Table builders: subsampling thresholds, alias tables, Huffman tree, init.
//
// One prediction in both models is the same computation (Mikolov et al. 2013):
//   h        the input-side vector: the context word's input row (skip-gram) or the mean
//            of the context words' input rows (CBOW);
//   targets  rows u_t of an output matrix with labels y_t: the centre word (y = 1) and
//            k noise words (y = 0) from `output`; for hierarchical softmax the inner
//            nodes on the centre word's Huffman path (y = 1 − code) from `output_hs`;
//   step     g_t = α·(y_t − σ(u_t·h));  e = Σ_t g_t·u_t;  u_t += g_t·h;
//            then e is added to the input row(s) that formed h (to each context row in
//            CBOW, undivided, as word2vec/gensim do for cbow_mean=1).
// h stays fixed during the step, so all dot products u_t·h are taken first (independent
// chains, good for instruction-level parallelism), then σ of all of them at once, then
// one pass over the vector dimension applies every update with e kept in registers.
//
// Speed comes mostly from memory, not arithmetic: a prediction touches 7+ rows of 400
// bytes scattered over 2 × 11 MB (V = 28k, D = 100), so the loop prefetches the rows it
// will need a few predictions ahead. Noise words come from their own random stream so
// they can be drawn (and their rows prefetched) ahead of use without changing results.
#include "RecurWord2Vec.h"
#include "RecurKernels.h"

#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define W2V_HAVE_X86 1
#else
#define W2V_HAVE_X86 0
#endif
#if defined(__aarch64__)
#define W2V_HAVE_NEON 1
#else
#define W2V_HAVE_NEON 0
#endif

// At most 1 centre + RECUR_W2V_MAX_NEGATIVE noise words + a Huffman path per prediction;
// +8 so the 8-lane σ pass can run past the end.
#define W2V_MAX_TARGETS (1 + RECUR_W2V_MAX_NEGATIVE + RECUR_W2V_MAX_CODE_LENGTH)
#define W2V_TARGET_CAPACITY (W2V_MAX_TARGETS + 8)

// Tokens between two updates of the shared progress counter (and of alpha), checked
// at sentence ends. word2vec.c uses 10,000, but then with T threads the first T·10,000
// tokens all train at the starting rate: on a 60k-token corpus 4 threads learned
// visibly faster than 1 (class-neighbour precision after one epoch 0.71 vs 0.38), i.e.
// the schedule depended on the thread count. At 1,000 the lag is small and the atomic
// add (once per ~0.25 ms of work) costs nothing measurable.
#define W2V_PROGRESS_EVERY 1000

// CBOW context rows gathered per centre word: windows wider than half of this are
// clamped (far beyond any practical window).
#define W2V_MAX_CONTEXT 2048

// Noise words are drawn this many predictions ahead of use, and their rows prefetched.
#define W2V_NOISE_AHEAD 2
// Ring buffer of drawn-ahead noise words: a power of two ≥ (W2V_NOISE_AHEAD + 1)·k.
#define W2V_NOISE_RING 1024

// =====================================================================================
// 1. Shared pieces
// =====================================================================================

// ---- random numbers -----------------------------------------------------------------
// splitmix64 (Steele, Lea & Flood 2014): a Weyl sequence (add an odd constant) through a
// 64-bit finaliser. All 64 output bits are usable, unlike an LCG's low bits, and the
// state update is a single add, so successive draws do not wait on each other.
static inline uint64_t w2v_rand(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Uniform integer in [0, n) from 32 random bits: floor(r·n / 2^32) (multiply-shift;
/// bias ≤ n/2^32, irrelevant for the sizes here).
static inline uint32_t w2v_below(uint32_t r, uint32_t n) {
    return (uint32_t)(((uint64_t)r * n) >> 32);
}

// ---- prefetching ----------------------------------------------------------------------
/// Asks for every cache line of a D-float row (for writing: all rows here get updated).
static inline void w2v_prefetch_row(const float *row, int D) {
    const char *p = (const char *)row, *end = p + (size_t)D * sizeof(float);
    for (; p < end; p += 64) __builtin_prefetch(p, 1, 3);
    __builtin_prefetch(end - 1, 1, 3);  // the last line when the row straddles one more
}

// ---- loss -----------------------------------------------------------------------------
// The reported loss uses a table of −log σ(y) = log(1 + e^−y) at the W2V_LOSS_N + 1
// points y_s = −6 + s·δ, δ = 12/W2V_LOSS_N (so y = 0 is a table point), looked up at the
// nearest point: error ≤ δ/2 per term. Beyond the table: −log σ(y) → −y for y → −∞ and
// → 0 for y → +∞ (error < e^−6 = 0.0025 per term). The gradient never uses it.
#define W2V_LOSS_N 1024
#define W2V_LOSS_RANGE 6.0f
static float w2v_loss_table[W2V_LOSS_N + 1];
static pthread_once_t w2v_tables_once = PTHREAD_ONCE_INIT;

static void w2v_build_tables(void) {
    for (int s = 0; s <= W2V_LOSS_N; s++) {
        double y = -W2V_LOSS_RANGE + s * (2.0 * W2V_LOSS_RANGE / W2V_LOSS_N);
        w2v_loss_table[s] = (float)log1p(exp(-y));
    }
}

/// −log σ(y).
static inline float w2v_nlogsig(float y) {
    float x = (y + W2V_LOSS_RANGE) * (W2V_LOSS_N / (2.0f * W2V_LOSS_RANGE)) + 0.5f;
    if (!(x >= 0.0f)) return -y;  // below the table (or NaN, which propagates)
    if (x >= W2V_LOSS_N + 1.0f) return 0.0f;
    return w2v_loss_table[(int)x];
}

/// Loss of one prediction: Σ_t −log σ(±dot_t), + for label 1 and − for label 0.
static float w2v_prediction_loss(const float *dot, const float *label, int n) {
    float loss = 0.0f;
    for (int t = 0; t < n; t++) loss += w2v_nlogsig((2.0f * label[t] - 1.0f) * dot[t]);
    return loss;
}

// ---- one prediction's targets ----------------------------------------------------------
/// Output rows, their labels, and room for the dot products and gradient coefficients.
typedef struct w2v_targets {
    int n;
    float *row[W2V_TARGET_CAPACITY];
    float label[W2V_TARGET_CAPACITY];
    float dot[W2V_TARGET_CAPACITY];
    float g[W2V_TARGET_CAPACITY];
} w2v_targets;

// σ is evaluated exactly (to float rounding), not from word2vec's/gensim's 1000-cell
// table, which rounds each score down to its cell's left edge (up to 0.012 lower), so
// σ comes out up to 0.003 low, and which clips (word2vec) or skips (gensim) scores
// beyond ±6. Exact σ costs no more once vectorised. Scores are clamped to [−80, 87],
// where σ is 0 or 1 to float precision, so exp never overflows.
#define W2V_SCORE_MIN (-80.0f)
#define W2V_SCORE_MAX 87.0f
// ln2 split for the SIMD exps (Cody–Waite): n·W2V_LN2_HI is exact.
#define W2V_LN2_HI 0.693145751953125f   // 0x3F317200: 15 significant bits
#define W2V_LN2_LO 1.428606765330187e-06f

// The update pass of the SIMD paths, shared by both models and both instruction sets
// (W2V_UPDATE_PASS, W2V_NEON_UPDATE_PASS): for each chunk of the dimension, load h's
// chunk once, run through the targets (e += g·u; u += g·h, both with the old u), then
// hand e's chunk to APPLY (which adds it to the input row(s)). Chunk-outer order keeps e and h in registers for the whole target list.
#define W2V_UPDATE_CHUNK(VT, LOAD, STORE, SET1, FMA, ZERO, ADD, c, APPLY)   \
    do {                                                                  \
        VT hv = LOAD(h + (c)), ev = ZERO();                               \
        for (int t = 0; t < n; t++) {                                     \
            VT gv = SET1(g[t]);                                           \
            float *u = rows[t] + (c);                                     \
            VT uv = LOAD(u);                                              \
            ev = FMA(gv, uv, ev);                                         \
            STORE(u, FMA(gv, hv, uv));                                    \
        }                                                                 \
        APPLY(VT, LOAD, STORE, ADD, c);                                   \
    } while (0)

// What a chunk's e does: skip-gram adds it to h, the context word's input row; CBOW adds
// it to every context row (APPLY for a vector chunk, APPLY_SCALAR for a single float).
#define W2V_SG_APPLY(VT, LOAD, STORE, ADD, c) STORE(h + (c), ADD(hv, ev))
#define W2V_SG_APPLY_SCALAR(c, es) (h[c] = hs + (es))
#define W2V_CBOW_APPLY(VT, LOAD, STORE, ADD, c) \
    for (int j = 0; j < nctx; j++) {            \
        float *p = ctx[j] + (c);                \
        STORE(p, ADD(LOAD(p), ev));             \
    }
#define W2V_CBOW_APPLY_SCALAR(c, es) \
    for (int j = 0; j < nctx; j++) ctx[j][c] += (es)

/// The dimensions past the last vector chunk, one float at a time.
#define W2V_UPDATE_SCALAR(c, APPLY_SCALAR)                                              \
    for (; c < D; c++) {                                                                \
        float hs = h[c], es = 0.0f;                                                     \
        for (int t = 0; t < n; t++) {                                                   \
            float us = rows[t][c];                                                      \
            es = fmaf(g[t], us, es);                                                    \
            rows[t][c] = fmaf(g[t], hs, us);                                            \
        }                                                                               \
        APPLY_SCALAR(c, es);                                                            \
    }

// =====================================================================================
// 2. Portable C kernels
// =====================================================================================
// Loops over the dimension innermost so the compiler can vectorise them with baseline
// SSE2; per element the arithmetic is the same as in the AVX2 kernels (which fuse the
// multiply-adds), so the two paths agree to rounding.

static float w2v_dot_c(const float *a, const float *b, int D) {
    // Four partial sums, the same association for every call.
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    int d = 0;
    for (; d + 4 <= D; d += 4) {
        s0 += a[d] * b[d];
        s1 += a[d + 1] * b[d + 1];
        s2 += a[d + 2] * b[d + 2];
        s3 += a[d + 3] * b[d + 3];
    }
    for (; d < D; d++) s0 += a[d] * b[d];
    return (s0 + s1) + (s2 + s3);
}

/// Dots, gradients and the updates u_t += g_t·h; sets e = Σ g_t·u_t (old u_t).
/// Returns the loss when want_loss.
static float w2v_targets_c(const float *h, w2v_targets *tg, float *e, int D, float alpha,
                           int want_loss) {
    const int n = tg->n;
    for (int t = 0; t < n; t++) tg->dot[t] = w2v_dot_c(h, tg->row[t], D);
    for (int t = 0; t < n; t++) {
        float f = tg->dot[t];
        f = f < W2V_SCORE_MIN ? W2V_SCORE_MIN : (f > W2V_SCORE_MAX ? W2V_SCORE_MAX : f);
        tg->g[t] = alpha * (tg->label[t] - 1.0f / (1.0f + expf(-f)));
    }
    float loss = want_loss ? w2v_prediction_loss(tg->dot, tg->label, n) : 0.0f;
    memset(e, 0, (size_t)D * sizeof(float));
    for (int t = 0; t < n; t++) {
        float *u = tg->row[t];
        float g = tg->g[t];
        for (int d = 0; d < D; d++) {
            float ud = u[d];
            e[d] += g * ud;
            u[d] = ud + g * h[d];
        }
    }
    return loss;
}

/// Skip-gram pair: h is the context word's input row, which receives e.
static float w2v_sg_c(float *ctx_row, w2v_targets *tg, float *e, int D, float alpha,
                      int want_loss) {
    float loss = w2v_targets_c(ctx_row, tg, e, D, alpha, want_loss);
    for (int d = 0; d < D; d++) ctx_row[d] += e[d];
    return loss;
}

/// CBOW centre word: h = mean of the nctx context rows (into scratch `h`); each context
/// row receives e.
static float w2v_cbow_c(float *const *ctx, int nctx, float *h, w2v_targets *tg, float *e,
                        int D, float alpha, int want_loss) {
    memcpy(h, ctx[0], (size_t)D * sizeof(float));
    for (int j = 1; j < nctx; j++)
        for (int d = 0; d < D; d++) h[d] += ctx[j][d];
    const float inv = 1.0f / (float)nctx;
    for (int d = 0; d < D; d++) h[d] *= inv;
    float loss = w2v_targets_c(h, tg, e, D, alpha, want_loss);
    for (int j = 0; j < nctx; j++)
        for (int d = 0; d < D; d++) ctx[j][d] += e[d];
    return loss;
}

// =====================================================================================
// 3. AVX2+FMA kernels
// =====================================================================================
// The dimension is walked in 8-lane chunks, then one 4-lane chunk, then single floats
// (D = 100 = 12·8 + 4 needs no scalar step). Tails use plain 128-bit / scalar stores,
// not vmaskmovps, whose stores are slow on AMD cores.
#if W2V_HAVE_X86
#include <immintrin.h>

#define W2V_AVX2 __attribute__((target("avx2,fma")))
#define W2V_INLINE static inline __attribute__((always_inline))

/// Sum of each of four vectors' lanes: returns {Σa, Σb, Σc, Σd}.
W2V_AVX2 W2V_INLINE __m128 w2v_hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
    __m256 ab = _mm256_hadd_ps(a, b);   // per 128-bit half: a01 a23 b01 b23
    __m256 cd = _mm256_hadd_ps(c, d);
    __m256 s = _mm256_hadd_ps(ab, cd);  // per half: Σa Σb Σc Σd (of that half)
    return _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
}

W2V_AVX2 W2V_INLINE float w2v_hsum(__m256 a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// The 4-lane tail of a dot product widened to 8 lanes (upper half zero), so it can be
/// folded into the 8-lane accumulator.
W2V_AVX2 W2V_INLINE __m256 w2v_load4z(const float *p) {
    return _mm256_zextps128_ps256(_mm_loadu_ps(p));
}

/// dot[t] = h·row[t] for all targets, four targets at a time (four independent FMA
/// chains sharing each load of h).
W2V_AVX2 W2V_INLINE void w2v_dots_avx2(const float *h, w2v_targets *tg, int D) {
    const int D8 = D & ~7, D4 = D & ~3;
    int t = 0;
    for (; t + 4 <= tg->n; t += 4) {
        const float *r0 = tg->row[t], *r1 = tg->row[t + 1];
        const float *r2 = tg->row[t + 2], *r3 = tg->row[t + 3];
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (int c = 0; c < D8; c += 8) {
            __m256 hv = _mm256_loadu_ps(h + c);
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(r0 + c), hv, a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(r1 + c), hv, a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(r2 + c), hv, a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(r3 + c), hv, a3);
        }
        if (D4 > D8) {
            __m256 hv = w2v_load4z(h + D8);
            a0 = _mm256_fmadd_ps(w2v_load4z(r0 + D8), hv, a0);
            a1 = _mm256_fmadd_ps(w2v_load4z(r1 + D8), hv, a1);
            a2 = _mm256_fmadd_ps(w2v_load4z(r2 + D8), hv, a2);
            a3 = _mm256_fmadd_ps(w2v_load4z(r3 + D8), hv, a3);
        }
        __m128 s = w2v_hsum4(a0, a1, a2, a3);
        if (D4 < D) {  // 1-3 leftover floats
            float x0 = 0.0f, x1 = 0.0f, x2 = 0.0f, x3 = 0.0f;
            for (int d = D4; d < D; d++) {
                x0 += r0[d] * h[d];
                x1 += r1[d] * h[d];
                x2 += r2[d] * h[d];
                x3 += r3[d] * h[d];
            }
            s = _mm_add_ps(s, _mm_setr_ps(x0, x1, x2, x3));
        }
        _mm_storeu_ps(tg->dot + t, s);
    }
    for (; t < tg->n; t++) {
        const float *r = tg->row[t];
        __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
        int c = 0;
        for (; c + 16 <= D8; c += 16) {
            a = _mm256_fmadd_ps(_mm256_loadu_ps(r + c), _mm256_loadu_ps(h + c), a);
            b = _mm256_fmadd_ps(_mm256_loadu_ps(r + c + 8), _mm256_loadu_ps(h + c + 8), b);
        }
        if (c < D8) a = _mm256_fmadd_ps(_mm256_loadu_ps(r + c), _mm256_loadu_ps(h + c), a);
        if (D4 > D8) b = _mm256_fmadd_ps(w2v_load4z(r + D8), w2v_load4z(h + D8), b);
        float s = w2v_hsum(_mm256_add_ps(a, b));
        for (int d = D4; d < D; d++) s += r[d] * h[d];
        tg->dot[t] = s;
    }
}

/// e^x for x in [−87, 87]: x = n·ln2 + r with n = round(x/ln2), |r| ≤ ln2/2; e^r from its
/// degree-6 Taylor polynomial (truncation error ≤ (ln2/2)^7/7! ≈ 1.2e-7, ~1 ulp), and
/// 2^n assembled in the exponent field. ln2 is split (Cody–Waite) so n·LN2_HI is exact.
W2V_AVX2 W2V_INLINE __m256 w2v_exp8(__m256 x) {
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(W2V_LN2_HI), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(W2V_LN2_LO), r);
    __m256 p = _mm256_set1_ps(1.0f / 720.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(
        _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/// g[t] = alpha·(label[t] − σ(dot[t])) for all targets, 8 at a time (the arrays have
/// room for the overrun; lanes past n are computed on zeros and ignored).
W2V_AVX2 W2V_INLINE void w2v_gradients_avx2(w2v_targets *tg, float alpha) {
    _mm256_storeu_ps(tg->dot + tg->n, _mm256_setzero_ps());
    _mm256_storeu_ps(tg->label + tg->n, _mm256_setzero_ps());
    const __m256 a = _mm256_set1_ps(alpha), one = _mm256_set1_ps(1.0f);
    for (int t = 0; t < tg->n; t += 8) {
        __m256 f = _mm256_loadu_ps(tg->dot + t);
        f = _mm256_min_ps(_mm256_max_ps(f, _mm256_set1_ps(W2V_SCORE_MIN)),
                          _mm256_set1_ps(W2V_SCORE_MAX));
        __m256 e = w2v_exp8(_mm256_sub_ps(_mm256_setzero_ps(), f));  // e^−f
        __m256 sig = _mm256_div_ps(one, _mm256_add_ps(one, e));
        __m256 label = _mm256_loadu_ps(tg->label + t);
        _mm256_storeu_ps(tg->g + t, _mm256_mul_ps(a, _mm256_sub_ps(label, sig)));
    }
}

#define W2V_UPDATE_PASS(APPLY, APPLY_SCALAR)                                            \
    do {                                                                                \
        int c = 0;                                                                      \
        for (; c + 8 <= D; c += 8)                                                      \
            W2V_UPDATE_CHUNK(__m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, \
                             _mm256_fmadd_ps, _mm256_setzero_ps, _mm256_add_ps, c,      \
                             APPLY);                                                    \
        if (c + 4 <= D) {                                                               \
            W2V_UPDATE_CHUNK(__m128, _mm_loadu_ps, _mm_storeu_ps, _mm_set1_ps,          \
                             _mm_fmadd_ps, _mm_setzero_ps, _mm_add_ps, c, APPLY);       \
            c += 4;                                                                     \
        }                                                                               \
        W2V_UPDATE_SCALAR(c, APPLY_SCALAR);                                             \
    } while (0)

/// Skip-gram pair on the AVX2 path: h is the context word's input row; it gets h + e.
W2V_AVX2 static float w2v_sg_avx2(float *ctx_row, w2v_targets *tg, int D, float alpha,
                                  int want_loss) {
    w2v_dots_avx2(ctx_row, tg, D);
    w2v_gradients_avx2(tg, alpha);
    float loss = want_loss ? w2v_prediction_loss(tg->dot, tg->label, tg->n) : 0.0f;
    const int n = tg->n;
    float *const *rows = tg->row;
    const float *g = tg->g;
    float *h = ctx_row;
    W2V_UPDATE_PASS(W2V_SG_APPLY, W2V_SG_APPLY_SCALAR);
    return loss;
}

/// CBOW centre word on the AVX2 path: h (scratch) = mean of the context rows; every
/// context row gets + e.
W2V_AVX2 static float w2v_cbow_avx2(float *const *ctx, int nctx, float *h, w2v_targets *tg,
                                    int D, float alpha, int want_loss) {
    const float inv = 1.0f / (float)nctx;
    int d = 0;
    for (; d + 8 <= D; d += 8) {
        __m256 s = _mm256_loadu_ps(ctx[0] + d);
        for (int j = 1; j < nctx; j++) s = _mm256_add_ps(s, _mm256_loadu_ps(ctx[j] + d));
        _mm256_storeu_ps(h + d, _mm256_mul_ps(s, _mm256_set1_ps(inv)));
    }
    for (; d < D; d++) {
        float s = ctx[0][d];
        for (int j = 1; j < nctx; j++) s += ctx[j][d];
        h[d] = s * inv;
    }
    w2v_dots_avx2(h, tg, D);
    w2v_gradients_avx2(tg, alpha);
    float loss = want_loss ? w2v_prediction_loss(tg->dot, tg->label, tg->n) : 0.0f;
    const int n = tg->n;
    float *const *rows = tg->row;
    const float *g = tg->g;
    W2V_UPDATE_PASS(W2V_CBOW_APPLY, W2V_CBOW_APPLY_SCALAR);
    return loss;
}
#endif  // W2V_HAVE_X86

// =====================================================================================
// 3b. NEON kernels (ARM64)
// =====================================================================================
// The AVX2 kernels' structure in 4-lane vectors: four targets' dots at a time, σ of
// four scores at a time with the same Taylor exp, and the shared update pass.
#if W2V_HAVE_NEON
#include <arm_neon.h>

#define W2V_NEON_INLINE static inline __attribute__((always_inline))

/// The dot product over the 1-3 floats past the last 4-lane chunk (D4 ≤ d < D).
W2V_NEON_INLINE float w2v_dot_tail(const float *r, const float *h, int D4, int D) {
    float s = 0.0f;
    for (int d = D4; d < D; d++) s = fmaf(r[d], h[d], s);
    return s;
}

/// dot[t] = h·row[t] for all targets, four targets at a time (four independent FMA
/// chains sharing each load of h).
W2V_NEON_INLINE void w2v_dots_neon(const float *h, w2v_targets *tg, int D) {
    const int D4 = D & ~3;
    int t = 0;
    for (; t + 4 <= tg->n; t += 4) {
        const float *r0 = tg->row[t], *r1 = tg->row[t + 1];
        const float *r2 = tg->row[t + 2], *r3 = tg->row[t + 3];
        float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0; c < D4; c += 4) {
            float32x4_t hv = vld1q_f32(h + c);
            a0 = vfmaq_f32(a0, vld1q_f32(r0 + c), hv);
            a1 = vfmaq_f32(a1, vld1q_f32(r1 + c), hv);
            a2 = vfmaq_f32(a2, vld1q_f32(r2 + c), hv);
            a3 = vfmaq_f32(a3, vld1q_f32(r3 + c), hv);
        }
        // {Σa0, Σa1, Σa2, Σa3} by two rounds of pairwise adds.
        float32x4_t s = vpaddq_f32(vpaddq_f32(a0, a1), vpaddq_f32(a2, a3));
        if (D4 < D) {
            const float tail[4] = {w2v_dot_tail(r0, h, D4, D), w2v_dot_tail(r1, h, D4, D),
                                   w2v_dot_tail(r2, h, D4, D), w2v_dot_tail(r3, h, D4, D)};
            s = vaddq_f32(s, vld1q_f32(tail));
        }
        vst1q_f32(tg->dot + t, s);
    }
    for (; t < tg->n; t++) {
        const float *r = tg->row[t];
        float32x4_t a = vdupq_n_f32(0.0f), b = a;
        int c = 0;
        for (; c + 8 <= D4; c += 8) {
            a = vfmaq_f32(a, vld1q_f32(r + c), vld1q_f32(h + c));
            b = vfmaq_f32(b, vld1q_f32(r + c + 4), vld1q_f32(h + c + 4));
        }
        if (c < D4) a = vfmaq_f32(a, vld1q_f32(r + c), vld1q_f32(h + c));
        tg->dot[t] = vaddvq_f32(vaddq_f32(a, b)) + w2v_dot_tail(r, h, D4, D);
    }
}

/// e^x for x in [−87, 87], as w2v_exp8 (degree-6 Taylor on the reduced argument).
W2V_NEON_INLINE float32x4_t w2v_exp4(float32x4_t x) {
    float32x4_t n = vrndnq_f32(vmulq_f32(x, vdupq_n_f32(1.44269504088896341f)));
    float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(W2V_LN2_HI));
    r = vfmsq_f32(r, n, vdupq_n_f32(W2V_LN2_LO));
    float32x4_t p = vdupq_n_f32(1.0f / 720.0f);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 120.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 24.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 6.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(0.5f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    int32x4_t bits = vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23);
    return vmulq_f32(p, vreinterpretq_f32_s32(bits));
}

/// g[t] = alpha·(label[t] − σ(dot[t])) for all targets, 4 at a time (lanes past n are
/// computed on zeros and ignored).
W2V_NEON_INLINE void w2v_gradients_neon(w2v_targets *tg, float alpha) {
    vst1q_f32(tg->dot + tg->n, vdupq_n_f32(0.0f));
    vst1q_f32(tg->label + tg->n, vdupq_n_f32(0.0f));
    const float32x4_t a = vdupq_n_f32(alpha), one = vdupq_n_f32(1.0f);
    for (int t = 0; t < tg->n; t += 4) {
        float32x4_t f = vld1q_f32(tg->dot + t);
        f = vminq_f32(vmaxq_f32(f, vdupq_n_f32(W2V_SCORE_MIN)), vdupq_n_f32(W2V_SCORE_MAX));
        float32x4_t e = w2v_exp4(vnegq_f32(f));  // e^−f
        float32x4_t sig = vdivq_f32(one, vaddq_f32(one, e));
        vst1q_f32(tg->g + t, vmulq_f32(a, vsubq_f32(vld1q_f32(tg->label + t), sig)));
    }
}

#define W2V_NEON_FMA(a, b, c) vfmaq_f32(c, a, b)
#define W2V_NEON_ZERO() vdupq_n_f32(0.0f)
#define W2V_NEON_UPDATE_PASS(APPLY, APPLY_SCALAR)                                       \
    do {                                                                                \
        int c = 0;                                                                      \
        for (; c + 4 <= D; c += 4)                                                      \
            W2V_UPDATE_CHUNK(float32x4_t, vld1q_f32, vst1q_f32, vdupq_n_f32,            \
                             W2V_NEON_FMA, W2V_NEON_ZERO, vaddq_f32, c, APPLY);         \
        W2V_UPDATE_SCALAR(c, APPLY_SCALAR);                                             \
    } while (0)

/// Skip-gram pair on the NEON path: h is the context word's input row; it gets h + e.
static float w2v_sg_neon(float *ctx_row, w2v_targets *tg, int D, float alpha, int want_loss) {
    w2v_dots_neon(ctx_row, tg, D);
    w2v_gradients_neon(tg, alpha);
    float loss = want_loss ? w2v_prediction_loss(tg->dot, tg->label, tg->n) : 0.0f;
    const int n = tg->n;
    float *const *rows = tg->row;
    const float *g = tg->g;
    float *h = ctx_row;
    W2V_NEON_UPDATE_PASS(W2V_SG_APPLY, W2V_SG_APPLY_SCALAR);
    return loss;
}

/// CBOW centre word on the NEON path: h (scratch) = mean of the context rows; every
/// context row gets + e.
static float w2v_cbow_neon(float *const *ctx, int nctx, float *h, w2v_targets *tg, int D,
                           float alpha, int want_loss) {
    const float inv = 1.0f / (float)nctx;
    int d = 0;
    for (; d + 4 <= D; d += 4) {
        float32x4_t s = vld1q_f32(ctx[0] + d);
        for (int j = 1; j < nctx; j++) s = vaddq_f32(s, vld1q_f32(ctx[j] + d));
        vst1q_f32(h + d, vmulq_f32(s, vdupq_n_f32(inv)));
    }
    for (; d < D; d++) {
        float s = ctx[0][d];
        for (int j = 1; j < nctx; j++) s += ctx[j][d];
        h[d] = s * inv;
    }
    w2v_dots_neon(h, tg, D);
    w2v_gradients_neon(tg, alpha);
    float loss = want_loss ? w2v_prediction_loss(tg->dot, tg->label, tg->n) : 0.0f;
    const int n = tg->n;
    float *const *rows = tg->row;
    const float *g = tg->g;
    W2V_NEON_UPDATE_PASS(W2V_CBOW_APPLY, W2V_CBOW_APPLY_SCALAR);
    return loss;
}
#endif  // W2V_HAVE_NEON

// =====================================================================================
// 4. The sentence loop
// =====================================================================================

void recur_w2v_request_stop(recur_w2v_progress *progress) {
    __atomic_store_n(&progress->stop, 1, __ATOMIC_RELAXED);
}

long long recur_w2v_words_done(const recur_w2v_progress *progress) {
    return __atomic_load_n(&progress->words_done, __ATOMIC_RELAXED);
}

static float w2v_alpha(const recur_w2v_progress *p, long long done) {
    double progress = (double)done / ((double)p->total_words + 1.0);
    double a = (double)p->alpha_start * (1.0 - progress);
    return a > (double)p->alpha_min ? (float)a : p->alpha_min;
}

static int w2v_model_valid(const recur_w2v_model *m) {
    if (!m || m->vocab < 1 || m->dim < 1 || m->window < 1 || !m->input) return 0;
    if (m->negative < 0 || m->negative > RECUR_W2V_MAX_NEGATIVE) return 0;
    if (m->negative > 0 && (!m->output || !m->noise_table)) return 0;
    if (m->negative == 0 && !m->hs) return 0;  // nothing to train
    if (m->hs) {
        if (!m->output_hs || !m->code_lengths || !m->codes || !m->points) return 0;
        if (m->max_code_length < 1 || m->max_code_length > RECUR_W2V_MAX_CODE_LENGTH)
            return 0;
    }
    return 1;
}

/// Noise words drawn ahead of use: a ring buffer filled from the noise stream `rn`.
/// Draw i is always the i-th value of the stream, however far ahead it was made, so the
/// look-ahead changes timing only, never results.
typedef struct w2v_noise {
    uint64_t rn;                  // the noise stream's state
    unsigned head, tail;          // next to use / next to fill (wrapping counters)
    int word[W2V_NOISE_RING];
} w2v_noise;

/// Tops the ring up to `ahead` drawn words, prefetching the output row of each new one.
/// A draw picks an alias-table column uniformly from the high 32 bits and keeps it or
/// takes its alternative by comparing the low 32 bits with the column's threshold.
static inline void w2v_noise_fill(w2v_noise *nz, unsigned ahead, const uint64_t *table,
                                  const float *output, int V, int D) {
    while (nz->tail - nz->head < ahead) {
        uint64_t z = w2v_rand(&nz->rn);
        uint32_t col = w2v_below((uint32_t)(z >> 32), (uint32_t)V);
        uint64_t entry = table[col];
        int w = (uint32_t)z < (uint32_t)entry ? (int)col : (int)(entry >> 32);
        nz->word[nz->tail++ & (W2V_NOISE_RING - 1)] = w;
        w2v_prefetch_row(output + (size_t)w * D, D);
    }
}

/// Appends the next k noise words to the targets (from index `fixed`); a noise word equal
/// to the centre is dropped, not redrawn (as word2vec and gensim do).
static inline void w2v_noise_take(w2v_noise *nz, w2v_targets *tg, int fixed, int k,
                                  int centre, float *output, int D) {
    int n = fixed;
    for (int i = 0; i < k; i++) {
        int w = nz->word[nz->head++ & (W2V_NOISE_RING - 1)];
        if (w == centre) continue;
        tg->row[n] = output + (size_t)w * D;
        tg->label[n] = 0.0f;
        n++;
    }
    tg->n = n;
}

long long recur_w2v_train(const recur_w2v_model *model, const int *tokens, long long count,
                          recur_w2v_progress *progress, unsigned long long *seed,
                          double *loss, long long *pairs) {
    if (!w2v_model_valid(model) || !progress || !seed || (count > 0 && !tokens)) return -1;
    pthread_once(&w2v_tables_once, w2v_build_tables);

    const int V = model->vocab, D = model->dim, window = model->window;
    const int negative = model->negative, hs = model->hs, cbow = model->cbow;
    float *const input = model->input, *const output = model->output;
    float *const output_hs = model->output_hs;
    const unsigned int *const keep = model->keep_threshold;
    const uint64_t *const noise_table = (const uint64_t *)model->noise_table;
    const int want_loss = loss != NULL;
#if W2V_HAVE_X86
    const int use_avx2 = recur_kernels_has_fma();
#endif
#if W2V_HAVE_NEON
    const int use_neon = recur_kernels_path() == RECUR_KERNELS_NEON;
#endif

    // Scratch: the subsampled sentence, the targets, CBOW's context rows, h and e.
    int sentence[RECUR_W2V_MAX_SENTENCE];
    float *ctx[W2V_MAX_CONTEXT];
    w2v_targets tg;
    w2v_noise noise;
    float stack_vec[2 * RECUR_W2V_STACK_DIM];
    float *heap_vec = NULL;
    float *hbuf = stack_vec, *ebuf = stack_vec + RECUR_W2V_STACK_DIM;
    if (D > RECUR_W2V_STACK_DIM) {
        heap_vec = (float *)malloc(2 * (size_t)D * sizeof(float));
        if (!heap_vec) return -1;
        hbuf = heap_vec;
        ebuf = heap_vec + D;
    }
    const int win = window < W2V_MAX_CONTEXT / 2 ? window : W2V_MAX_CONTEXT / 2;
    const unsigned noise_ahead = (unsigned)negative * (W2V_NOISE_AHEAD + 1);

    // Two random streams derived from the seed: `rs` for subsampling and window sizes,
    // noise.rn for noise words.
    uint64_t rs = *seed;
    noise.rn = *seed ^ 0xD1B54A32D192ED03ull;
    (void)w2v_rand(&noise.rn);  // decorrelate the two streams' first outputs
    noise.head = noise.tail = 0;

    double loss_sum = 0.0;
    long long npairs = 0, processed = 0, pending = 0;
    float alpha = w2v_alpha(progress, recur_w2v_words_done(progress));

    long long pos = 0;
    while (pos < count) {
        // ---- gather one sentence (up to the next break, at most MAX_SENTENCE tokens),
        //      dropping subsampled occurrences: windows span the kept words only.
        int n = 0, raw = 0;
        while (pos < count && raw < RECUR_W2V_MAX_SENTENCE) {
            int w = tokens[pos];
            if (w < 0) break;
            pos++;
            if (w >= V) continue;
            raw++;
            if (keep && (uint32_t)(w2v_rand(&rs) >> 32) > keep[w]) continue;
            sentence[n++] = w;
        }
        if (raw == 0) {  // a break (or only out-of-range ids): skip it
            if (pos < count && tokens[pos] < 0) pos++;
            continue;
        }
        processed += raw;
        pending += raw;

        // The first window's input rows, and the first centre's output row.
        for (int j = 0; j < n && j <= win; j++)
            w2v_prefetch_row(input + (size_t)sentence[j] * D, D);
        if (negative > 0 && n > 0) w2v_prefetch_row(output + (size_t)sentence[0] * D, D);

        // ---- train every centre word of the sentence
        for (int i = 0; i < n; i++) {
            const int centre = sentence[i];
            const int b = (int)w2v_below((uint32_t)(w2v_rand(&rs) >> 32), (uint32_t)window);
            const int span = (window - b) < win ? (window - b) : win;
            const int lo = i - span > 0 ? i - span : 0;
            const int hi = i + span + 1 < n ? i + span + 1 : n;

            // Rows the next centre word will need first: the input row entering the
            // widest window, and its own output row.
            if (i + win + 1 < n)
                w2v_prefetch_row(input + (size_t)sentence[i + win + 1] * D, D);
            if (negative > 0 && i + 1 < n)
                w2v_prefetch_row(output + (size_t)sentence[i + 1] * D, D);

            // Targets that do not depend on the noise draw: hierarchical-softmax path
            // nodes first (gensim's order), then the centre word for negative sampling.
            int fixed = 0;
            if (hs) {
                const int L = model->code_lengths[centre];
                const size_t at = (size_t)centre * model->max_code_length;
                for (int d = 0; d < L; d++) {
                    tg.row[fixed] = output_hs + (size_t)model->points[at + d] * D;
                    tg.label[fixed] = 1.0f - (float)model->codes[at + d];
                    fixed++;
                }
            }
            if (negative > 0) {
                tg.row[fixed] = output + (size_t)centre * D;
                tg.label[fixed] = 1.0f;
                fixed++;
            }

            if (cbow) {
                int nctx = 0;
                for (int j = lo; j < hi; j++)
                    if (j != i) ctx[nctx++] = input + (size_t)sentence[j] * D;
                if (nctx == 0) continue;  // nothing to predict from (one-word sentence)
                w2v_noise_fill(&noise, noise_ahead, noise_table, output, V, D);
                w2v_noise_take(&noise, &tg, fixed, negative, centre, output, D);
                float l;
#if W2V_HAVE_X86
                if (use_avx2) l = w2v_cbow_avx2(ctx, nctx, hbuf, &tg, D, alpha, want_loss);
                else
#endif
#if W2V_HAVE_NEON
                if (use_neon) l = w2v_cbow_neon(ctx, nctx, hbuf, &tg, D, alpha, want_loss);
                else
#endif
                    l = w2v_cbow_c(ctx, nctx, hbuf, &tg, ebuf, D, alpha, want_loss);
                loss_sum += l;
                npairs++;
            } else {
                for (int j = lo; j < hi; j++) {
                    if (j == i) continue;
                    float *h = input + (size_t)sentence[j] * D;
                    w2v_noise_fill(&noise, noise_ahead, noise_table, output, V, D);
                    w2v_noise_take(&noise, &tg, fixed, negative, centre, output, D);
                    float l;
#if W2V_HAVE_X86
                    if (use_avx2) l = w2v_sg_avx2(h, &tg, D, alpha, want_loss);
                    else
#endif
#if W2V_HAVE_NEON
                    if (use_neon) l = w2v_sg_neon(h, &tg, D, alpha, want_loss);
                    else
#endif
                        l = w2v_sg_c(h, &tg, ebuf, D, alpha, want_loss);
                    loss_sum += l;
                    npairs++;
                }
            }
        }

        // ---- publish progress and refresh the learning rate
        if (pending >= W2V_PROGRESS_EVERY) {
            long long done =
                __atomic_add_fetch(&progress->words_done, pending, __ATOMIC_RELAXED);
            pending = 0;
            alpha = w2v_alpha(progress, done);
            if (__atomic_load_n(&progress->stop, __ATOMIC_RELAXED)) break;
        }
    }
    if (pending) __atomic_add_fetch(&progress->words_done, pending, __ATOMIC_RELAXED);

    // Advance the caller's seed past everything this call drew (noise words drawn ahead
    // but not used are skipped, not replayed).
    *seed = w2v_rand(&rs) ^ noise.rn;
    if (loss) *loss += loss_sum;
    if (pairs) *pairs += npairs;
    free(heap_vec);
    return processed;
}

// =====================================================================================
// 5. Table builders
// =====================================================================================

void recur_w2v_keep_thresholds(const long long *counts, int vocab, double sample,
                               unsigned int *keep) {
    if (vocab < 1) return;
    double total = 0.0;
    for (int w = 0; w < vocab; w++) total += (double)counts[w];
    double threshold;
    if (!(sample > 0.0)) {
        for (int w = 0; w < vocab; w++) keep[w] = 0xFFFFFFFFu;
        return;
    } else if (sample < 1.0) {
        threshold = sample * total;
    } else {
        threshold = floor(sample * (3.0 + sqrt(5.0)) / 2.0);
    }
    for (int w = 0; w < vocab; w++) {
        double c = (double)counts[w];
        double p = c > 0.0 ? (sqrt(c / threshold) + 1.0) * (threshold / c) : 1.0;
        // gensim: np.uint32(p * (2**32 - 1)) truncates toward zero.
        keep[w] = p < 1.0 ? (unsigned int)(p * 4294967295.0) : 0xFFFFFFFFu;
    }
}

int recur_w2v_build_noise_table(const long long *counts, int vocab, double power,
                                unsigned long long *table) {
    if (vocab < 1 || !counts || !table) return -1;
    // Walker/Vose alias method: scale the probabilities so they average 1, then pair
    // each column whose mass is below 1 ("small") with a column above 1 ("large") that
    // donates the rest. `work` holds both lists: small columns from the front, large
    // from the back.
    double *scaled = (double *)malloc((size_t)vocab * sizeof(double));
    int *work = (int *)malloc((size_t)vocab * sizeof(int));
    if (!scaled || !work) {
        free(scaled);
        free(work);
        return -1;
    }
    double total = 0.0;
    for (int w = 0; w < vocab; w++) {
        scaled[w] = counts[w] > 0 ? pow((double)counts[w], power) : 0.0;
        total += scaled[w];
    }
    if (!(total > 0.0)) {
        free(scaled);
        free(work);
        return -1;
    }
    int nsmall = 0, nlarge = 0;
    for (int w = 0; w < vocab; w++) {
        scaled[w] *= (double)vocab / total;
        if (scaled[w] < 1.0) work[nsmall++] = w;
        else work[vocab - 1 - nlarge++] = w;
    }
    while (nsmall > 0 && nlarge > 0) {
        int s = work[--nsmall];
        int l = work[vocab - nlarge];  // most recently added large column
        // Column s keeps itself with probability scaled[s], else yields l.
        double p = scaled[s] * 4294967296.0;
        uint32_t threshold = p >= 4294967295.0 ? 0xFFFFFFFFu : (uint32_t)p;
        table[s] = (uint64_t)threshold | ((uint64_t)(uint32_t)l << 32);
        scaled[l] -= 1.0 - scaled[s];
        if (scaled[l] < 1.0) {  // l became small: move it to the small list
            nlarge--;
            work[nsmall++] = l;
        }
    }
    // Leftovers are full columns (rounding may leave some just below/above 1): they
    // always keep themselves (alternative = itself, so the 2^-32 miss is harmless).
    while (nlarge > 0) {
        int l = work[vocab - nlarge--];
        table[l] = 0xFFFFFFFFull | ((uint64_t)(uint32_t)l << 32);
    }
    while (nsmall > 0) {
        int s = work[--nsmall];
        table[s] = 0xFFFFFFFFull | ((uint64_t)(uint32_t)s << 32);
    }
    free(scaled);
    free(work);
    return 0;
}

/// A leaf for sorting: ascending count, ties by ascending word id.
typedef struct w2v_leaf {
    long long count;
    int id;
} w2v_leaf;
static int w2v_cmp_leaf(const void *a, const void *b) {
    const w2v_leaf *x = (const w2v_leaf *)a, *y = (const w2v_leaf *)b;
    if (x->count != y->count) return x->count < y->count ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/// The Huffman tree over counts (vocab ≥ 2). Nodes 0..V-1 are the leaves (words); node
/// V + m is inner node m (m = 0..V-2, created in order, so the root is inner node V-2).
/// Fills parent (2V−1; the root's entry unused), bit (branch from the parent: 0 for the
/// lighter child, 1 for the heavier, as word2vec) and depth (2V−1). Returns the longest
/// code, or -1 when a code would exceed 255 (the length field is a byte; unreachable
/// with 64-bit counts, whose Huffman codes stay below ~92, but cheap to guard).
static int w2v_huffman_tree(const long long *counts, int vocab, w2v_leaf *leaf,
                            long long *weight, int *parent, unsigned char *bit,
                            unsigned char *depth) {
    const int nodes = 2 * vocab - 1;
    for (int w = 0; w < vocab; w++) {
        leaf[w].count = counts[w];
        leaf[w].id = w;
        weight[w] = counts[w];
    }
    qsort(leaf, (size_t)vocab, sizeof(w2v_leaf), w2v_cmp_leaf);
    // Two-queue construction: the leaves sorted by count, and the inner nodes, which are
    // created with non-decreasing weight, so the two lightest nodes are always at the
    // heads of the two queues.
    int lh = 0, ih = vocab;  // queue heads: sorted leaves, created inner nodes
    for (int m = 0; m < vocab - 1; m++) {
        const int node = vocab + m;
        int pick[2];
        for (int p = 0; p < 2; p++) {
            // Take a leaf when it is no heavier than the oldest unmerged inner node.
            if (lh < vocab && (ih >= node || leaf[lh].count <= weight[ih]))
                pick[p] = leaf[lh++].id;
            else
                pick[p] = ih++;
        }
        weight[node] = weight[pick[0]] + weight[pick[1]];
        parent[pick[0]] = node;
        parent[pick[1]] = node;
        bit[pick[0]] = 0;
        bit[pick[1]] = 1;
    }
    // Depths from the root down (a parent's number is always higher than its child's).
    depth[nodes - 1] = 0;
    int longest = 0;
    for (int v = nodes - 2; v >= 0; v--) {
        int d = depth[parent[v]] + 1;
        if (d > RECUR_W2V_MAX_CODE_LENGTH) return -1;
        depth[v] = (unsigned char)d;
        if (v < vocab && d > longest) longest = d;
    }
    return longest;
}

/// Builds the tree in scratch memory; if the outputs are given and wide enough, writes
/// each word's path. Returns the longest code, or -1 (bad input, no memory, too deep).
static int w2v_huffman(const long long *counts, int vocab, int max_code_length,
                       unsigned char *code_lengths, unsigned char *codes, int *points) {
    if (vocab < 1 || !counts) return -1;
    for (int w = 0; w < vocab; w++)
        if (counts[w] < 0) return -1;
    if (vocab == 1) {  // a single word needs no decisions: an empty code
        if (code_lengths) code_lengths[0] = 0;
        return 0;
    }
    const int nodes = 2 * vocab - 1;
    w2v_leaf *leaf = (w2v_leaf *)malloc((size_t)vocab * sizeof(w2v_leaf));
    long long *weight = (long long *)malloc((size_t)nodes * sizeof(long long));
    int *parent = (int *)malloc((size_t)nodes * sizeof(int));
    unsigned char *bit = (unsigned char *)malloc((size_t)nodes);
    unsigned char *depth = (unsigned char *)malloc((size_t)nodes);
    int longest = -1;
    if (leaf && weight && parent && bit && depth)
        longest = w2v_huffman_tree(counts, vocab, leaf, weight, parent, bit, depth);
    if (longest >= 0 && code_lengths && codes && points && max_code_length >= longest) {
        for (int w = 0; w < vocab; w++) {
            const int L = depth[w];
            unsigned char *code = codes + (size_t)w * max_code_length;
            int *point = points + (size_t)w * max_code_length;
            memset(code, 0, (size_t)max_code_length);
            memset(point, 0, (size_t)max_code_length * sizeof(int));
            code_lengths[w] = (unsigned char)L;
            // Walk leaf → root, filling the path from its end.
            int v = w;
            for (int d = L - 1; d >= 0; d--) {
                code[d] = bit[v];
                point[d] = parent[v] - vocab;  // inner node number
                v = parent[v];
            }
        }
    }
    free(leaf);
    free(weight);
    free(parent);
    free(bit);
    free(depth);
    return longest;
}

int recur_w2v_huffman_max_code_length(const long long *counts, int vocab) {
    return w2v_huffman(counts, vocab, 0, NULL, NULL, NULL);
}

int recur_w2v_huffman(const long long *counts, int vocab, int max_code_length,
                      unsigned char *code_lengths, unsigned char *codes, int *points) {
    if (!code_lengths || !codes || !points || max_code_length < 0) return -1;
    int longest = w2v_huffman(counts, vocab, max_code_length, code_lengths, codes, points);
    return longest >= 0 && longest <= max_code_length ? 0 : -1;
}

void recur_w2v_init_input(float *input, int vocab, int dim, unsigned long long seed) {
    uint64_t s = seed;
    const size_t n = (size_t)vocab * (size_t)dim;
    const float scale = 1.0f / (float)dim;
    for (size_t i = 0; i < n; i++) {
        // 24 random bits → u in [0, 1), then (2u − 1)/D in [−1/D, 1/D).
        float u = (float)(w2v_rand(&s) >> 40) * (1.0f / 16777216.0f);
        input[i] = (2.0f * u - 1.0f) * scale;
    }
}
