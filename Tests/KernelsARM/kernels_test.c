// Checks every kernel family of CRecurKernels on every dispatch path this CPU (or
// qemu-aarch64) runs, against double-precision references: GEMM (plain, prepacked,
// every transpose, beta 0/1/other, ragged and blocked sizes), exp/σ/tanh, the vanilla
// RNN activations and their backward, LSTM and GRU forward/backward (also split over
// units, which must agree bit for bit; on the portable path also bit for bit with the
// Swift loops' float statements, i.e. no FMA contraction), softmax, the row/vector
// helpers, Adam, and word2vec (hierarchical softmax with window 1 is deterministic, so
// skip-gram and CBOW are replayed in double; negative sampling is held against the
// portable path).
// Built and run by run.sh, natively and cross-compiled for aarch64 under qemu.
// Prints one line per path and family: cases, worst error, bound; exits 1 on a failure.
// `--bits` prints a hash of the exp/σ/tanh outputs per SIMD path instead (run.sh checks
// that AVX2 and NEON give the same bits); `--start-path` prints the path chosen at start
// (from RECUR_KERNELS).
#include "CRecurKernels.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The float replicas below must not be contracted into FMAs either (see
// swift_order_cells).
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

static int failures = 0;

// ---- deterministic inputs ------------------------------------------------------------

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static double uniform(void) {   // [0, 1)
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) * 0x1.0p-53;
}
static float symmetric(float scale) { return (float)((2.0 * uniform() - 1.0) * scale); }
static float *floats(size_t n, float scale) {
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) abort();
    for (size_t i = 0; i < n; i++) p[i] = symmetric(scale);
    return p;
}
static float *copy_of(const float *x, size_t n) {
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) abort();
    memcpy(p, x, n * sizeof *p);
    return p;
}

/// One family's tally on one path: worst error (in the family's own unit) vs its bound.
typedef struct { const char *name; int cases; double worst, bound; int bad; } tally;

static void note(tally *t, double error) {
    t->cases++;
    if (!(error <= t->worst)) t->worst = isnan(error) ? INFINITY : (error > t->worst ? error : t->worst);
    if (!(error <= t->bound)) t->bad++;
}
static void report(const char *path, tally *t) {
    printf("  %-8s %-30s %6d cases  worst %.3g  (bound %.3g)%s\n", path, t->name, t->cases,
           t->worst, t->bound, t->bad ? "  FAIL" : "");
    if (t->bad) failures++;
}

// ---- GEMM ------------------------------------------------------------------------------

/// Error of one element relative to Σ|a·b| (+ |beta·c|): the quantity a fp32 sum of K
/// products is accurate to, whatever the order of summation.
static void gemm_case(tally *t, int transA, int transB, int M, int N, int K, float beta,
                      int prepacked, int j0_block) {
    const int lda = (transA ? M : K) + 3, ldb = (transB ? K : N) + 1, ldc = N + 2;
    float *A = floats((size_t)(transA ? K : M) * lda, 1.0f);
    float *B = floats((size_t)(transB ? N : K) * ldb, 1.0f);
    float *C = floats((size_t)M * ldc, 1.0f);
    float *C0 = copy_of(C, (size_t)M * ldc);
    if (beta == 0.0f) for (size_t i = 0; i < (size_t)M * ldc; i++) C[i] = NAN;   // never read
    if (prepacked) {
        float *packed = malloc(recur_sgemm_packed_b_count(K, N) * sizeof(float) + 64);
        recur_sgemm_pack_b(transB, K, N, B, ldb, packed);
        // Two column blocks, the second from a multiple of 16 (how threads split N).
        int split = j0_block && N > 16 ? 16 * ((N / 16 + 1) / 2) : N;
        recur_sgemm_packed(transA, M, split, K, A, lda, packed, beta, C, ldc);
        if (split < N)
            recur_sgemm_packed(transA, M, N - split, K, A, lda, packed + (size_t)split * K,
                               beta, C + split, ldc);
        free(packed);
    } else {
        recur_sgemm(transA, transB, M, N, K, A, lda, B, ldb, beta, C, ldc);
    }
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double sum = 0, magnitude = 0;
            for (int k = 0; k < K; k++) {
                double a = transA ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                double b = transB ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                sum += a * b;
                magnitude += fabs(a * b);
            }
            double old = beta == 0.0f ? 0.0 : (double)beta * C0[(size_t)i * ldc + j];
            double expected = old + sum;
            magnitude += fabs(old) + 1e-30;
            note(t, fabs(C[(size_t)i * ldc + j] - expected) / magnitude);
        }
        // Padding past N must be untouched.
        for (int j = N; j < ldc; j++)
            if (memcmp(&C[(size_t)i * ldc + j], beta == 0.0f ? &(float){NAN} : &C0[(size_t)i * ldc + j], 4) != 0)
                note(t, INFINITY);
    }
    free(A); free(B); free(C); free(C0);
}

