// RecurDropout: dropout masks drawn and applied in one pass over memory.
//
// Why: drawing one xoshiro number per element in Swift and applying it in a second loop
// cost more per element than the cell's activations. Here every element's keep/drop
// decision is a counter-based hash of (key, index) — no sequential generator state, so
// the loop vectorises (8 lanes of 32-bit integer multiplies under AVX2) and writes the
// mask and the masked copy in the same pass.
//
// Every path (portable, AVX2, AVX-512, NEON) computes the same integer hash and the same
// single float multiply, so the masks and the masked values agree bit for bit across
// paths. Everything runs on the calling thread; sizes ≥ 0, any alignment.
#ifndef RECUR_DROPOUT_H
#define RECUR_DROPOUT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// mask[k] = 1/keep with probability keep (24-bit resolution, as a uniform float in
/// [0, 1) drawn with 24 random bits), else 0; out[k] = in[k] · mask[k], k < count.
/// The decision for element k is hash(key, k): the same key gives the same mask.
/// `in` and `out` may be the same buffer; `mask` must not overlap either.
void recur_dropout_forward(int count, float keep, uint64_t key, const float *in, float *mask, float *out);

/// y[k] *= x[k], k < count: dropout's backward (the gradient through the mask).
void recur_multiply(int count, const float *x, float *y);

#ifdef __cplusplus
}
#endif

#endif
