// A cache prefetch hint, which Swift has no spelling for. The word interner asks for a
// word's hash-table slot several words before it looks there (WordTally), so the misses
// of a large vocabulary overlap instead of stalling one after another.
#ifndef RECUR_PREFETCH_H
#define RECUR_PREFETCH_H

static inline void recur_prefetch(const void *address) { __builtin_prefetch(address, 1, 3); }

#endif