static void test_gemm(const char *path) {
    // Sizes around every tile edge (6 rows, 4/8/16 columns), the small-M thresholds
    // (32, 64) and the cache blocks (KC 256, MC 144, NC 2048).
    static const int Ms[] = {1, 2, 5, 6, 7, 13, 32, 33, 64, 65, 150};
    static const int Ns[] = {1, 3, 4, 5, 8, 12, 15, 16, 17, 33, 100};
    static const int Ks[] = {1, 7, 64, 257, 300};
    static const float betas[] = {0.0f, 1.0f, 0.5f};
    tally t = {"GEMM (rel. to sum |a*b|)", 0, 0, 0, 0};
    tally tp = {"GEMM prepacked B", 0, 0, 0, 0};
    int index = 0;
    for (size_t m = 0; m < sizeof Ms / sizeof *Ms; m++)
        for (size_t n = 0; n < sizeof Ns / sizeof *Ns; n++)
            for (size_t k = 0; k < sizeof Ks / sizeof *Ks; k++, index++) {
                // fp32 summation of K terms: error ≤ K·u·Σ|a·b| (u = 2^-24), plus C's term.
                t.bound = tp.bound = (Ks[k] + 2) * 0x1.0p-24;
                gemm_case(&t, index & 1, (index >> 1) & 1, Ms[m], Ns[n], Ks[k],
                          betas[index % 3], 0, 0);
                if (index % 4 == 0)
                    gemm_case(&tp, index & 2 ? 1 : 0, (index >> 2) & 1, Ms[m], Ns[n], Ks[k],
                              betas[(index / 4) % 3], 1, 1);
            }
    t.bound = (530 + 2) * 0x1.0p-24;
    gemm_case(&t, 0, 1, 20, 2100, 530, 1.0f, 0, 0);   // N over NC, K over KC
    gemm_case(&t, 1, 0, 300, 40, 530, 0.0f, 0, 0);    // M over MC
    t.bound = tp.bound = (530 + 2) * 0x1.0p-24;
    report(path, &t);
    report(path, &tp);
}

// ---- exp, σ, tanh -----------------------------------------------------------------------

/// Inputs spanning where each function changes: a dense sweep, plus special values.
static float *sweep(int *count) {
    const int dense = 200000;
    static const float special[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-8f, -1e-8f, 88.7f, 88.72f,
                                    89.0f, -87.3f, -103.9f, -104.5f, -200.0f, 200.0f,
                                    INFINITY, -INFINITY, 9.01f, -9.01f, 17.4f, -17.4f};
    const int n = dense + (int)(sizeof special / sizeof *special);
    float *x = malloc((size_t)n * sizeof *x);
    for (int i = 0; i < dense; i++) {
        // Half uniform in [−110, 110], half log-spread over (1e-10, 20) with both signs.
        double u = uniform();
        x[i] = i % 2 ? (float)(220.0 * u - 110.0)
                     : (float)((i % 4 ? 1 : -1) * pow(10.0, -10.0 + 11.3 * u));
    }
    memcpy(x + dense, special, sizeof special);
    *count = n;
    return x;
}

static double rel_or_abs(double got, double want, double tiny) {
    if (fabs(want) > 0x1.fffffep127) want = copysign(INFINITY, want);   // overflows fp32
    if (isnan(want)) return isnan(got) ? 0 : INFINITY;
    if (isinf(want)) return got == want ? 0 : INFINITY;
    return fabs(got - want) / (fabs(want) > tiny ? fabs(want) : tiny);
}

static void test_squash(const char *path) {
    int n;
    float *x = sweep(&n);
    float *y = malloc((size_t)n * sizeof *y);
    // exp: relative error where the result is a normal float, absolute near underflow.
    tally te = {"exp (relative)", 0, 0, 2.5e-7, 0};
    recur_exp(n, x, y);
    for (int i = 0; i < n; i++) note(&te, rel_or_abs(y[i], exp((double)x[i]), 0x1.0p-126));
    // σ and tanh: relative error (tanh keeps it near 0). σ below 2^-100 (x < −69) is
    // held to absolute error 2^-100·bound: the SIMD paths return ≈4.7e-39 below x ≈ −88
    // instead of a smaller subnormal, and libm's expf(−x) overflows to give 0 there.
    tally ts = {"sigmoid (relative)", 0, 0, 2.5e-7, 0};
    memcpy(y, x, (size_t)n * sizeof *y);
    recur_activation_forward(RECUR_ACTIVATION_SIGMOID, n, y);
    for (int i = 0; i < n; i++) note(&ts, rel_or_abs(y[i], 1.0 / (1.0 + exp(-(double)x[i])), 0x1.0p-100));
    tally tt = {"tanh (relative)", 0, 0, 2.5e-7, 0};
    memcpy(y, x, (size_t)n * sizeof *y);
    recur_activation_forward(RECUR_ACTIVATION_TANH, n, y);
    for (int i = 0; i < n; i++) {
        note(&tt, rel_or_abs(y[i], tanh((double)x[i]), 1e-37));
        if (x[i] == 0.0f && signbit(y[i]) != signbit(x[i])) note(&tt, INFINITY);  // ±0 kept
    }
    tally tr = {"relu (exact, NaN and -0)", 0, 0, 0, 0};
    const float relu_in[] = {-1.0f, -0.0f, 0.0f, 2.5f, NAN, -INFINITY, INFINITY, 1e-40f, -3.0f};
    float relu_out[9];
    memcpy(relu_out, relu_in, sizeof relu_in);
    recur_activation_forward(RECUR_ACTIVATION_RELU, 9, relu_out);
    for (int i = 0; i < 9; i++) {
        float want = 0 >= relu_in[i] ? 0.0f : relu_in[i];   // Swift's max(x, 0)
        note(&tr, memcmp(&want, &relu_out[i], 4) == 0 || (isnan(want) && isnan(relu_out[i])) ? 0 : INFINITY);
    }
    // NaN in, NaN out, for all three.
    float nan_in[5] = {NAN, 1, 2, 3, NAN}, out[5];
    recur_exp(5, nan_in, out);
    note(&te, isnan(out[0]) && isnan(out[4]) ? 0 : INFINITY);
    memcpy(out, nan_in, sizeof out);
    recur_activation_forward(RECUR_ACTIVATION_SIGMOID, 5, out);
    note(&ts, isnan(out[0]) && isnan(out[4]) ? 0 : INFINITY);
    memcpy(out, nan_in, sizeof out);
    recur_activation_forward(RECUR_ACTIVATION_TANH, 5, out);
    note(&tt, isnan(out[0]) && isnan(out[4]) ? 0 : INFINITY);
    report(path, &te); report(path, &ts); report(path, &tt); report(path, &tr);

    // Backward of the vanilla activations, in terms of the output h.
    tally tb = {"activation backward (abs)", 0, 0, 1e-6, 0};
    for (int kind = 0; kind < 3; kind++) {
        for (int count = 1; count <= 37; count += 6) {
            float *h = floats((size_t)count, 1.0f), *dh = floats((size_t)count, 2.0f);
            float *d = malloc((size_t)count * sizeof *d);
            recur_activation_backward(kind, count, h, dh, d);
            for (int i = 0; i < count; i++) {
                double hv = h[i], want = kind == 0 ? dh[i] * (1 - hv * hv)
                                       : kind == 1 ? dh[i] * hv * (1 - hv) : (hv > 0 ? dh[i] : 0);
                note(&tb, fabs(d[i] - want));
            }
            free(h); free(dh); free(d);
        }
    }
    report(path, &tb);
    free(x); free(y);
}

