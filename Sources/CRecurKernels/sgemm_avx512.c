// AVX-512 path: 8×32 micro-kernel, A packing into 8-row panels, and the small-M transB
// dot-product routine. B packing is the AVX2 path's (the packed-B layout is shared).
//
// Every function carries __attribute__((target("avx512f,avx512vl,avx2,fma"))), so this
// file compiles without -mavx512f and the rest of the program stays baseline x86-64;
// sgemm.c only calls in here after kernels_path.c confirmed AVX-512F+VL in CPUID and
// opmask/ZMM state in XCR0. As in sgemm_avx2.c, the named __m512 accumulators stay in
// registers only with the optimiser on (-O2 or better).
//
// Why 8×32: 32 ZMM registers. 8 rows × 2 vectors of 16 = 16 accumulators, 2 B vectors
// and a broadcast leave half the file free, so no edge variant ever spills. Per k the
// tile costs 2 B loads + 8 broadcasts for 16 FMAs (AVX2's 6×16: 2 + 6 loads for 12
// FMAs of half the width), and 16 independent chains cover the FMA latency on one
// 512-bit pipe (Zen 4) or two (Intel). 8 rows also divide the batch sizes the engine
// uses (B = 16, 20 → 8+8+4, 32, T·B = 2048) and make one packed A group exactly one YMM
// vector, which the narrow kernel and the packers exploit. 32 columns = two adjacent
// 16-column B panels, so the driver and the per-update prepacked W_hh are unchanged.
#include "sgemm_internal.h"

#if RK_HAVE_X86
#include "sgemm_x86.h"
#include <immintrin.h>

#define RK512 __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define RK_INLINE static inline __attribute__((always_inline))
#define RK5_MR 8
#define RK5_NR 32

// ---------------------------------------------------------------------------------
// Small helpers. Edges use opmask registers: masked-off lanes are neither read nor
// written (no fault past the end of a matrix), so no edge needs a scalar loop.
// ---------------------------------------------------------------------------------

RK512 RK_INLINE __mmask16 rk5_mask(int n) {   // first n lanes, 0 ≤ n ≤ 16
    return (__mmask16)((1u << n) - 1u);
}

/// p[lanes in m] = v + beta·p; beta 0 does not read p (it may hold NaN garbage).
RK512 RK_INLINE void rk5_update16(float *p, __m512 v, __mmask16 m, float beta) {
    if (beta == 0.0f) _mm512_mask_storeu_ps(p, m, v);
    else if (beta == 1.0f) _mm512_mask_storeu_ps(p, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, p), v));
    else _mm512_mask_storeu_ps(p, m, _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(m, p), v));
}

/// As rk5_update16 on 4 lanes.
RK512 RK_INLINE void rk5_update4(float *p, __m128 v, __mmask8 m, float beta) {
    if (beta == 0.0f) _mm_mask_storeu_ps(p, m, v);
    else if (beta == 1.0f) _mm_mask_storeu_ps(p, m, _mm_add_ps(_mm_maskz_loadu_ps(m, p), v));
    else _mm_mask_storeu_ps(p, m, _mm_fmadd_ps(_mm_set1_ps(beta), _mm_maskz_loadu_ps(m, p), v));
}

// ---------------------------------------------------------------------------------
// Micro-kernel: C[MR×(16·NV)] (+)= A panel (kc×8, packed) · B panels (kc×16 each)
// ---------------------------------------------------------------------------------
// Specialised by always_inline + constant MR/NV, like the AVX2 body, so an edge tile
// computes only its own rows and vectors. Tiles with ≤ 6 accumulators (the last 4
// rows of B = 20, a 1-row tile of a transA product) would be latency-bound, so they
// alternate even and odd k between two accumulator sets and add them at the end.

#define RK5_DECL_ROW(r) __m512 c##r##a = _mm512_setzero_ps(), c##r##b = c##r##a, \
                               d##r##a = c##r##a, d##r##b = c##r##a

