// AVX2+FMA path: micro-kernel, packing routines and the small-M transB routine.
//
// Every function carries __attribute__((target("avx2,fma"))), so this file compiles
// without -mavx2/-mfma and the rest of the program stays baseline x86-64; sgemm.c only
// calls in here after CPUID confirmed AVX2, FMA and OS YMM support. The code relies on
// the optimiser (-O2 or better) to keep the named __m256 accumulators in registers and
// inline the always_inline helpers; at -O0 it is correct but slow.
#include "sgemm_internal.h"

#if RK_HAVE_X86
#include "sgemm_x86.h"
#include <immintrin.h>
#include <stdint.h>

#define RK_AVX2 __attribute__((target("avx2,fma")))
#define RK_INLINE static inline __attribute__((always_inline))

#ifndef RK_NARROW_MAX_NR
#define RK_NARROW_MAX_NR 4   // ragged panels this narrow use rk_kernel_narrow (≤ 4)
#endif

// ---------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------

// Reading 8 (or 4) ints at rk_mask_table + 8 - n gives a lane mask with the first n
// lanes set: used for maskload/maskstore on ragged edges, which never touch memory in
// masked-off lanes (so edges never read or write outside the matrices).
static const int32_t rk_mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                          0, 0, 0, 0, 0, 0, 0, 0};

RK_AVX2 RK_INLINE __m256i rk_mask8(int n) {   // 0 ≤ n ≤ 8
    return _mm256_loadu_si256((const __m256i *)(rk_mask_table + 8 - n));
}

RK_AVX2 RK_INLINE __m128i rk_mask4(int n) {   // 0 ≤ n ≤ 4
    return _mm_loadu_si128((const __m128i *)(rk_mask_table + 8 - n));
}

/// p[0..7] = v + beta·p[0..7]; beta 0 does not read p (it may hold NaN garbage).
RK_AVX2 RK_INLINE void rk_update8(float *p, __m256 v, float beta) {
    if (beta == 0.0f) _mm256_storeu_ps(p, v);
    else if (beta == 1.0f) _mm256_storeu_ps(p, _mm256_add_ps(_mm256_loadu_ps(p), v));
    else _mm256_storeu_ps(p, _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(p), v));
}

/// As rk_update8 on the lanes selected by m only.
RK_AVX2 RK_INLINE void rk_update8_masked(float *p, __m256 v, __m256i m, float beta) {
    if (beta == 0.0f) _mm256_maskstore_ps(p, m, v);
    else if (beta == 1.0f) _mm256_maskstore_ps(p, m, _mm256_add_ps(_mm256_maskload_ps(p, m), v));
    else _mm256_maskstore_ps(p, m, _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(p, m), v));
}

/// p[0..n-1] = v + beta·p for 1 ≤ n ≤ 4.
RK_AVX2 RK_INLINE void rk_update4(float *p, __m128 v, int n, float beta) {
    if (n == 4) {
        if (beta == 0.0f) _mm_storeu_ps(p, v);
        else if (beta == 1.0f) _mm_storeu_ps(p, _mm_add_ps(_mm_loadu_ps(p), v));
        else _mm_storeu_ps(p, _mm_fmadd_ps(_mm_set1_ps(beta), _mm_loadu_ps(p), v));
    } else {
        const __m128i m = rk_mask4(n);
        if (beta == 0.0f) _mm_maskstore_ps(p, m, v);
        else if (beta == 1.0f) _mm_maskstore_ps(p, m, _mm_add_ps(_mm_maskload_ps(p, m), v));
        else _mm_maskstore_ps(p, m, _mm_fmadd_ps(_mm_set1_ps(beta), _mm_maskload_ps(p, m), v));
    }
}