/// FNV-1a over the bits of exp/σ/tanh on the sweep: equal hashes = identical results.
static uint64_t squash_bits(void) {
    int n;
    float *x = sweep(&n), *y = malloc((size_t)n * sizeof(float));
    uint64_t h = 1469598103934665603ull;
    for (int f = 0; f < 3; f++) {
        if (f == 0) recur_exp(n, x, y);
        else { memcpy(y, x, (size_t)n * sizeof *y); recur_activation_forward(f == 1 ? 1 : 0, n, y); }
        const unsigned char *b = (const unsigned char *)y;
        for (size_t i = 0; i < (size_t)n * sizeof(float); i++) h = (h ^ b[i]) * 1099511628211ull;
    }
    free(x); free(y);
    return h;
}

// ---- LSTM and GRU -----------------------------------------------------------------------

static double sig(double v) { return 1.0 / (1.0 + exp(-v)); }

/// Runs `kernel` over units [0, H) in one call and in two ragged slices; the results
/// must be bit-identical (threads split units that way).
static void test_cells(const char *path) {
    tally lf = {"LSTM forward (abs)", 0, 0, 1e-6, 0};
    tally lb = {"LSTM backward (abs)", 0, 0, 1e-6, 0};
    tally gf = {"GRU forward (abs)", 0, 0, 1e-6, 0};
    tally gb = {"GRU backward (abs)", 0, 0, 1e-6, 0};
    tally split = {"cells split over units (bits)", 0, 0, 0, 0};
    static const int shapes[][2] = {{1, 1}, {3, 5}, {2, 8}, {4, 13}, {5, 31}, {32, 64}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int B = shapes[s][0], H = shapes[s][1];
        const size_t bh = (size_t)B * H;
        const int cut = H > 2 ? H / 2 - 1 : 0;   // a slice boundary off the 4/8 grid
        // LSTM forward
        float *pre = floats(4 * bh, 6.0f), *cPrev = floats(bh, 2.0f);
        float *g = copy_of(pre, 4 * bh), *c = floats(bh, 1), *tc = floats(bh, 1), *h = floats(bh, 1);
        recur_lstm_forward(B, H, 0, H, g, cPrev, c, tc, h);
        float *g2 = copy_of(pre, 4 * bh), *c2 = floats(bh, 1), *tc2 = floats(bh, 1), *h2 = floats(bh, 1);
        recur_lstm_forward(B, H, 0, cut, g2, cPrev, c2, tc2, h2);
        recur_lstm_forward(B, H, cut, H, g2, cPrev, c2, tc2, h2);
        note(&split, memcmp(g, g2, 4 * bh * 4) || memcmp(h, h2, bh * 4) || memcmp(c, c2, bh * 4) ? INFINITY : 0);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) {
                const float *p = pre + (size_t)b * 4 * H;
                double i = sig(p[j]), f = sig(p[H + j]), gg = tanh(p[2 * H + j]), o = sig(p[3 * H + j]);
                double cell = f * cPrev[b * H + j] + i * gg;
                note(&lf, fabs(g[(size_t)b * 4 * H + j] - i));
                note(&lf, fabs(g[(size_t)b * 4 * H + 2 * H + j] - gg));
                note(&lf, fabs(c[b * H + j] - cell));
                note(&lf, fabs(h[b * H + j] - o * tanh(cell)));
            }
        // LSTM backward from the forward's activations.
        float *dh = floats(bh, 1.0f), *dc = floats(bh, 1.0f), *dc0 = copy_of(dc, bh);
        float *dPre = floats(4 * bh, 1), *dc2 = copy_of(dc, bh), *dPre2 = floats(4 * bh, 1);
        recur_lstm_backward(B, H, 0, H, g, cPrev, tc, dh, dc, dPre);
        recur_lstm_backward(B, H, 0, cut, g, cPrev, tc, dh, dc2, dPre2);
        recur_lstm_backward(B, H, cut, H, g, cPrev, tc, dh, dc2, dPre2);
        note(&split, memcmp(dPre, dPre2, 4 * bh * 4) || memcmp(dc, dc2, bh * 4) ? INFINITY : 0);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) {
                const float *a = g + (size_t)b * 4 * H;
                double i = a[j], f = a[H + j], gg = a[2 * H + j], o = a[3 * H + j];
                double t = tc[b * H + j], d = dh[b * H + j];
                double dCell = dc0[b * H + j] + d * o * (1 - t * t);
                const float *r = dPre + (size_t)b * 4 * H;
                note(&lb, fabs(r[j] - dCell * gg * i * (1 - i)));
                note(&lb, fabs(r[H + j] - dCell * cPrev[b * H + j] * f * (1 - f)));
                note(&lb, fabs(r[2 * H + j] - dCell * i * (1 - gg * gg)));
                note(&lb, fabs(r[3 * H + j] - d * t * o * (1 - o)));
                note(&lb, fabs(dc[b * H + j] - dCell * f));
            }
        free(pre); free(cPrev); free(g); free(c); free(tc); free(h); free(g2); free(c2);
        free(tc2); free(h2); free(dh); free(dc); free(dc0); free(dPre); free(dc2); free(dPre2);

        // GRU forward
        float *a = floats(3 * bh, 4.0f), *hp = floats(3 * bh, 4.0f), *hPrev = floats(bh, 1.0f);
        float *gr = copy_of(a, 3 * bh), *hn = floats(bh, 1);
        float *gr2 = copy_of(a, 3 * bh), *hn2 = floats(bh, 1);
        recur_gru_forward(B, H, 0, H, gr, hp, hPrev, hn);
        recur_gru_forward(B, H, 0, cut, gr2, hp, hPrev, hn2);
        recur_gru_forward(B, H, cut, H, gr2, hp, hPrev, hn2);
        note(&split, memcmp(gr, gr2, 3 * bh * 4) || memcmp(hn, hn2, bh * 4) ? INFINITY : 0);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) {
                const size_t o3 = (size_t)b * 3 * H;
                double r = sig((double)a[o3 + j] + hp[o3 + j]);
                double z = sig((double)a[o3 + H + j] + hp[o3 + H + j]);
                double nn = tanh(a[o3 + 2 * H + j] + r * hp[o3 + 2 * H + j]);
                note(&gf, fabs(gr[o3 + 2 * H + j] - nn));
                note(&gf, fabs(hn[b * H + j] - ((1 - z) * nn + z * hPrev[b * H + j])));
            }
        // GRU backward, dhPrevDirect in place over dh (allowed by the header).
        float *gdh = floats(bh, 1.0f), *gdh0 = copy_of(gdh, bh);
        float *di = floats(3 * bh, 1), *dp = floats(3 * bh, 1);
        float *gdh2 = copy_of(gdh, bh), *di2 = floats(3 * bh, 1), *dp2 = floats(3 * bh, 1);
        recur_gru_backward(B, H, 0, H, gr, hp, hPrev, gdh, di, dp, gdh);
        recur_gru_backward(B, H, 0, cut, gr, hp, hPrev, gdh2, di2, dp2, gdh2);
        recur_gru_backward(B, H, cut, H, gr, hp, hPrev, gdh2, di2, dp2, gdh2);
        note(&split, memcmp(di, di2, 3 * bh * 4) || memcmp(dp, dp2, 3 * bh * 4) || memcmp(gdh, gdh2, bh * 4) ? INFINITY : 0);
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) {
                const size_t o3 = (size_t)b * 3 * H;
                double r = gr[o3 + j], z = gr[o3 + H + j], nn = gr[o3 + 2 * H + j];
                double d = gdh0[b * H + j];
                double dnPre = d * (1 - z) * (1 - nn * nn);
                double drPre = dnPre * hp[o3 + 2 * H + j] * r * (1 - r);
                double dzPre = d * (hPrev[b * H + j] - nn) * z * (1 - z);
                note(&gb, fabs(gdh[b * H + j] - d * z));
                note(&gb, fabs(di[o3 + j] - drPre));
                note(&gb, fabs(di[o3 + H + j] - dzPre));
                note(&gb, fabs(di[o3 + 2 * H + j] - dnPre));
                note(&gb, fabs(dp[o3 + 2 * H + j] - dnPre * r));
            }
        free(a); free(hp); free(hPrev); free(gr); free(hn); free(gr2); free(hn2);
        free(gdh); free(gdh0); free(di); free(dp); free(gdh2); free(di2); free(dp2);
    }
    report(path, &lf); report(path, &lb); report(path, &gf); report(path, &gb);
    report(path, &split);
}

