// The FMA ceiling of this machine: a register-only loop of independent FMAs, 256-bit and
// 512-bit, on one core and on all of them at once, plus the clock it runs at. This is
// the number a GEMM's GFLOP/s should be held against (Tests/Reference/gemm_paths_speed.c).
//   clang -O2 -pthread Tests/Reference/fma_peak.c -o fma_peak && ./fma_peak [THREADS]
// Each loop runs 12 accumulators: more than FMA latency × pipes on any current x86 core
// (4 × 2), so it is throughput-bound; with a and b that is 14 registers, so the
// 16-register AVX2 file does not spill (16 accumulators did, at a quarter of the rate).
// The accumulators start from different values: from equal ones a compiler may merge the
// identical chains into one (gcc -O2 did, and reported 2-4× the real rate). An empty asm
// statement that "reads" them every iteration keeps it from dropping or shortening the
// chains. Check that the disassembly holds 12 vfmadd per iteration and no loads; a
// figure is the best of 3 rounds.
//
// Measured 2026-11-30 on the 2-core AMD EPYC (family 25 model 17, Zen 4) the project
// benchmarks on, with clang and with gcc: 3.67 GHz, 117 GFLOP/s per core with YMM *and*
// with ZMM, 234 on 2 cores, i.e. 32 flops per cycle per core: Zen 4 runs a 512-bit
// FMA as two 256-bit halves on its two 256-bit FMA pipes, so AVX-512 brings fewer
// instructions, not more arithmetic per cycle. The GEMM kernels reach 108-113 of the
// 117 on the engine's shapes (gemm_paths_speed.c), on both paths.
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

enum { ITERATIONS = 50000000, ACCUMULATORS = 12 };

#define FMA_LOOP(T, SET1, FMADD)                                                       \
    T a = SET1(0.999f), b = SET1(1e-4f);                                              \
    T c0 = SET1(0), c1 = SET1(1), c2 = SET1(2), c3 = SET1(3), c4 = SET1(4);            \
    T c5 = SET1(5), c6 = SET1(6), c7 = SET1(7), c8 = SET1(8), c9 = SET1(9);            \
    T c10 = SET1(10), c11 = SET1(11);                                                  \
    for (long i = 0; i < ITERATIONS; i++) {                                            \
        c0 = FMADD(c0, a, b); c1 = FMADD(c1, a, b); c2 = FMADD(c2, a, b);              \
        c3 = FMADD(c3, a, b); c4 = FMADD(c4, a, b); c5 = FMADD(c5, a, b);              \
        c6 = FMADD(c6, a, b); c7 = FMADD(c7, a, b); c8 = FMADD(c8, a, b);              \
        c9 = FMADD(c9, a, b); c10 = FMADD(c10, a, b); c11 = FMADD(c11, a, b);          \
        __asm__ volatile("" :: "v"(c0), "v"(c1), "v"(c2), "v"(c3), "v"(c4), "v"(c5)); \
        __asm__ volatile("" :: "v"(c6), "v"(c7), "v"(c8), "v"(c9), "v"(c10), "v"(c11)); \
    }

__attribute__((target("avx2,fma"))) static void *loop256(void *unused) {
    (void)unused;
    FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps)
    return NULL;
}

__attribute__((target("avx512f"))) static void *loop512(void *unused) {
    (void)unused;
    FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps)
    return NULL;
}

/// GFLOP/s of `threads` copies of `loop` running at once (lanes floats per FMA).
static double rate(void *(*loop)(void *), int lanes, int threads) {
    pthread_t ids[64];
    double start = seconds();
    for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, loop, NULL);
    for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    double elapsed = seconds() - start;
    return (double)threads * ITERATIONS * ACCUMULATORS * lanes * 2 / elapsed / 1e9;
}

/// Clock estimate: a chain of dependent 1-cycle integer adds retires one per cycle.
static double gigahertz(void) {
    const long adds = 400000000;
    double start = seconds();
    __asm__ volatile("mov %0, %%rcx\n"
                     "1:\n add $1, %%rax\n add $1, %%rax\n add $1, %%rax\n add $1, %%rax\n"
                     "dec %%rcx\n jnz 1b\n" :: "r"(adds / 4) : "rcx", "rax", "cc");
    return adds / (seconds() - start) / 1e9;
}

static double best(void *(*loop)(void *), int lanes, int threads) {
    double top = 0;
    for (int round = 0; round < 3; round++) {
        double r = rate(loop, lanes, threads);
        if (r > top) top = r;
    }
    return top;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 64) threads = 2;
    __builtin_cpu_init();
    printf("clock %.2f GHz (dependent adds, one core)\n", gigahertz());
    printf("%-10s %12s %12s\n", "GFLOP/s", "1 core", "all cores");
    printf("%-10s %12.1f %12.1f\n", "256-bit",
           best(loop256, 8, 1), best(loop256, 8, threads));
    if (__builtin_cpu_supports("avx512f"))
        printf("%-10s %12.1f %12.1f\n", "512-bit",
               best(loop512, 16, 1), best(loop512, 16, threads));
    else
        printf("512-bit    (no AVX-512F)\n");
    return 0;
}