// ---------------------------------------------------------------------------------
// Micro-kernel: C[MR×(8·NV)] (+)= A panel (kc×6, packed) · B panel (kc×16, stride bs)
// ---------------------------------------------------------------------------------
// Per k: 2 loads of B, 6 broadcasts of A, 12 FMAs into 12 independent accumulators.
// Two FMA pipes with 4-cycle latency need ≥ 8 independent chains, 12 gives slack.
// The body is specialised (always_inline + constant MR/NV/FULL) so edge tiles do only
// the rows and vectors they need instead of computing a padded 6×16 tile. Edge tiles
// with ≤ 6 accumulators (a ragged column panel, e.g. the 65th vocabulary column, or
// the 2 leftover rows of M = 32) would be latency-bound, so they alternate even and
// odd k between two accumulator sets (c… and d…) and add the sets at the end.

#define RK_DECL_ROW(r) __m256 c##r##a = _mm256_setzero_ps(), c##r##b = _mm256_setzero_ps(), \
                              d##r##a = _mm256_setzero_ps(), d##r##b = _mm256_setzero_ps()

#define RK_FMA_ROW(r, ko) if (MR > r) {                                              \
        const __m256 a_ = _mm256_broadcast_ss(a + (ko) * RK_MR + r);                  \
        if (SPLIT && ((ko) & 1)) {                                                    \
            d##r##a = _mm256_fmadd_ps(a_, b0, d##r##a);                               \
            if (NV > 1) d##r##b = _mm256_fmadd_ps(a_, b1, d##r##b);                   \
        } else {                                                                      \
            c##r##a = _mm256_fmadd_ps(a_, b0, c##r##a);                               \
            if (NV > 1) c##r##b = _mm256_fmadd_ps(a_, b1, c##r##b);                   \
        }                                                                             \
    }

#define RK_K_STEP(ko) do {                                                            \
        const __m256 b0 = _mm256_loadu_ps(b + (ko) * bs);                             \
        const __m256 b1 = NV > 1 ? _mm256_loadu_ps(b + (ko) * bs + 8) : b0;           \
        RK_FMA_ROW(0, ko) RK_FMA_ROW(1, ko) RK_FMA_ROW(2, ko)                         \
        RK_FMA_ROW(3, ko) RK_FMA_ROW(4, ko) RK_FMA_ROW(5, ko)                         \
    } while (0)

#define RK_MERGE_ROW(r) if (SPLIT && MR > r) {                                       \
        c##r##a = _mm256_add_ps(c##r##a, d##r##a);                                   \
        if (NV > 1) c##r##b = _mm256_add_ps(c##r##b, d##r##b);                       \
    }

