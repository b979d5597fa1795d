// Private interface between activations.c (portable and AVX2 paths, public entry
// points) and activations_avx512.c (AVX-512 twins of the hottest kernels). Not part of
// the public header.
#ifndef RECUR_ACTIVATIONS_INTERNAL_H
#define RECUR_ACTIVATIONS_INTERNAL_H

// ---- exp / expm1 constants, shared by the AVX2, AVX-512 and NEON code ---------------
// All three paths evaluate exp, σ and tanh with these constants and the same operations
// (the same FMAs) in the same order, so each element comes out bit-identical on any. Derivations
// are next to the AVX2 routines in activations.c.

// Range reduction constants. ln2 is split so n·RA_LN2_HI is exact for |n| ≤ 2^8 inside
// an FMA and the remainder carries the rest: r = (v − n·LN2_HI) − n·LN2_LO.
#define RA_LOG2E 1.44269504088896341f
#define RA_LN2_HI 0.693147182464599609375f      // float(ln 2)
#define RA_LN2_LO (-1.904654291153e-09f)        // ln 2 − RA_LN2_HI
// 1.5·2^23: adding it rounds a float in (−2^22, 2^22) to an integer, which then sits in
// the low mantissa bits (bit pattern 0x4B400000 + n).
#define RA_ROUND_MAGIC 12582912.0f
#define RA_ROUND_MAGIC_BITS 0x4B400000

// q(r) ≈ (e^r − 1 − r)/r² on |r| ≤ ln2/2: degree-4 near-minimax fit (Lawson's
// iteratively reweighted least squares in double on 4000 Chebyshev nodes, minimising the
// relative error of expm1(r) = r + r²q(r), then rounded to float). Approximation error:
// 1.8e-8 relative for expm1, 6e-9 for exp — well below fp32 rounding (6e-8).
#define RA_Q0 4.999999702e-01f
#define RA_Q1 1.666654348e-01f
#define RA_Q2 4.166720062e-02f
#define RA_Q3 8.366580121e-03f
#define RA_Q4 1.388250967e-03f

// Clamp for the single-scale form (ra_exp_clamped): n = round(v·log2e) must stay in
// [−126, 127] so 2^n is a normal float. Callers (σ, tanh) saturate long before these bounds matter.
#define RA_EXP_LO (-87.6f)
#define RA_EXP_HI 88.3f

#if defined(__x86_64__) || defined(__i386__)
// AVX-512 kernels (activations_avx512.c); same contracts as the public functions of
// the same names in RecurActivations.h, after their argument checks (B > 0, a non-empty
// clamped unit range; rows, width > 0).
void ra_lstm_forward_avx512(int B, int H, int j0, int j1, float *gates, const float *cPrev,
                            float *c, float *tanhC, float *h);
/// Rows narrower than this stay on the AVX2 softmax (measured slower below; see
/// activations_avx512.c).
#define RA_SOFTMAX_AVX512_MIN_WIDTH 512
void ra_softmax_rows_avx512(int rows, int width, float *x);
#endif

#if defined(__aarch64__)
// NEON kernels (activations_neon.c); same contracts as the public functions in
// RecurActivations.h, after their argument checks.
void ra_lstm_forward_neon(int B, int H, int j0, int j1, float *gates, const float *cPrev,
                          float *c, float *tanhC, float *h);
void ra_lstm_backward_neon(int B, int H, int j0, int j1, const float *gates,
                           const float *cPrev, const float *tanhC, const float *dh,
                           float *dc, float *dPre);
void ra_gru_forward_neon(int B, int H, int j0, int j1, float *gates, const float *hiddenPart,
                         const float *hPrev, float *h);
void ra_gru_backward_neon(int B, int H, int j0, int j1, const float *gates,
                          const float *hiddenPart, const float *hPrev, const float *dh,
                          float *dInputPart, float *dHiddenPart, float *dhPrevDirect);
void ra_activation_forward_neon(int kind, int count, float *x);
void ra_activation_backward_neon(int kind, int count, const float *h, const float *dh,
                                 float *dPre);
void ra_exp_neon(int count, const float *x, float *y);
void ra_softmax_rows_neon(int rows, int width, float *x);
#endif

#endif // RECUR_ACTIVATIONS_INTERNAL_H