/// The portable path promises the bits of the Swift loops it replaced, which never fuse
/// a·b + c: here those loops' float statements (CellKernels.swift's order), against
/// recur_lstm_forward/backward and recur_gru_forward on the portable path. On ARM64 this
/// fails if the compiler contracts the kernels' multiply-adds.
static void swift_order_cells(const char *path) {
    tally t = {"portable = Swift loops (bits)", 0, 0, 0, 0};
    const int B = 3, H = 11;
    const size_t bh = (size_t)B * H;
    float *pre = floats(4 * bh, 5.0f), *cPrev = floats(bh, 2.0f), *dh = floats(bh, 1.0f);
    float *dcIn = floats(bh, 1.0f), *g = copy_of(pre, 4 * bh);
    float *c = floats(bh, 1), *tc = floats(bh, 1), *h = floats(bh, 1);
    float *dc = copy_of(dcIn, bh), *dPre = floats(4 * bh, 1);
    recur_lstm_forward(B, H, 0, H, g, cPrev, c, tc, h);
    recur_lstm_backward(B, H, 0, H, g, cPrev, tc, dh, dc, dPre);
    for (size_t k = 0; k < bh; k++) {
        const size_t b = k / H, j = k % H;
        const float *p = pre + b * 4 * H;
        float input = 1.0f / (1.0f + expf(-p[j])), forget = 1.0f / (1.0f + expf(-p[H + j]));
        float candidate = tanhf(p[2 * H + j]), output = 1.0f / (1.0f + expf(-p[3 * H + j]));
        float cell = forget * cPrev[k] + input * candidate;
        float squashed = tanhf(cell);
        float dHidden = dh[k];
        float dCell = dcIn[k] + dHidden * output * (1 - squashed * squashed);
        const float want[] = {cell, squashed, output * squashed, dCell * forget,
                              dCell * candidate * input * (1 - input),
                              dCell * cPrev[k] * forget * (1 - forget),
                              dCell * input * (1 - candidate * candidate),
                              dHidden * squashed * output * (1 - output)};
        const float got[] = {c[k], tc[k], h[k], dc[k], dPre[b * 4 * H + j],
                             dPre[b * 4 * H + H + j], dPre[b * 4 * H + 2 * H + j],
                             dPre[b * 4 * H + 3 * H + j]};
        for (int i = 0; i < 8; i++) note(&t, memcmp(&want[i], &got[i], 4) ? INFINITY : 0);
    }
    float *a = floats(3 * bh, 3.0f), *hp = floats(3 * bh, 3.0f), *gr = copy_of(a, 3 * bh);
    float *hn = floats(bh, 1);
    recur_gru_forward(B, H, 0, H, gr, hp, cPrev, hn);
    for (size_t k = 0; k < bh; k++) {
        const size_t o = (k / H) * 3 * H, j = k % H;
        float reset = 1.0f / (1.0f + expf(-(a[o + j] + hp[o + j])));
        float update = 1.0f / (1.0f + expf(-(a[o + H + j] + hp[o + H + j])));
        float candidate = tanhf(a[o + 2 * H + j] + reset * hp[o + 2 * H + j]);
        float want = (1 - update) * candidate + update * cPrev[k];
        note(&t, memcmp(&want, &hn[k], 4) ? INFINITY : 0);
    }
    report(path, &t);
    free(pre); free(cPrev); free(dh); free(dcIn); free(g); free(c); free(tc); free(h);
    free(dc); free(dPre); free(a); free(hp); free(gr); free(hn);
}

