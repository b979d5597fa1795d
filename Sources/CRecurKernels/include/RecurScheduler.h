// RecurScheduler: lock-free phase counters that let the recurrent loop run on all cores
// with one cheap synchronisation per time step instead of a thread wake-up per product.
//
// A time step is split into phases (forward: one; backward: two), each phase into a few
// chunks (slices of hidden units). Every participating thread runs the same loop: for
// each phase, claim chunks until none are left, then wait until all of the phase's
// chunks are finished. A thread only ever waits for chunks another thread has already
// claimed and is therefore running, so the loop cannot deadlock even when the threads
// actually run one after the other (DispatchQueue.concurrentPerform promises no
// parallelism).
#ifndef RECUR_SCHEDULER_H
#define RECUR_SCHEDULER_H

#ifdef __cplusplus
extern "C" {
#endif

/// Counters for `phases` phases. Opaque; create with `recur_phases_create`.
typedef struct recur_phases recur_phases;

/// Allocates counters for up to `phases` phases, all reset. Returns NULL on failure.
recur_phases *recur_phases_create(int phases);
void recur_phases_destroy(recur_phases *counters);

/// Resets the first `phases` counters; call before the threads start.
void recur_phases_reset(recur_phases *counters, int phases);

/// Claims the next chunk of `phase`: returns its index, or -1 when all `chunks` are taken.
int recur_phase_claim(recur_phases *counters, int phase, int chunks);

/// Marks one chunk of `phase` finished (release: its writes become visible).
void recur_phase_finish(recur_phases *counters, int phase);

/// Waits until all `chunks` of `phase` are finished (acquire: their writes are visible).
/// Spins briefly, then yields the processor.
void recur_phase_wait(recur_phases *counters, int phase, int chunks);

#ifdef __cplusplus
}
#endif

#endif // RECUR_SCHEDULER_H
