// Phase counters for the recurrent loop; see include/RecurScheduler.h for why.
#define _GNU_SOURCE
#include "RecurScheduler.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

// Each phase's counters sit on their own cache line so threads working on different
// phases do not invalidate each other's lines.
typedef struct {
    _Atomic int claimed;
    _Atomic int finished;
    char padding[64 - 2 * sizeof(int)];
} phase_counter;

struct recur_phases {
    int capacity;
    phase_counter *counters;
};

recur_phases *recur_phases_create(int phases) {
    if (phases < 1) phases = 1;
    recur_phases *result = malloc(sizeof(recur_phases));
    if (!result) return NULL;
    void *memory = NULL;
    if (posix_memalign(&memory, 64, (size_t)phases * sizeof(phase_counter)) != 0) {
        free(result);
        return NULL;
    }
    result->capacity = phases;
    result->counters = memory;
    recur_phases_reset(result, phases);
    return result;
}

void recur_phases_destroy(recur_phases *counters) {
    if (!counters) return;
    free(counters->counters);
    free(counters);
}

void recur_phases_reset(recur_phases *counters, int phases) {
    if (phases > counters->capacity) phases = counters->capacity;
    for (int i = 0; i < phases; i++) {
        atomic_store_explicit(&counters->counters[i].claimed, 0, memory_order_relaxed);
        atomic_store_explicit(&counters->counters[i].finished, 0, memory_order_relaxed);
    }
    atomic_thread_fence(memory_order_release);
}

int recur_phase_claim(recur_phases *counters, int phase, int chunks) {
    int index = atomic_fetch_add_explicit(&counters->counters[phase].claimed, 1, memory_order_acq_rel);
    return index < chunks ? index : -1;
}

void recur_phase_finish(recur_phases *counters, int phase) {
    atomic_fetch_add_explicit(&counters->counters[phase].finished, 1, memory_order_release);
}

void recur_phase_wait(recur_phases *counters, int phase, int chunks) {
    int spins = 0;
    while (atomic_load_explicit(&counters->counters[phase].finished, memory_order_acquire) < chunks) {
        if (++spins < 4000) {
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#elif defined(__aarch64__)
            // `yield` is a no-op on most ARM64 cores; `isb` stalls for tens of cycles
            // without touching memory, the hint Rust's spin_loop and .NET settled on.
            __asm__ volatile("isb" ::: "memory");
#endif
        } else {
            sched_yield();
        }
    }
}
