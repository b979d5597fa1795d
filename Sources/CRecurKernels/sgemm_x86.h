// Intrinsic helpers shared by the x86 paths (sgemm_avx2.c, sgemm_avx512.c). Macros
// only, so each expands inside its caller's __attribute__((target(...))) function.
#ifndef RECUR_SGEMM_X86_H
#define RECUR_SGEMM_X86_H

#include <immintrin.h>

/// In-place transpose of the 8×8 block held in r0..r7 (row i = ri): afterwards ri holds
/// column i. 24 shuffles; used by the packers whose source runs along K.
#define RK_TRANSPOSE8(r0, r1, r2, r3, r4, r5, r6, r7) do {                          \
    __m256 t0_ = _mm256_unpacklo_ps(r0, r1), t1_ = _mm256_unpackhi_ps(r0, r1);      \
    __m256 t2_ = _mm256_unpacklo_ps(r2, r3), t3_ = _mm256_unpackhi_ps(r2, r3);      \
    __m256 t4_ = _mm256_unpacklo_ps(r4, r5), t5_ = _mm256_unpackhi_ps(r4, r5);      \
    __m256 t6_ = _mm256_unpacklo_ps(r6, r7), t7_ = _mm256_unpackhi_ps(r6, r7);      \
    __m256 s0_ = _mm256_shuffle_ps(t0_, t2_, 0x44), s1_ = _mm256_shuffle_ps(t0_, t2_, 0xEE); \
    __m256 s2_ = _mm256_shuffle_ps(t1_, t3_, 0x44), s3_ = _mm256_shuffle_ps(t1_, t3_, 0xEE); \
    __m256 s4_ = _mm256_shuffle_ps(t4_, t6_, 0x44), s5_ = _mm256_shuffle_ps(t4_, t6_, 0xEE); \
    __m256 s6_ = _mm256_shuffle_ps(t5_, t7_, 0x44), s7_ = _mm256_shuffle_ps(t5_, t7_, 0xEE); \
    r0 = _mm256_permute2f128_ps(s0_, s4_, 0x20); r1 = _mm256_permute2f128_ps(s1_, s5_, 0x20); \
    r2 = _mm256_permute2f128_ps(s2_, s6_, 0x20); r3 = _mm256_permute2f128_ps(s3_, s7_, 0x20); \
    r4 = _mm256_permute2f128_ps(s0_, s4_, 0x31); r5 = _mm256_permute2f128_ps(s1_, s5_, 0x31); \
    r6 = _mm256_permute2f128_ps(s2_, s6_, 0x31); r7 = _mm256_permute2f128_ps(s3_, s7_, 0x31); \
} while (0)

#endif // RECUR_SGEMM_X86_H
