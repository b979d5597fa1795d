// Dropout masks from a counter-based hash, drawn and applied in one pass. See
// RecurDropout.h for the API.
//
// The hash is two rounds of Wellons' "lowbias32" integer mixer (each a bijection of 32
// bits) with the 64-bit key folded in before each round: for one key, distinct indices
// give distinct hashes, and the top 24 bits pass as uniform for dropout's purpose (one
// comparison per element). The same loop body is compiled twice: plainly (the portable
// path, and the NEON path, where the compiler vectorises it with NEON) and with AVX2
// enabled, where the compiler vectorises it 8 lanes wide. Integer arithmetic and one
// float multiply give the same bits either way.
#include "RecurDropout.h"
#include "RecurKernels.h"

#include <math.h>
#include <stdint.h>

static inline uint32_t dropout_mix(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static inline __attribute__((always_inline)) void
dropout_body(int count, int32_t threshold, float scale, uint32_t key0, uint32_t key1,
             const float *in, float *mask, float *out) {
    for (int k = 0; k < count; k++) {
        uint32_t bits = dropout_mix(dropout_mix((uint32_t)k ^ key0) + key1);
        // Keep when the top 24 bits, read as u in [0, 2^24), fall below keep·2^24.
        float m = (int32_t)(bits >> 8) < threshold ? scale : 0.0f;
        mask[k] = m;
        out[k] = in[k] * m;
    }
}

static inline __attribute__((always_inline)) void multiply_body(int count, const float *x, float *y) {
    for (int k = 0; k < count; k++) y[k] *= x[k];
}

static void dropout_portable(int count, int32_t threshold, float scale, uint32_t key0, uint32_t key1,
                             const float *in, float *mask, float *out) {
    dropout_body(count, threshold, scale, key0, key1, in, mask, out);
}

static void multiply_portable(int count, const float *x, float *y) { multiply_body(count, x, y); }

#if defined(__x86_64__) || defined(__i386__)
#define DROPOUT_HAVE_X86 1
__attribute__((target("avx2")))
static void dropout_avx2(int count, int32_t threshold, float scale, uint32_t key0, uint32_t key1,
                         const float *in, float *mask, float *out) {
    dropout_body(count, threshold, scale, key0, key1, in, mask, out);
}

__attribute__((target("avx2")))
static void multiply_avx2(int count, const float *x, float *y) { multiply_body(count, x, y); }
#endif

void recur_dropout_forward(int count, float keep, uint64_t key, const float *in, float *mask, float *out) {
    if (count <= 0) return;
    // keep·2^24 is exact for the float keep (24-bit significand) up to rounding of the
    // product, and at most 2^24, which keeps every element.
    int32_t threshold = (int32_t)lrint((double)keep * 16777216.0);
    float scale = 1.0f / keep;
    uint32_t key0 = (uint32_t)key, key1 = (uint32_t)(key >> 32);
#if DROPOUT_HAVE_X86
    if (recur_kernels_has_fma()) { dropout_avx2(count, threshold, scale, key0, key1, in, mask, out); return; }
#endif
    dropout_portable(count, threshold, scale, key0, key1, in, mask, out);
}

void recur_multiply(int count, const float *x, float *y) {
    if (count <= 0) return;
#if DROPOUT_HAVE_X86
    if (recur_kernels_has_fma()) { multiply_avx2(count, x, y); return; }
#endif
    multiply_portable(count, x, y);
}