// ---- softmax, rows and vectors, Adam ------------------------------------------------------

static void test_rows(const char *path) {
    tally sm = {"softmax (relative)", 0, 0, 1e-6, 0};
    static const int widths[] = {1, 3, 4, 7, 8, 65, 100, 513, 1000};
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
        const int rows = 3, W = widths[w];
        float *x = floats((size_t)rows * W, 30.0f), *y = copy_of(x, (size_t)rows * W);
        recur_softmax_rows(rows, W, y);
        for (int r = 0; r < rows; r++) {
            const float *in = x + (size_t)r * W;
            double largest = -INFINITY, total = 0;
            for (int j = 0; j < W; j++) largest = in[j] > largest ? in[j] : largest;
            // x − max rounded to fp32 as the kernels compute it: its rounding (up to
            // 2^-24·|x − max|, i.e. 2e-6 relative in exp at a range of 60) is the input's.
            for (int j = 0; j < W; j++) total += exp((double)(in[j] - (float)largest));
            for (int j = 0; j < W; j++) {
                double want = exp((double)(in[j] - (float)largest)) / total;
                note(&sm, rel_or_abs(y[(size_t)r * W + j], want, 1e-30));
            }
        }
        x[W + 1 < rows * W ? W + 1 : 0] = NAN;   // a NaN makes its row NaN
        memcpy(y, x, (size_t)rows * W * sizeof *y);
        recur_softmax_rows(rows, W, y);
        const int nanRow = W + 1 < rows * W ? (W + 1) / W : 0;
        for (int j = 0; j < W; j++) note(&sm, isnan(y[(size_t)nanRow * W + j]) ? 0 : INFINITY);
        free(x); free(y);
    }
    report(path, &sm);

    tally rv = {"add_rows/column_sums/add/scale", 0, 0, 1e-6, 0};
    for (int W = 1; W <= 40; W += 13) {
        const int rows = 9, ld = W + 5;
        float *m = floats((size_t)rows * ld, 1.0f), *b1 = floats((size_t)W, 1), *b2 = floats((size_t)W, 1);
        float *m2 = copy_of(m, (size_t)rows * ld);
        float *sums = floats((size_t)W, 1), *sums0 = copy_of(sums, (size_t)W);
        recur_column_sums(rows, W, m, ld, sums);
        for (int j = 0; j < W; j++) {
            double want = sums0[j];
            for (int r = 0; r < rows; r++) want += m[(size_t)r * ld + j];
            note(&rv, fabs(sums[j] - want));
        }
        float *dense = copy_of(m, (size_t)rows * W);
        recur_add_rows(rows, W, b1, b2, dense);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < W; j++)
                note(&rv, fabs(dense[(size_t)r * W + j] - ((double)m[(size_t)r * W + j] + ((double)b1[j] + b2[j]))));
        recur_add(W, b1, b2);
        recur_scale(W, 0.5f, m2);
        for (int j = 0; j < W; j++) note(&rv, fabs(m2[j] - 0.5 * m[j]));
        free(m); free(b1); free(b2); free(m2); free(sums); free(sums0); free(dense);
    }
    float *v = floats(1001, 3.0f);
    double want = 0;
    for (int i = 0; i < 1001; i++) want += (double)v[i] * v[i];
    note(&rv, fabs(recur_sum_squares(1001, v) - want) / want);
    free(v);
    report(path, &rv);

    tally ad = {"Adam (abs)", 0, 0, 1e-6, 0};
    const int n = 103;
    float *p = floats(n, 1), *g = floats(n, 1), *m = floats(n, 0.1f), *vv = floats(n, 0.1f);
    for (int i = 0; i < n; i++) vv[i] = fabsf(vv[i]);
    float *p0 = copy_of(p, n), *m0 = copy_of(m, n), *v0 = copy_of(vv, n);
    const recur_adam_constants k = {0.9f, 0.01f, 0.9f, 0.999f, 1e-3f, 0.05f, 1e-8f};
    recur_adam_update(n, p, g, m, vv, &k);
    for (int i = 0; i < n; i++) {
        double gr = (double)k.gradientScale * g[i] + (double)k.weightDecay * p0[i];
        double mm = k.beta1 * (double)m0[i] + (1 - (double)k.beta1) * gr;
        double v2 = k.beta2 * (double)v0[i] + (1 - (double)k.beta2) * gr * gr;
        double pp = p0[i] - k.stepSize * mm / (sqrt(v2) / k.correction2Root + k.epsilon);
        note(&ad, fabs(p[i] - pp));
        note(&ad, fabs(m[i] - mm));
    }
    free(p); free(g); free(m); free(vv); free(p0); free(m0); free(v0);
    report(path, &ad);
}

