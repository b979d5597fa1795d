// The one run-time choice of instruction set for every kernel family (GEMM, cell
// activations, word2vec): detected once (x86: CPUID/XGETBV; ARM64: NEON is always there),
// overridable by the environment variable RECUR_KERNELS and, for tests, by
// recur_kernels_set_path.
#include "RecurKernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

// XCR0 state components the OS must save on a context switch before we may touch the
// registers: bits 1,2 = XMM, YMM upper halves; bits 5,6,7 = opmask k0-k7, ZMM0-15
// upper halves, ZMM16-31. Done by hand rather than with __builtin_cpu_supports so the
// target has no link dependency on libgcc's / compiler-rt's __cpu_model, whichever
// runtime the Swift toolchain links.
#define RK_XCR0_YMM 0x06u
#define RK_XCR0_ZMM 0xE6u

/// Whether the OS saves the opmask and ZMM registers. macOS enables that state lazily,
/// on a process's first AVX-512 instruction, so XCR0 reads as "no" until then; the
/// kernel's sysctl says whether it will.
static int rk_os_saves_zmm(unsigned xcr0_lo) {
#if defined(__APPLE__)
    (void)xcr0_lo;
    int f = 0, vl = 0;
    size_t size = sizeof f;
    if (sysctlbyname("hw.optional.avx512f", &f, &size, NULL, 0) != 0) return 0;
    size = sizeof vl;
    if (sysctlbyname("hw.optional.avx512vl", &vl, &size, NULL, 0) != 0) return 0;
    return f && vl;
#else
    return (xcr0_lo & RK_XCR0_ZMM) == RK_XCR0_ZMM;
#endif
}

static int rk_detect_best_path(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return RECUR_KERNELS_PORTABLE;
    const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (fma | osxsave | avx)) != (fma | osxsave | avx)) return RECUR_KERNELS_PORTABLE;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & RK_XCR0_YMM) != RK_XCR0_YMM) return RECUR_KERNELS_PORTABLE;
    if (__get_cpuid_max(0, NULL) < 7) return RECUR_KERNELS_PORTABLE;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (!((ebx >> 5) & 1u)) return RECUR_KERNELS_PORTABLE;        // AVX2
    // AVX-512F (bit 16) and VL (bit 31): the kernels use masked 256-bit loads/stores
    // from AVX-512VL on tile edges. Every AVX-512 CPU except Xeon Phi has both.
    const unsigned f = 1u << 16, vl = 1u << 31;
    if ((ebx & (f | vl)) == (f | vl) && rk_os_saves_zmm(xcr0_lo)) return RECUR_KERNELS_AVX512;
    return RECUR_KERNELS_AVX2;
}

#elif defined(__aarch64__)
// Advanced SIMD with FMA is part of the ARMv8-A 64-bit baseline.
static int rk_detect_best_path(void) { return RECUR_KERNELS_NEON; }
#else
static int rk_detect_best_path(void) { return RECUR_KERNELS_PORTABLE; }
#endif

// -1 = not decided yet. Detection is idempotent, so a race between two first callers
// is harmless (both compute the same value; at worst both print the same warning);
// relaxed atomics keep it well-defined and make every later read one plain load.
static int rk_best = -1;
static int rk_current = -1;

int recur_kernels_best_path(void) {
    int v = __atomic_load_n(&rk_best, __ATOMIC_RELAXED);
    if (v < 0) {
        v = rk_detect_best_path();
        __atomic_store_n(&rk_best, v, __ATOMIC_RELAXED);
    }
    return v;
}

const char *recur_kernels_path_name(int path) {
    switch (path) {
    case RECUR_KERNELS_PORTABLE: return "portable";
    case RECUR_KERNELS_AVX2: return "avx2";
    case RECUR_KERNELS_AVX512: return "avx512";
    case RECUR_KERNELS_NEON: return "neon";
    default: return "unknown";
    }
}

int recur_kernels_path_supported(int path) {
    const int best = recur_kernels_best_path();
    if (path == RECUR_KERNELS_PORTABLE || path == best) return 1;
    // The x86 paths nest: an AVX-512 CPU runs the AVX2 path too.
    return path == RECUR_KERNELS_AVX2 && best == RECUR_KERNELS_AVX512;
}

/// The path RECUR_KERNELS asks for, or the best one. A request the CPU cannot run is
/// lowered to the best path it can (a run never fails over a tuning knob); an
/// unrecognised value is ignored. Either way stderr says so, once per process.
static int rk_initial_path(void) {
    const int best = recur_kernels_best_path();
    const char *env = getenv("RECUR_KERNELS");
    if (!env || !env[0]) return best;
    for (int path = RECUR_KERNELS_PORTABLE; path <= RECUR_KERNELS_NEON; path++) {
        if (strcmp(env, recur_kernels_path_name(path)) != 0) continue;
        if (recur_kernels_path_supported(path)) return path;
        fprintf(stderr, "recur: RECUR_KERNELS=%s is not supported by this CPU; using %s\n",
                env, recur_kernels_path_name(best));
        return best;
    }
    fprintf(stderr, "recur: RECUR_KERNELS=%s is not one of portable, avx2, avx512, neon; using %s\n",
            env, recur_kernels_path_name(best));
    return best;
}

int recur_kernels_path(void) {
    int v = __atomic_load_n(&rk_current, __ATOMIC_RELAXED);
    if (v < 0) {
        v = rk_initial_path();
        __atomic_store_n(&rk_current, v, __ATOMIC_RELAXED);
    }
    return v;
}

int recur_kernels_set_path(int path) {
    const int v = recur_kernels_path_supported(path) ? path : recur_kernels_best_path();
    __atomic_store_n(&rk_current, v, __ATOMIC_RELAXED);
    return v;
}

int recur_kernels_has_fma(void) {
    const int path = recur_kernels_path();
    return path == RECUR_KERNELS_AVX2 || path == RECUR_KERNELS_AVX512;
}
