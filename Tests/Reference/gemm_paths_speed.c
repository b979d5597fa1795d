// GEMM throughput of each kernel path on the shapes the engine runs, one core, data
// hot in cache: isolates the micro-kernels from the rest of a training step (and from
// most of the noise of a shared machine). Built and run by kernel_paths_speed.sh with
// the compiler SwiftPM uses for the kernels (codegen differs: gcc's AVX2 kernel was up
// to 8% slower than clang's here):
//   clang -O3 -I Sources/CRecurKernels/include -I Sources/CRecurKernels \
//      Tests/Reference/gemm_paths_speed.c Sources/CRecurKernels/{sgemm*,kernels_path}.c -lpthread
//   ./a.out [PATH...]      paths as numbers: 0 portable, 1 avx2, 2 avx512 (default 1 2)
// Paths alternate within each round; a shape's figure is its best round (the least
// disturbed one), in GFLOP/s.
#define _POSIX_C_SOURCE 200809L
#include "RecurKernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

// Built with -DRECUR_SPEED_THREAD_CLOCK it times the thread's CPU time instead of the
// wall clock: on a machine shared by many jobs, time spent descheduled then does not
// count (c_optimization_speed.sh).
#ifdef RECUR_SPEED_THREAD_CLOCK
#define RECUR_SPEED_CLOCK CLOCK_THREAD_CPUTIME_ID
#else
#define RECUR_SPEED_CLOCK CLOCK_MONOTONIC
#endif

static double seconds(void) {
    struct timespec t;
    clock_gettime(RECUR_SPEED_CLOCK, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *random_floats(size_t count) {
    float *p = malloc(count * sizeof *p);
    if (!p) abort();
    for (size_t i = 0; i < count; i++) p[i] = (float)((double)rand() / RAND_MAX) - 0.5f;
    return p;
}

typedef struct {
    const char *name;
    int transA, transB, M, N, K, prepacked;
} shape;

// B = 32 streams, H = 256 units (4H = 1024 LSTM gate columns), E = 64, T*B = 2048.
static const shape shapes[] = {
    {"step h*W_hh^T, prepacked (32x1024x256)", 0, 1, 32, 1024, 256, 1},
    {"  one gate on one of 2 threads (32x128x256)", 0, 1, 32, 128, 256, 1},
    {"step backward dPre*W_hh (32x128x1024)", 0, 0, 32, 128, 1024, 1},
    {"small-M transB dot (32x1024x256)", 0, 1, 32, 1024, 256, 0},
    {"B in place, no transB (32x256x1024)", 0, 0, 32, 256, 1024, 0},
    {"input projection (2048x1024x64, transB)", 0, 1, 2048, 1024, 64, 0},
    {"decoder, V = 65 (2048x65x256, transB)", 0, 1, 2048, 65, 256, 0},
    {"weight gradient (1024x256x2048, transA)", 1, 0, 1024, 256, 2048, 0},
};

int main(int argc, char **argv) {
    int paths[3], count = 0;
    for (int i = 1; i < argc && count < 3; i++) paths[count++] = atoi(argv[i]);
    if (count == 0) { paths[0] = RECUR_KERNELS_AVX2; paths[1] = RECUR_KERNELS_AVX512; count = 2; }
    for (int p = 0; p < count; p++) {
        if (recur_kernels_set_path(paths[p]) != paths[p]) {
            fprintf(stderr, "this CPU cannot run the %s path\n", recur_kernels_path_name(paths[p]));
            return 1;
        }
    }
    printf("%-46s", "GEMM, one core, GFLOP/s");
    for (int p = 0; p < count; p++) printf(" %8s", recur_kernels_path_name(paths[p]));
    for (int p = 1; p < count; p++) printf(" %8s/%-6s", recur_kernels_path_name(paths[p]), recur_kernels_path_name(paths[0]));
    printf("\n");
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const shape c = shapes[s];
        const int lda = c.transA ? c.M : c.K, ldb = c.transB ? c.K : c.N;
        float *A = random_floats((size_t)c.M * c.K), *B = random_floats((size_t)c.K * c.N);
        float *C = random_floats((size_t)c.M * c.N);
        float *packed = random_floats(recur_sgemm_packed_b_count(c.K, c.N));
        recur_sgemm_pack_b(c.transB, c.K, c.N, B, ldb, packed);
        const double flops = 2.0 * c.M * c.N * c.K;
        const int reps = (int)(1e9 / flops) + 1;     // ≈ 10 ms a round at 100 GFLOP/s
        double best[3] = {1e30, 1e30, 1e30};
        for (int round = 0; round < 9; round++) {
            for (int p = 0; p < count; p++) {
                recur_kernels_set_path(paths[p]);
                const double start = seconds();
                for (int r = 0; r < reps; r++) {
                    if (c.prepacked) recur_sgemm_packed(c.transA, c.M, c.N, c.K, A, lda, packed, 1, C, c.N);
                    else recur_sgemm(c.transA, c.transB, c.M, c.N, c.K, A, lda, B, ldb, 1, C, c.N);
                }
                const double t = (seconds() - start) / reps;
                if (t < best[p]) best[p] = t;
            }
        }
        printf("%-46s", c.name);
        for (int p = 0; p < count; p++) printf(" %8.1f", flops / best[p] * 1e-9);
        for (int p = 1; p < count; p++) printf(" %15.3f", best[0] / best[p]);
        printf("\n");
        free(A); free(B); free(C); free(packed);
    }
    return 0;
}