// ---- word2vec -----------------------------------------------------------------------------

/// Hierarchical softmax, window 1, no subsampling: no random number changes the result,
/// so the training loop can be replayed in double (recur_w2v_train's semantics: per
/// prediction all dots first, then g = α(label − σ), then u += g·h and e += g·u_old,
/// then e into the input row(s)).
static void w2v_replay(int cbow, int D, const int *tokens, int count,
                       const unsigned char *lengths, const unsigned char *codes,
                       const int *points, int L, double *in, double *out, float alpha) {
    double *h = malloc((size_t)D * sizeof *h), *e = malloc((size_t)D * sizeof *e);
    for (int i = 0; i < count; i++) {
        const int centre = tokens[i];
        int ctx[2], nctx = 0;
        if (i > 0) ctx[nctx++] = tokens[i - 1];
        if (i + 1 < count) ctx[nctx++] = tokens[i + 1];
        // Skip-gram: each context word predicts the centre, one after the other; CBOW:
        // their mean predicts it once.
        const int predictions = cbow ? (nctx > 0) : nctx;
        for (int q = 0; q < predictions; q++) {
            if (cbow) {
                for (int d = 0; d < D; d++) {
                    double s = 0;
                    for (int j = 0; j < nctx; j++) s += in[(size_t)ctx[j] * D + d];
                    h[d] = s / nctx;
                }
            } else {
                for (int d = 0; d < D; d++) h[d] = in[(size_t)ctx[q] * D + d];
            }
            const int n = lengths[centre];
            double g[64];
            for (int t = 0; t < n; t++) {
                const double *u = out + (size_t)points[centre * L + t] * D;
                double dot = 0;
                for (int d = 0; d < D; d++) dot += u[d] * h[d];
                g[t] = alpha * ((1.0 - codes[centre * L + t]) - sig(dot));
            }
            for (int d = 0; d < D; d++) e[d] = 0;
            for (int t = 0; t < n; t++) {
                double *u = out + (size_t)points[centre * L + t] * D;
                for (int d = 0; d < D; d++) { e[d] += g[t] * u[d]; u[d] += g[t] * h[d]; }
            }
            for (int j = cbow ? 0 : q; j < (cbow ? nctx : q + 1); j++)
                for (int d = 0; d < D; d++) in[(size_t)ctx[j] * D + d] += e[d];
        }
    }
    free(h); free(e);
}

static void test_word2vec(const char *path, float **ns_portable, int record_ns) {
    enum { V = 40, COUNT = 400 };
    tally tw = {"word2vec HS vs double (rel.)", 0, 0, 1e-4, 0};
    tally tn = {"word2vec NS vs portable (abs)", 0, 0, 1e-4, 0};
    rng_state = 0x9E3779B97F4A7C15ull;   // the same corpus on every path
    long long counts[V];
    for (int w = 0; w < V; w++) counts[w] = 1000 / (w + 1) + 1;
    int tokens[COUNT];
    for (int i = 0; i < COUNT; i++) tokens[i] = (int)(uniform() * uniform() * V);
    const int L = recur_w2v_huffman_max_code_length(counts, V);
    unsigned char lengths[V], *codes = calloc((size_t)V * L, 1);
    int *points = calloc((size_t)V * L, sizeof(int));
    if (L < 1 || recur_w2v_huffman(counts, V, L, lengths, codes, points) != 0) { failures++; return; }
    unsigned long long *noise = malloc(V * sizeof *noise);
    recur_w2v_build_noise_table(counts, V, 0.75, noise);
    static const int dims[] = {3, 4, 13, 100};
    int slot = 0;
    for (size_t di = 0; di < sizeof dims / sizeof *dims; di++) {
        const int D = dims[di];
        for (int cbow = 0; cbow <= 1; cbow++) {
            // HS, window 1: against the double replay.
            float *input = malloc((size_t)V * D * sizeof(float));
            recur_w2v_init_input(input, V, D, 7);
                        float *hs = calloc((size_t)(V - 1) * D, sizeof(float));
            recur_w2v_model model = {V, D, 1, 0, cbow, 1, input, NULL, hs, NULL, NULL,
                                     lengths, codes, points, L};
            recur_w2v_progress progress = {0, COUNT, 0.025f, 0.0001f, 0};
            unsigned long long seed = 11;
            double *in = malloc((size_t)V * D * sizeof(double)), *out = calloc((size_t)(V - 1) * D, sizeof(double));
            for (size_t i = 0; i < (size_t)V * D; i++) in[i] = input[i];
            if (recur_w2v_train(&model, tokens, COUNT, &progress, &seed, NULL, NULL) != COUNT) note(&tw, INFINITY);
            w2v_replay(cbow, D, tokens, COUNT, lengths, codes, points, L, in, out, progress.alpha_start);
            // Errors relative to the largest change training made to each matrix.
            double moved = 0, grown = 0;
            float *start = malloc((size_t)V * D * sizeof(float));
            recur_w2v_init_input(start, V, D, 7);
            for (size_t i = 0; i < (size_t)V * D; i++) moved = fmax(moved, fabs(in[i] - start[i]));
            for (size_t i = 0; i < (size_t)(V - 1) * D; i++) grown = fmax(grown, fabs(out[i]));
            for (size_t i = 0; i < (size_t)V * D; i++) note(&tw, fabs(input[i] - in[i]) / moved);
            for (size_t i = 0; i < (size_t)(V - 1) * D; i++) note(&tw, fabs(hs[i] - out[i]) / grown);
            free(start);
            free(in); free(out); free(hs);
            // Negative sampling with window 5 and subsampling off: the same random draws
            // on every path, so it must agree with the portable path to rounding.
            recur_w2v_init_input(input, V, D, 7);
            float *ns = calloc((size_t)V * D, sizeof(float));
            recur_w2v_model nsm = {V, D, 5, 5, cbow, 0, input, ns, NULL, noise, NULL,
                                   NULL, NULL, NULL, 0};
            recur_w2v_progress np = {0, COUNT, 0.05f, 0.0001f, 0};
            seed = 5;
            recur_w2v_train(&nsm, tokens, COUNT, &np, &seed, NULL, NULL);
            float *result = malloc((size_t)2 * V * D * sizeof(float));
            memcpy(result, input, (size_t)V * D * sizeof(float));
            memcpy(result + (size_t)V * D, ns, (size_t)V * D * sizeof(float));
            if (record_ns) {
                ns_portable[slot] = result;
            } else {
                for (size_t i = 0; i < (size_t)2 * V * D; i++)
                    note(&tn, fabs(result[i] - ns_portable[slot][i]));
                free(result);
            }
            slot++;
            free(ns); free(input);
        }
    }
    free(codes); free(points); free(noise);
    report(path, &tw);
    if (!record_ns) report(path, &tn);
}