#define RK5_FMA_ROW(r, ko) if (MR > r) {                                             \
        const __m512 a_ = _mm512_set1_ps(a[(ko) * RK5_MR + r]);                       \
        if (SPLIT && ((ko) & 1)) {                                                    \
            d##r##a = _mm512_fmadd_ps(a_, b0, d##r##a);                               \
            if (NV > 1) d##r##b = _mm512_fmadd_ps(a_, b1, d##r##b);                   \
        } else {                                                                      \
            c##r##a = _mm512_fmadd_ps(a_, b0, c##r##a);                               \
            if (NV > 1) c##r##b = _mm512_fmadd_ps(a_, b1, c##r##b);                   \
        }                                                                             \
    }

// Columns 16..31 live in the next B panel, pstride floats further on.
#define RK5_K_STEP(ko) do {                                                           \
        const __m512 b0 = _mm512_loadu_ps(b + (ko) * bs);                             \
        const __m512 b1 = NV > 1 ? _mm512_loadu_ps(b + pstride + (ko) * bs) : b0;     \
        RK5_FMA_ROW(0, ko) RK5_FMA_ROW(1, ko) RK5_FMA_ROW(2, ko) RK5_FMA_ROW(3, ko)   \
        RK5_FMA_ROW(4, ko) RK5_FMA_ROW(5, ko) RK5_FMA_ROW(6, ko) RK5_FMA_ROW(7, ko)   \
    } while (0)

#define RK5_MERGE_ROW(r) if (SPLIT && MR > r) {                                      \
        c##r##a = _mm512_add_ps(c##r##a, d##r##a);                                   \
        if (NV > 1) c##r##b = _mm512_add_ps(c##r##b, d##r##b);                       \
    }

#define RK5_STORE_ROW(r) if (MR > r) {                                               \
        float *cr = c + (r) * ldc;                                                   \
        if (NV > 1) {                                                                \
            rk5_update16(cr, c##r##a, 0xFFFF, beta);                                 \
            rk5_update16(cr + 16, c##r##b, mlast, beta);                             \
        } else {                                                                     \
            rk5_update16(cr, c##r##a, mlast, beta);                                  \
        }                                                                            \
    }

/// MR: rows (1..8). NV: 16-column vectors (1: nr ≤ 16, 2: 16 < nr ≤ 32).
RK512 RK_INLINE void rk5_kernel_body(const int MR, const int NV, int nr, int kc,
                                     const float *restrict a, const float *restrict b,
                                     ptrdiff_t bs, ptrdiff_t pstride,
                                     float *restrict c, ptrdiff_t ldc, float beta) {
    const int SPLIT = MR * NV <= 6;
    RK5_DECL_ROW(0); RK5_DECL_ROW(1); RK5_DECL_ROW(2); RK5_DECL_ROW(3);
    RK5_DECL_ROW(4); RK5_DECL_ROW(5); RK5_DECL_ROW(6); RK5_DECL_ROW(7);

    // Pull the C tile towards L1 while the k loop runs (small kc: the K = 64 input
    // projection), as the AVX2 kernel does.
    for (int r = 0; r < MR; r++) {
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + r * ldc + 16 * NV - 1), _MM_HINT_T0);
    }

    int k = 0;
    if (SPLIT) {
        for (; k + 2 <= kc; k += 2) {     // one step per accumulator set
            RK5_K_STEP(0); RK5_K_STEP(1);
            a += 2 * RK5_MR;
            b += 2 * bs;
        }
    } else {
        for (; k + 4 <= kc; k += 4) {     // unrolled by 4 to amortise loop overhead
            RK5_K_STEP(0); RK5_K_STEP(1); RK5_K_STEP(2); RK5_K_STEP(3);
            a += 4 * RK5_MR;
            b += 4 * bs;
        }
    }
    for (; k < kc; k++) {
        RK5_K_STEP(0);
        a += RK5_MR;
        b += bs;
    }
    RK5_MERGE_ROW(0); RK5_MERGE_ROW(1); RK5_MERGE_ROW(2); RK5_MERGE_ROW(3);
    RK5_MERGE_ROW(4); RK5_MERGE_ROW(5); RK5_MERGE_ROW(6); RK5_MERGE_ROW(7);

    const __mmask16 mlast = rk5_mask(NV > 1 ? nr - 16 : nr);   // columns of the last vector
    RK5_STORE_ROW(0); RK5_STORE_ROW(1); RK5_STORE_ROW(2); RK5_STORE_ROW(3);
    RK5_STORE_ROW(4); RK5_STORE_ROW(5); RK5_STORE_ROW(6); RK5_STORE_ROW(7);
}