#define RK_STORE_ROW(r) if (MR > r) {                                                \
        float *cr = c + (r) * ldc;                                                   \
        if (NV > 1) {                                                                \
            rk_update8(cr, c##r##a, beta);                                           \
            if (FULL) rk_update8(cr + 8, c##r##b, beta);                             \
            else rk_update8_masked(cr + 8, c##r##b, mask, beta);                     \
        } else {                                                                     \
            if (FULL) rk_update8(cr, c##r##a, beta);                                 \
            else rk_update8_masked(cr, c##r##a, mask, beta);                         \
        }                                                                            \
    }

/// MR: rows (1..6). NV: 8-column vectors (1 or 2). FULL: nr == 8·NV (no masked store).
RK_AVX2 RK_INLINE void rk_kernel_body(const int MR, const int NV, const int FULL, int nr,
                                      int kc, const float *restrict a,
                                      const float *restrict b, ptrdiff_t bs,
                                      float *restrict c, ptrdiff_t ldc, float beta) {
    const int SPLIT = MR * NV <= 6;   // few accumulators: use a second set (see above)
    RK_DECL_ROW(0); RK_DECL_ROW(1); RK_DECL_ROW(2);
    RK_DECL_ROW(3); RK_DECL_ROW(4); RK_DECL_ROW(5);

    // Pull the C tile towards L1 while the k loop runs (matters when kc is small,
    // e.g. the K = 64 input projection, where C traffic is a visible share).
    for (int r = 0; r < MR; r++) {
        _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + r * ldc + 8 * NV - 1), _MM_HINT_T0);
    }

    int k = 0;
    if (SPLIT) {
        // Unrolled by 2 only: one step per accumulator set. (Unrolled by 4, clang
        // rotates the 12 accumulators through registers and spills.)
        for (; k + 2 <= kc; k += 2) {
            RK_K_STEP(0); RK_K_STEP(1);
            a += 2 * RK_MR;
            b += 2 * bs;
        }
    } else {
        for (; k + 4 <= kc; k += 4) {     // unrolled by 4 to amortise loop overhead
            RK_K_STEP(0); RK_K_STEP(1); RK_K_STEP(2); RK_K_STEP(3);
            a += 4 * RK_MR;
            b += 4 * bs;
        }
    }
    for (; k < kc; k++) {
        RK_K_STEP(0);
        a += RK_MR;
        b += bs;
    }
    RK_MERGE_ROW(0); RK_MERGE_ROW(1); RK_MERGE_ROW(2);
    RK_MERGE_ROW(3); RK_MERGE_ROW(4); RK_MERGE_ROW(5);

    const __m256i mask = rk_mask8(FULL ? 8 : (NV > 1 ? nr - 8 : nr));
    RK_STORE_ROW(0); RK_STORE_ROW(1); RK_STORE_ROW(2);
    RK_STORE_ROW(3); RK_STORE_ROW(4); RK_STORE_ROW(5);
    (void)mask;
}

// Narrow tiles (nr ≤ 4, e.g. the 65th column of a 65-symbol vocabulary): the body above
// spends 6 A broadcasts per k whatever nr is, and those loads bound a 1-column tile at
// about the cost of a full 16-column one. Here the roles flip: a column of C is one
// vector over the 6 rows, so per k there is one (masked) vector load of the packed A
// group and nr broadcasts of B. Accumulators are split over PH k-phases so ≥ 8 FMA
// chains stay in flight.

#define RK_NACC(j, p, v) do {                                                           \
        if ((p) == 0) n##j##0 = _mm256_fmadd_ps(av, v, n##j##0);                        \
        else if ((p) == 1) n##j##1 = _mm256_fmadd_ps(av, v, n##j##1);                   \
        else if ((p) == 2) n##j##2 = _mm256_fmadd_ps(av, v, n##j##2);                   \
        else n##j##3 = _mm256_fmadd_ps(av, v, n##j##3);                                 \
    } while (0)
#define RK_NCOL(j, ko) if (NRC > j) RK_NACC(j, (ko) % PH, _mm256_broadcast_ss(b + (ko) * bs + j));
#define RK_NSTEP(ko) do {                                                               \
        const __m256 av = _mm256_maskload_ps(a + (ko) * RK_MR, m6);                     \
        RK_NCOL(0, ko) RK_NCOL(1, ko) RK_NCOL(2, ko) RK_NCOL(3, ko)                     \
    } while (0)
#define RK_NDECL(j) __m256 n##j##0 = _mm256_setzero_ps(), n##j##1 = n##j##0,          \
                           n##j##2 = n##j##0, n##j##3 = n##j##0