// ---- main -----------------------------------------------------------------------------------

// ---- layer norm ---------------------------------------------------------------------
// The routines of RecurLayerNorm.h (one portable routine on every path; LN(c)'s tanh and
// the LSTM gates follow the path) against double references and central differences.

/// y = gain ⊙ LN(x) + bias in double, one row of n.
static void ln_reference(int n, const double *x, const float *gain, const float *bias, double *y) {
    double mean = 0, var = 0;
    for (int j = 0; j < n; j++) mean += x[j];
    mean /= n;
    for (int j = 0; j < n; j++) var += (x[j] - mean) * (x[j] - mean);
    double scale = 1.0 / sqrt(var / n + 1e-5);
    for (int j = 0; j < n; j++) y[j] = gain[j] * (x[j] - mean) * scale + bias[j];
}

/// Σ w ⊙ (h, c) of one layer-normalised LSTM row from its pre-activations, in double.
static double ln_lstm_reference(int H, const double *pre, const float *cPrev, const float *gain,
                                const float *bias, const float *wh, const float *wc) {
    double c[64], n[64], loss = 0;
    for (int j = 0; j < H; j++) c[j] = sig(pre[H + j]) * cPrev[j] + sig(pre[j]) * tanh(pre[2 * H + j]);
    ln_reference(H, c, gain, bias, n);
    for (int j = 0; j < H; j++) loss += wh[j] * sig(pre[3 * H + j]) * tanh(n[j]) + wc[j] * c[j];
    return loss;
}