// Narrow tiles (nr ≤ 4, e.g. the 65th column of a 65-symbol vocabulary): the body above
// would spend 8 broadcasts per k on a single useful column. Here a column of C is one
// YMM vector over the 8 rows — exactly one packed A group — so per k there is one A
// load and nr broadcasts of B. Accumulators rotate over 4 k-phases so ≥ 4 FMA chains
// are in flight even for one column.

#define RK5_NACC(j, p, v) do {                                                          \
        if ((p) == 0) n##j##0 = _mm256_fmadd_ps(av, v, n##j##0);                        \
        else if ((p) == 1) n##j##1 = _mm256_fmadd_ps(av, v, n##j##1);                   \
        else if ((p) == 2) n##j##2 = _mm256_fmadd_ps(av, v, n##j##2);                   \
        else n##j##3 = _mm256_fmadd_ps(av, v, n##j##3);                                 \
    } while (0)
#define RK5_NCOL(j, ko) if (NRC > j) RK5_NACC(j, (ko), _mm256_broadcast_ss(b + (ko) * bs + j));
#define RK5_NSTEP(ko) do {                                                              \
        const __m256 av = _mm256_loadu_ps(a + (ko) * RK5_MR);                           \
        RK5_NCOL(0, ko) RK5_NCOL(1, ko) RK5_NCOL(2, ko) RK5_NCOL(3, ko)                 \
    } while (0)
#define RK5_NDECL(j) __m256 n##j##0 = _mm256_setzero_ps(), n##j##1 = n##j##0,         \
                            n##j##2 = n##j##0, n##j##3 = n##j##0