#define RK_NSTORE(j) if (NRC > j) {                                                     \
        _mm256_storeu_ps(t, _mm256_add_ps(_mm256_add_ps(n##j##0, n##j##1),              \
                                          _mm256_add_ps(n##j##2, n##j##3)));            \
        for (int r = 0; r < mr; r++) {                                                  \
            float *cr = c + r * ldc + j;                                                \
            *cr = beta == 0.0f ? t[r] : (beta == 1.0f ? *cr + t[r] : beta * *cr + t[r]); \
        }                                                                               \
    }

/// NRC: columns (1..4); mr: rows (1..6; rows past mr are computed from the zero
/// padding of the packed panel and not stored).
RK_AVX2 RK_INLINE void rk_kernel_narrow(const int NRC, int mr, int kc, const float *restrict a,
                                        const float *restrict b, ptrdiff_t bs,
                                        float *restrict c, ptrdiff_t ldc, float beta) {
    const int PH = NRC <= 2 ? 4 : 2;
    const __m256i m6 = rk_mask8(RK_MR);
    RK_NDECL(0); RK_NDECL(1); RK_NDECL(2); RK_NDECL(3);
    int k = 0;
    for (; k + 4 <= kc; k += 4) {
        RK_NSTEP(0); RK_NSTEP(1); RK_NSTEP(2); RK_NSTEP(3);
        a += 4 * RK_MR;
        b += 4 * bs;
    }
    for (; k < kc; k++) {
        RK_NSTEP(0);
        a += RK_MR;
        b += bs;
    }
    float t[8];
    RK_NSTORE(0); RK_NSTORE(1); RK_NSTORE(2); RK_NSTORE(3);
}

#define RK_KERNEL_CASES(NV, FULL)                                                         \
    switch (mr) {                                                                         \
    case 6: rk_kernel_body(6, NV, FULL, nr, kc, a, b, bs, c, ldc, beta); break;           \
    case 5: rk_kernel_body(5, NV, FULL, nr, kc, a, b, bs, c, ldc, beta); break;           \
    case 4: rk_kernel_body(4, NV, FULL, nr, kc, a, b, bs, c, ldc, beta); break;           \
    case 3: rk_kernel_body(3, NV, FULL, nr, kc, a, b, bs, c, ldc, beta); break;           \
    case 2: rk_kernel_body(2, NV, FULL, nr, kc, a, b, bs, c, ldc, beta); break;           \
    default: rk_kernel_body(1, NV, FULL, nr, kc, a, b, bs, c, ldc, beta); break;          \
    }

RK_AVX2 static void rk_avx2_kernel(int mr, int nr, int kc, const float *a,
                                   const float *b, ptrdiff_t bs, ptrdiff_t pstride,
                                   float *c, ptrdiff_t ldc, float beta) {
    (void)pstride;   // nr ≤ 16: one panel
    if (nr == 16) { RK_KERNEL_CASES(2, 1) }
    else if (nr > 8) { RK_KERNEL_CASES(2, 0) }
    else if (nr == 8) { RK_KERNEL_CASES(1, 1) }
    else if (nr > RK_NARROW_MAX_NR) { RK_KERNEL_CASES(1, 0) }
    else if (nr == 1) rk_kernel_narrow(1, mr, kc, a, b, bs, c, ldc, beta);
    else if (nr == 2) rk_kernel_narrow(2, mr, kc, a, b, bs, c, ldc, beta);
    else if (nr == 3) rk_kernel_narrow(3, mr, kc, a, b, bs, c, ldc, beta);
    else rk_kernel_narrow(4, mr, kc, a, b, bs, c, ldc, beta);
}

// ---------------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------------

/// op(A) block (mc×kc) → 6-row micro-panels, `dst[q*6*kc + k*6 + r]`.
RK_AVX2 static void rk_avx2_pack_a(int transA, int mc, int kc, const float *restrict a,
                                   ptrdiff_t lda, float *restrict dst) {
    if (transA) {
        // A stored K×M: row k of A holds op(A)(i.., k) contiguously, so each panel
        // needs 6 consecutive floats from each of kc rows. Work in slabs of 8 rows:
        // for each panel, copy its 6-float pieces of the 8 rows into 48 consecutive
        // floats of the panel. (Measured: going row by row and dealing each row out
        // to all panels, or panel by panel down all kc rows, runs 3× slower — the
        // former scatters stores over ~24 panels 6 KB apart, the latter walks A with
        // a stride of lda = 4 KB.)
        // Each 8-wide store spills 2 floats into the panel's next k group, which the
        // next store overwrites; the panel's very last group is stored exactly
        // (masked) so it doesn't clobber the next panel, already written.
        const int full = mc / RK_MR;             // panels with all 6 rows
        const int rem = mc - full * RK_MR;       // rows in a ragged last panel
        const int panels = full + (rem != 0);
        const __m256i m6 = rk_mask8(RK_MR), mrem = rk_mask8(rem);
        for (int k0 = 0; k0 < kc; k0 += 8) {
            const int n = kc - k0 < 8 ? kc - k0 : 8;
            const int ends = k0 + n == kc;       // slab holds the panels' last group
            const float *src = a + (ptrdiff_t)k0 * lda;
            float *d = dst + k0 * RK_MR;
            for (int q = 0; q < panels; q++, src += RK_MR, d += (ptrdiff_t)RK_MR * kc) {
                // Plain loads while 8 floats stay inside the block's mc columns.
                const int plain = q < full && q * RK_MR + 8 <= mc;
                const __m256i m = q < full ? m6 : mrem;
                for (int kk = 0; kk < n; kk++) {
                    const float *s = src + kk * lda;
                    const __m256 v = plain ? _mm256_loadu_ps(s) : _mm256_maskload_ps(s, m);
                    if (ends && kk == n - 1) _mm256_maskstore_ps(d + kk * RK_MR, m6, v);
                    else _mm256_storeu_ps(d + kk * RK_MR, v);
                }
            }
        }
        return;
    }
    // A stored M×K: each panel's 6 source rows run along k. Transpose 8(k)×6(rows)
    // blocks (rows 6,7 and rows past mc zero) and store each 6-value column with an
    // 8-wide store that spills 2 floats into the next group; the next store, the next
    // panel or the buffer's 8 floats of slack absorb the spill.
    for (int i0 = 0; i0 < mc; i0 += RK_MR, dst += (ptrdiff_t)RK_MR * kc) {
        const int mr = mc - i0 < RK_MR ? mc - i0 : RK_MR;
        const float *row[RK_MR];
        for (int r = 0; r < RK_MR; r++) row[r] = a + (ptrdiff_t)(i0 + (r < mr ? r : 0)) * lda;
        const __m256 z = _mm256_setzero_ps();
        for (int k0 = 0; k0 < kc; k0 += 8) {
            const int n = kc - k0 < 8 ? kc - k0 : 8;
            const __m256i m = rk_mask8(n);
            __m256 v0 = _mm256_maskload_ps(row[0] + k0, m);
            __m256 v1 = mr > 1 ? _mm256_maskload_ps(row[1] + k0, m) : z;
            __m256 v2 = mr > 2 ? _mm256_maskload_ps(row[2] + k0, m) : z;
            __m256 v3 = mr > 3 ? _mm256_maskload_ps(row[3] + k0, m) : z;
            __m256 v4 = mr > 4 ? _mm256_maskload_ps(row[4] + k0, m) : z;
            __m256 v5 = mr > 5 ? _mm256_maskload_ps(row[5] + k0, m) : z;
            __m256 v6 = z, v7 = z;
            RK_TRANSPOSE8(v0, v1, v2, v3, v4, v5, v6, v7);
            float *d = dst + k0 * RK_MR;
            _mm256_storeu_ps(d + 0 * RK_MR, v0);
            if (n > 1) _mm256_storeu_ps(d + 1 * RK_MR, v1);
            if (n > 2) _mm256_storeu_ps(d + 2 * RK_MR, v2);
            if (n > 3) _mm256_storeu_ps(d + 3 * RK_MR, v3);
            if (n > 4) _mm256_storeu_ps(d + 4 * RK_MR, v4);
            if (n > 5) _mm256_storeu_ps(d + 5 * RK_MR, v5);
            if (n > 6) _mm256_storeu_ps(d + 6 * RK_MR, v6);
            if (n > 7) _mm256_storeu_ps(d + 7 * RK_MR, v7);
        }
    }
}

/// op(B) block (kc×nc) → 16-column micro-panels, `dst[p*panel_stride + k*16 + j]`.
/// Writes exactly kc×16 floats per panel (no spill), so it can fill a caller's
/// exactly-sized prepacked buffer. Also the AVX-512 path's B packer (shared layout).
RK_AVX2 void rk_avx2_pack_b(int transB, int kc, int nc, const float *restrict b,
                            ptrdiff_t ldb, float *restrict dst, ptrdiff_t panel_stride) {
    for (int j0 = 0; j0 < nc; j0 += RK_NR, dst += panel_stride) {
        const int nr = nc - j0 < RK_NR ? nc - j0 : RK_NR;
        if (!transB) {
            // Rows of B run along j: a straight copy of 16 floats per k.
            const float *src = b + j0;
            if (nr == RK_NR) {
                for (int k = 0; k < kc; k++) {
                    _mm256_storeu_ps(dst + k * RK_NR, _mm256_loadu_ps(src + k * ldb));
                    _mm256_storeu_ps(dst + k * RK_NR + 8, _mm256_loadu_ps(src + k * ldb + 8));
                }
            } else {
                const __m256i m0 = rk_mask8(nr < 8 ? nr : 8), m1 = rk_mask8(nr > 8 ? nr - 8 : 0);
                for (int k = 0; k < kc; k++) {
                    _mm256_storeu_ps(dst + k * RK_NR, _mm256_maskload_ps(src + k * ldb, m0));
                    _mm256_storeu_ps(dst + k * RK_NR + 8, _mm256_maskload_ps(src + k * ldb + 8, m1));
                }
            }
        } else {
            // B stored N×K: 16 source rows run along k. Two 8×8 transposes per 8 k give
            // the left and right halves of 8 packed rows. Rows past nr read as zero.
            const float *row[RK_NR];
            for (int r = 0; r < RK_NR; r++) row[r] = b + (ptrdiff_t)(j0 + (r < nr ? r : 0)) * ldb;
            const __m256 z = _mm256_setzero_ps();
            for (int k0 = 0; k0 < kc; k0 += 8) {
                const int n = kc - k0 < 8 ? kc - k0 : 8;
                const __m256i m = rk_mask8(n);
                float *d = dst + k0 * RK_NR;
                for (int h = 0; h < RK_NR; h += 8) {
#define RK_LOAD_ROW(r) (h + r < nr ? _mm256_maskload_ps(row[h + r] + k0, m) : z)
                    __m256 v0 = RK_LOAD_ROW(0), v1 = RK_LOAD_ROW(1), v2 = RK_LOAD_ROW(2),
                           v3 = RK_LOAD_ROW(3), v4 = RK_LOAD_ROW(4), v5 = RK_LOAD_ROW(5),
                           v6 = RK_LOAD_ROW(6), v7 = RK_LOAD_ROW(7);
#undef RK_LOAD_ROW
                    RK_TRANSPOSE8(v0, v1, v2, v3, v4, v5, v6, v7);
                    float *dh = d + h;
                    _mm256_storeu_ps(dh + 0 * RK_NR, v0);
                    if (n > 1) _mm256_storeu_ps(dh + 1 * RK_NR, v1);
                    if (n > 2) _mm256_storeu_ps(dh + 2 * RK_NR, v2);
                    if (n > 3) _mm256_storeu_ps(dh + 3 * RK_NR, v3);
                    if (n > 4) _mm256_storeu_ps(dh + 4 * RK_NR, v4);
                    if (n > 5) _mm256_storeu_ps(dh + 5 * RK_NR, v5);
                    if (n > 6) _mm256_storeu_ps(dh + 6 * RK_NR, v6);
                    if (n > 7) _mm256_storeu_ps(dh + 7 * RK_NR, v7);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Small M with transB: dot products straight on B's rows
// ---------------------------------------------------------------------------------
// For the per-time-step product h·W_hhᵀ (M = 32, K = 256, N = 1024, B stored N×K) the
// regular path would transpose-pack all of B (1 MB) on every call, about as costly as
// the 17 MFLOP product. Here both op(A) rows and B rows are contiguous along k, so a
// 3×4 tile of C is 12 dot products: per 8 k, 3 A loads + 4 B loads feed 12 FMAs into
// 12 vector accumulators, reduced horizontally once at the end. j-groups are the outer
// loop so each 4-row slice of B (4·K floats) is read from memory once and stays in L1
// while all of A (M·K floats, L1/L2) streams past it.

/// Sums of each of v0..v3 → lanes 0..3.
RK_AVX2 RK_INLINE __m128 rk_hsum4(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    const __m256 h01 = _mm256_hadd_ps(v0, v1);
    const __m256 h23 = _mm256_hadd_ps(v2, v3);
    const __m256 h = _mm256_hadd_ps(h01, h23);   // lane i / i+4: low / high half sums
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

RK_AVX2 static void rk_avx2_small_tb(int transA, int M, int N, int K,
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
    const int kfull = K & ~7;
    const __m256i mtail = rk_mask8(K - kfull);

    for (int j0 = 0; j0 < N; j0 += 4) {
        const int nr = N - j0 < 4 ? N - j0 : 4;
        // Missing B rows of a ragged group repeat the last real one; their sums are
        // computed but not stored.
        const float *b0 = B + (ptrdiff_t)j0 * ldb;
        const float *b1 = B + (ptrdiff_t)(j0 + (nr > 1 ? 1 : 0)) * ldb;
        const float *b2 = B + (ptrdiff_t)(j0 + (nr > 2 ? 2 : 0)) * ldb;
        const float *b3 = B + (ptrdiff_t)(j0 + (nr > 3 ? 3 : 0)) * ldb;
        for (int i0 = 0; i0 < M; i0 += 3) {
            const int mr = M - i0 < 3 ? M - i0 : 3;
            const float *a0 = A + (ptrdiff_t)i0 * lda;
            const float *a1 = A + (ptrdiff_t)(i0 + (mr > 1 ? 1 : 0)) * lda;
            const float *a2 = A + (ptrdiff_t)(i0 + (mr > 2 ? 2 : 0)) * lda;
            __m256 s00 = _mm256_setzero_ps(), s01 = s00, s02 = s00, s03 = s00;
            __m256 s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            __m256 s20 = s00, s21 = s00, s22 = s00, s23 = s00;
#define RK_DOT_STEP(LOAD_A, LOAD_B) do {                                              \
                const __m256 x0 = LOAD_A(a0), x1 = LOAD_A(a1), x2 = LOAD_A(a2);        \
                __m256 y = LOAD_B(b0);                                                 \
                s00 = _mm256_fmadd_ps(x0, y, s00); s10 = _mm256_fmadd_ps(x1, y, s10);  \
                s20 = _mm256_fmadd_ps(x2, y, s20);                                     \
                y = LOAD_B(b1);                                                        \
                s01 = _mm256_fmadd_ps(x0, y, s01); s11 = _mm256_fmadd_ps(x1, y, s11);  \
                s21 = _mm256_fmadd_ps(x2, y, s21);                                     \
                y = LOAD_B(b2);                                                        \
                s02 = _mm256_fmadd_ps(x0, y, s02); s12 = _mm256_fmadd_ps(x1, y, s12);  \
                s22 = _mm256_fmadd_ps(x2, y, s22);                                     \
                y = LOAD_B(b3);                                                        \
                s03 = _mm256_fmadd_ps(x0, y, s03); s13 = _mm256_fmadd_ps(x1, y, s13);  \
                s23 = _mm256_fmadd_ps(x2, y, s23);                                     \
            } while (0)
            int k = 0;
#define RK_LOAD_FULL(p) _mm256_loadu_ps((p) + k)
#define RK_LOAD_TAIL(p) _mm256_maskload_ps((p) + k, mtail)
            for (; k < kfull; k += 8) RK_DOT_STEP(RK_LOAD_FULL, RK_LOAD_FULL);
            if (k < K) RK_DOT_STEP(RK_LOAD_TAIL, RK_LOAD_TAIL);
#undef RK_LOAD_FULL
#undef RK_LOAD_TAIL
#undef RK_DOT_STEP
            float *c = C + (ptrdiff_t)i0 * ldc + j0;
            rk_update4(c, rk_hsum4(s00, s01, s02, s03), nr, beta);
            if (mr > 1) rk_update4(c + ldc, rk_hsum4(s10, s11, s12, s13), nr, beta);
            if (mr > 2) rk_update4(c + 2 * ldc, rk_hsum4(s20, s21, s22, s23), nr, beta);
        }
    }
}

const rk_ops rk_ops_avx2 = {
    .mr = RK_MR,
    .nr = RK_NR,
    .kernel = rk_avx2_kernel,
    .pack_a = rk_avx2_pack_a,
    .pack_b = rk_avx2_pack_b,
    .small_tb = rk_avx2_small_tb,
};

#endif // RK_HAVE_X86