static void test_layer_norm(const char *path) {
    tally fw = {"layer norm forward (abs)", 0, 0, 2e-6, 0};
    tally bw = {"layer norm backward (vs FD)", 0, 0, 1e-5, 0};
    tally pg = {"layer norm gain/bias gradients", 0, 0, 1e-6, 0};
    tally lo = {"LN-LSTM output (abs)", 0, 0, 2e-6, 0};
    tally lb = {"LN-LSTM backward (vs FD)", 0, 0, 1e-5, 0};
    static const int widths[] = {1, 3, 8, 13, 64};
    for (size_t s = 0; s < sizeof widths / sizeof *widths; s++) {
        const int n = widths[s], rows = 3;
        float *x = floats((size_t)rows * n, 3.0f), *gain = floats(n, 1.5f), *bias = floats(n, 1.0f);
        float *xhat = floats((size_t)rows * n, 1), *rstd = floats(rows, 1), *y = floats((size_t)rows * n, 1);
        float *y0 = copy_of(y, (size_t)rows * n);
        recur_layer_norm_forward(rows, n, 1e-5f, x, gain, bias, xhat, rstd, y, 1);   // y += LN
        double row[64], ref[64];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) row[j] = x[r * n + j];
            ln_reference(n, row, gain, bias, ref);
            for (int j = 0; j < n; j++) note(&fw, fabs(y[r * n + j] - (y0[r * n + j] + ref[j])));
        }
        // dx of L = Σ dy ⊙ y, against central differences of the double reference.
        float *dy = floats((size_t)rows * n, 1.0f), *dx = floats((size_t)rows * n, 1);
        recur_layer_norm_backward(rows, n, dy, xhat, rstd, gain, dx);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < n; k++) {
                double loss[2];
                for (int side = 0; side < 2; side++) {
                    for (int j = 0; j < n; j++) row[j] = x[r * n + j];
                    row[k] += side ? -1e-4 : 1e-4;
                    ln_reference(n, row, gain, bias, ref);
                    loss[side] = 0;
                    for (int j = 0; j < n; j++) loss[side] += dy[r * n + j] * ref[j];
                }
                note(&bw, fabs(dx[r * n + k] - (loss[0] - loss[1]) / 2e-4));
            }
        // dGain += Σ dy ⊙ x̂, dBias += Σ dy over the rows, columns [1, n) only.
        float *dGain = floats(n, 1.0f), *dBias = floats(n, 1.0f);
        float *dGain0 = copy_of(dGain, n), *dBias0 = copy_of(dBias, n);
        recur_layer_norm_parameter_gradients(rows, n, 1, n, dy, xhat, dGain, dBias);
        note(&pg, dGain[0] == dGain0[0] && dBias[0] == dBias0[0] ? 0 : INFINITY);
        for (int j = 1; j < n; j++) {
            double gainSum = dGain0[j], biasSum = dBias0[j];
            for (int r = 0; r < rows; r++) {
                gainSum += (double)dy[r * n + j] * xhat[r * n + j];
                biasSum += dy[r * n + j];
            }
            note(&pg, fabs(dGain[j] - gainSum));
            note(&pg, fabs(dBias[j] - biasSum));
        }
        free(dGain); free(dBias); free(dGain0); free(dBias0);
        free(x); free(gain); free(bias); free(xhat); free(rstd); free(y); free(y0); free(dy); free(dx);
    }
    static const int hiddens[] = {1, 5, 16};
    for (size_t s = 0; s < sizeof hiddens / sizeof *hiddens; s++) {
        const int H = hiddens[s];
        float *pre = floats(4 * (size_t)H, 2.0f), *cPrev = floats(H, 1.5f);
        float *gain = floats(H, 1.5f), *bias = floats(H, 0.5f);
        float *gates = copy_of(pre, 4 * (size_t)H), *c = floats(H, 1), *tc = floats(H, 1), *h = floats(H, 1);
        float *xhat = floats(H, 1), *rstd = floats(1, 1);
        recur_lstm_forward(1, H, 0, H, gates, cPrev, c, tc, h);
        recur_lstm_norm_output(1, H, 1e-5f, gates, c, gain, bias, xhat, rstd, tc, h);
        double cell[64], normed[64];
        for (int j = 0; j < H; j++) cell[j] = sig(pre[H + j]) * cPrev[j] + sig(pre[j]) * tanh(pre[2 * H + j]);
        ln_reference(H, cell, gain, bias, normed);
        for (int j = 0; j < H; j++) {
            note(&lo, fabs(c[j] - cell[j]));
            note(&lo, fabs(h[j] - sig(pre[3 * H + j]) * tanh(normed[j])));
        }
        // dPre of L = Σ wh ⊙ h + Σ wc ⊙ c (dc enters as the next step's dL/dc).
        float *wh = floats(H, 1.0f), *wc = floats(H, 1.0f), *dc = copy_of(wc, H);
        float *dNorm = floats(H, 1), *dPre = floats(4 * (size_t)H, 1);
        recur_lstm_norm_backward(1, H, gates, cPrev, tc, xhat, rstd, gain, wh, dc, dNorm, dPre);
        double point[256];
        for (int k = 0; k < 4 * H; k++) {
            double loss[2];
            for (int side = 0; side < 2; side++) {
                for (int j = 0; j < 4 * H; j++) point[j] = pre[j];
                point[k] += side ? -1e-4 : 1e-4;
                loss[side] = ln_lstm_reference(H, point, cPrev, gain, bias, wh, wc);
            }
            note(&lb, fabs(dPre[k] - (loss[0] - loss[1]) / 2e-4));
        }
        free(pre); free(cPrev); free(gain); free(bias); free(gates); free(c); free(tc); free(h);
        free(xhat); free(rstd); free(wh); free(wc); free(dc); free(dNorm); free(dPre);
    }
    report(path, &fw); report(path, &bw); report(path, &pg); report(path, &lo); report(path, &lb);
}

int main(int argc, char **argv) {
    static const int all[] = {RECUR_KERNELS_PORTABLE, RECUR_KERNELS_AVX2, RECUR_KERNELS_AVX512,
                              RECUR_KERNELS_NEON};
    if (argc > 1 && strcmp(argv[1], "--start-path") == 0) {
        printf("%s\n", recur_kernels_path_name(recur_kernels_path()));
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--bits") == 0) {
        for (size_t p = 1; p < sizeof all / sizeof *all; p++) {
            if (!recur_kernels_path_supported(all[p])) continue;
            recur_kernels_set_path(all[p]);
            printf("%s %016llx\n", recur_kernels_path_name(all[p]), (unsigned long long)squash_bits());
        }
        return 0;
    }
    printf("kernel path chosen at start: %s (best on this CPU: %s)\n",
           recur_kernels_path_name(recur_kernels_path()),
           recur_kernels_path_name(recur_kernels_best_path()));
    float *ns_portable[8] = {0};
    for (size_t p = 0; p < sizeof all / sizeof *all; p++) {
        const int path = all[p];
        if (!recur_kernels_path_supported(path)) continue;
        if (recur_kernels_set_path(path) != path) { printf("cannot select %d\n", path); return 1; }
        const char *name = recur_kernels_path_name(path);
        printf("path %s:\n", name);
        rng_state = 0x2545F4914F6CDD1Dull;   // the same inputs on every path
        test_gemm(name);
        test_squash(name);
        test_cells(name);
        if (path == RECUR_KERNELS_PORTABLE) swift_order_cells(name);
        test_rows(name);
        test_layer_norm(name);
        test_word2vec(name, ns_portable, path == RECUR_KERNELS_PORTABLE);
    }
    for (int i = 0; i < 8; i++) free(ns_portable[i]);
    printf(failures ? "FAILED: %d families\n" : "all kernel families passed\n", failures);
    return failures ? 1 : 0;
}