#define RK5_NSTORE(j) if (NRC > j) {                                                    \
        _mm256_storeu_ps(t, _mm256_add_ps(_mm256_add_ps(n##j##0, n##j##1),              \
                                          _mm256_add_ps(n##j##2, n##j##3)));            \
        for (int r = 0; r < mr; r++) {                                                  \
            float *cr = c + r * ldc + j;                                                \
            *cr = beta == 0.0f ? t[r] : (beta == 1.0f ? *cr + t[r] : beta * *cr + t[r]); \
        }                                                                               \
    }

/// NRC: columns (1..4); mr: rows (1..8; rows past mr are computed from the zero
/// padding of the packed panel and not stored).
RK512 RK_INLINE void rk5_kernel_narrow(const int NRC, int mr, int kc, const float *restrict a,
                                       const float *restrict b, ptrdiff_t bs,
                                       float *restrict c, ptrdiff_t ldc, float beta) {
    RK5_NDECL(0); RK5_NDECL(1); RK5_NDECL(2); RK5_NDECL(3);
    int k = 0;
    for (; k + 4 <= kc; k += 4) {
        RK5_NSTEP(0); RK5_NSTEP(1); RK5_NSTEP(2); RK5_NSTEP(3);
        a += 4 * RK5_MR;
        b += 4 * bs;
    }
    for (; k < kc; k++) {
        RK5_NSTEP(0);
        a += RK5_MR;
        b += bs;
    }
    float t[8];
    RK5_NSTORE(0); RK5_NSTORE(1); RK5_NSTORE(2); RK5_NSTORE(3);
}

#define RK5_KERNEL_CASES(NV)                                                                   \
    switch (mr) {                                                                              \
    case 8: rk5_kernel_body(8, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    case 7: rk5_kernel_body(7, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    case 6: rk5_kernel_body(6, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    case 5: rk5_kernel_body(5, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    case 4: rk5_kernel_body(4, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    case 3: rk5_kernel_body(3, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    case 2: rk5_kernel_body(2, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;            \
    default: rk5_kernel_body(1, NV, nr, kc, a, b, bs, pstride, c, ldc, beta); break;           \
    }

RK512 static void rk_avx512_kernel(int mr, int nr, int kc, const float *a,
                                   const float *b, ptrdiff_t bs, ptrdiff_t pstride,
                                   float *c, ptrdiff_t ldc, float beta) {
    if (nr > 16) { RK5_KERNEL_CASES(2) }
    else if (nr > 4) { RK5_KERNEL_CASES(1) }
    else if (nr == 1) rk5_kernel_narrow(1, mr, kc, a, b, bs, c, ldc, beta);
    else if (nr == 2) rk5_kernel_narrow(2, mr, kc, a, b, bs, c, ldc, beta);
    else if (nr == 3) rk5_kernel_narrow(3, mr, kc, a, b, bs, c, ldc, beta);
    else rk5_kernel_narrow(4, mr, kc, a, b, bs, c, ldc, beta);
}

// ---------------------------------------------------------------------------------
// Packing A into 8-row panels
// ---------------------------------------------------------------------------------

/// op(A) block (mc×kc) → 8-row micro-panels, `dst[q*8*kc + k*8 + r]`, rows past mc
/// zero. A group of 8 is one YMM vector, so every store is exact (no spill).
RK512 static void rk_avx512_pack_a(int transA, int mc, int kc, const float *restrict a,
                                   ptrdiff_t lda, float *restrict dst) {
    const int full = mc / RK5_MR;             // panels with all 8 rows
    const int rem = mc - full * RK5_MR;       // rows in a ragged last panel
    if (transA) {
        // A stored K×M: row k of A holds a panel's 8 values for that k contiguously.
        // Slabs of 8 k across all panels, for the same reason as the AVX2 packer: the
        // source rows (lda apart, often 4 KB) are each visited once per slab.
        const int panels = full + (rem != 0);
        const __mmask8 mrem = (__mmask8)((1u << rem) - 1u);
        for (int k0 = 0; k0 < kc; k0 += 8) {
            const int n = kc - k0 < 8 ? kc - k0 : 8;
            const float *src = a + (ptrdiff_t)k0 * lda;
            float *d = dst + k0 * RK5_MR;
            for (int q = 0; q < panels; q++, src += RK5_MR, d += (ptrdiff_t)RK5_MR * kc) {
                for (int kk = 0; kk < n; kk++) {
                    const float *s = src + kk * lda;
                    const __m256 v = q < full ? _mm256_loadu_ps(s) : _mm256_maskz_loadu_ps(mrem, s);
                    _mm256_storeu_ps(d + kk * RK5_MR, v);
                }
            }
        }
        return;
    }
    // A stored M×K: a panel's 8 source rows run along k. Load 8 k of each row (masked
    // at the end of kc; rows past mc are zero), transpose the 8×8 block, and each
    // column is one packed group.
    for (int i0 = 0; i0 < mc; i0 += RK5_MR, dst += (ptrdiff_t)RK5_MR * kc) {
        const int mr = mc - i0 < RK5_MR ? mc - i0 : RK5_MR;
        const float *row[RK5_MR];
        for (int r = 0; r < RK5_MR; r++) row[r] = a + (ptrdiff_t)(i0 + (r < mr ? r : 0)) * lda;
        const __m256 z = _mm256_setzero_ps();
        for (int k0 = 0; k0 < kc; k0 += 8) {
            const int n = kc - k0 < 8 ? kc - k0 : 8;
            const __mmask8 m = (__mmask8)((1u << n) - 1u);
#define RK5_LOAD_ROW(r) (mr > r ? _mm256_maskz_loadu_ps(m, row[r] + k0) : z)
            __m256 v0 = RK5_LOAD_ROW(0), v1 = RK5_LOAD_ROW(1), v2 = RK5_LOAD_ROW(2),
                   v3 = RK5_LOAD_ROW(3), v4 = RK5_LOAD_ROW(4), v5 = RK5_LOAD_ROW(5),
                   v6 = RK5_LOAD_ROW(6), v7 = RK5_LOAD_ROW(7);
#undef RK5_LOAD_ROW
            RK_TRANSPOSE8(v0, v1, v2, v3, v4, v5, v6, v7);
            float *d = dst + k0 * RK5_MR;
            _mm256_storeu_ps(d + 0 * RK5_MR, v0);
            if (n > 1) _mm256_storeu_ps(d + 1 * RK5_MR, v1);
            if (n > 2) _mm256_storeu_ps(d + 2 * RK5_MR, v2);
            if (n > 3) _mm256_storeu_ps(d + 3 * RK5_MR, v3);
            if (n > 4) _mm256_storeu_ps(d + 4 * RK5_MR, v4);
            if (n > 5) _mm256_storeu_ps(d + 5 * RK5_MR, v5);
            if (n > 6) _mm256_storeu_ps(d + 6 * RK5_MR, v6);
            if (n > 7) _mm256_storeu_ps(d + 7 * RK5_MR, v7);
        }
    }
}

// ---------------------------------------------------------------------------------
// Small M with transB: dot products straight on B's rows
// ---------------------------------------------------------------------------------
// Same plan as rk_avx2_small_tb (see there for why B is not packed), with 16 k per
// step: a 4×4 tile of C is 16 dot products, so per 16 k, 4 A loads + 4 B loads feed 16
// FMAs into 16 ZMM accumulators (half the register file), reduced once at the end.
// The K tail is one masked step, so any K works without a scalar loop.

/// Sums of each of v0..v3 → lanes 0..3: fold each ZMM to a YMM, then the AVX2 way.
RK512 RK_INLINE __m128 rk5_hsum4(__m512 v0, __m512 v1, __m512 v2, __m512 v3) {
#define RK5_FOLD(v) _mm256_add_ps(_mm512_castps512_ps256(v), \
                                  _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)))
    const __m256 h01 = _mm256_hadd_ps(RK5_FOLD(v0), RK5_FOLD(v1));
    const __m256 h23 = _mm256_hadd_ps(RK5_FOLD(v2), RK5_FOLD(v3));
#undef RK5_FOLD
    const __m256 h = _mm256_hadd_ps(h01, h23);   // lane i / i+4: low / high half sums
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

RK512 static void rk_avx512_small_tb(int transA, int M, int N, int K,
                                     const float *A, ptrdiff_t lda,
                                     const float *B, ptrdiff_t ldb,
                                     float beta, float *C, ptrdiff_t ldc) {
    if (transA) {
        // op(A) rows are columns of A: gather them once into a contiguous M×K scratch
        // block (small, since M is small), then proceed as if transA were 0.
        float *t = rk_scratch(RK_SLOT_SMALL, (size_t)M * K);
        for (int k = 0; k < K; k++) {
            const float *src = A + (ptrdiff_t)k * lda;
            for (int i = 0; i < M; i++) t[(ptrdiff_t)i * K + k] = src[i];
        }
        A = t;
        lda = K;
    }
    const int kfull = K & ~15;
    const __mmask16 mtail = rk5_mask(K - kfull);

    for (int j0 = 0; j0 < N; j0 += 4) {
        const int nr = N - j0 < 4 ? N - j0 : 4;
        const __mmask8 mcols = (__mmask8)((1u << nr) - 1u);
        // Missing rows of a ragged group repeat the last real one; their sums are
        // computed but not stored.
        const float *b0 = B + (ptrdiff_t)j0 * ldb;
        const float *b1 = B + (ptrdiff_t)(j0 + (nr > 1 ? 1 : 0)) * ldb;
        const float *b2 = B + (ptrdiff_t)(j0 + (nr > 2 ? 2 : 0)) * ldb;
        const float *b3 = B + (ptrdiff_t)(j0 + (nr > 3 ? 3 : 0)) * ldb;
        for (int i0 = 0; i0 < M; i0 += 4) {
            const int mr = M - i0 < 4 ? M - i0 : 4;
            const float *a0 = A + (ptrdiff_t)i0 * lda;
            const float *a1 = A + (ptrdiff_t)(i0 + (mr > 1 ? 1 : 0)) * lda;
            const float *a2 = A + (ptrdiff_t)(i0 + (mr > 2 ? 2 : 0)) * lda;
            const float *a3 = A + (ptrdiff_t)(i0 + (mr > 3 ? 3 : 0)) * lda;
            __m512 s00 = _mm512_setzero_ps(), s01 = s00, s02 = s00, s03 = s00;
            __m512 s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            __m512 s20 = s00, s21 = s00, s22 = s00, s23 = s00;
            __m512 s30 = s00, s31 = s00, s32 = s00, s33 = s00;
#define RK5_DOT_ROW(i, x) do {                                                          \
                s##i##0 = _mm512_fmadd_ps(x, y0, s##i##0);                              \
                s##i##1 = _mm512_fmadd_ps(x, y1, s##i##1);                              \
                s##i##2 = _mm512_fmadd_ps(x, y2, s##i##2);                              \
                s##i##3 = _mm512_fmadd_ps(x, y3, s##i##3);                              \
            } while (0)
#define RK5_DOT_STEP(LOAD) do {                                                         \
                const __m512 y0 = LOAD(b0), y1 = LOAD(b1), y2 = LOAD(b2), y3 = LOAD(b3); \
                const __m512 x0 = LOAD(a0), x1 = LOAD(a1), x2 = LOAD(a2), x3 = LOAD(a3); \
                RK5_DOT_ROW(0, x0); RK5_DOT_ROW(1, x1);                                 \
                RK5_DOT_ROW(2, x2); RK5_DOT_ROW(3, x3);                                 \
            } while (0)
            int k = 0;
#define RK5_LOAD_FULL(p) _mm512_loadu_ps((p) + k)
#define RK5_LOAD_TAIL(p) _mm512_maskz_loadu_ps(mtail, (p) + k)
            for (; k < kfull; k += 16) RK5_DOT_STEP(RK5_LOAD_FULL);
            if (k < K) RK5_DOT_STEP(RK5_LOAD_TAIL);
#undef RK5_LOAD_FULL
#undef RK5_LOAD_TAIL
#undef RK5_DOT_STEP
#undef RK5_DOT_ROW
            float *c = C + (ptrdiff_t)i0 * ldc + j0;
            rk5_update4(c, rk5_hsum4(s00, s01, s02, s03), mcols, beta);
            if (mr > 1) rk5_update4(c + ldc, rk5_hsum4(s10, s11, s12, s13), mcols, beta);
            if (mr > 2) rk5_update4(c + 2 * ldc, rk5_hsum4(s20, s21, s22, s23), mcols, beta);
            if (mr > 3) rk5_update4(c + 3 * ldc, rk5_hsum4(s30, s31, s32, s33), mcols, beta);
        }
    }
}

const rk_ops rk_ops_avx512 = {
    .mr = RK5_MR,
    .nr = RK5_NR,
    .kernel = rk_avx512_kernel,
    .pack_a = rk_avx512_pack_a,
    .pack_b = rk_avx2_pack_b,    // same 16-column layout; AVX2 runs on every AVX-512 CPU
    .small_tb = rk_avx512_small_tb,
};

#endif // RK_HAVE_X86
