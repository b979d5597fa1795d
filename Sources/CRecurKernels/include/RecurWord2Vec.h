// RecurWord2Vec: the inner training loop of word2vec (CBOW and skip-gram, negative
// sampling and/or hierarchical softmax) for one worker thread, plus the small table
// builders it needs.
//
// Division of labour: the Swift side builds the vocabulary (word ids 0..V-1 sorted by
// descending count, min-count already applied), encodes the corpus as an Int32 array of
// ids with -1 between sentences, allocates and initialises the weight matrices, builds
// the tables below (with the helpers here, or itself), splits the token array into one
// slice per thread and calls `recur_w2v_train` once per thread and epoch (e.g. from
// DispatchQueue.concurrentPerform). All threads share the weights without locks
// ("Hogwild", as word2vec and gensim do: the rare lost update is harmless) and share one
// progress counter that drives the linear learning-rate decay.
//
// The semantics follow Mikolov et al.'s word2vec as gensim 4 implements it, so vector
// quality matches gensim: per-occurrence subsampling with gensim's `sample_int`
// thresholds, a random window shrink per centre word, CBOW on the mean of the context
// vectors (cbow_mean=1) with the error added unscaled to every context vector,
// skip-gram training each context word's input vector to predict the centre word,
// negatives drawn ∝ count^0.75 and dropped when they equal the target, input vectors
// initialised in [−1/D, 1/D), linear learning-rate decay. Deliberate differences, none
// of which lowers quality (measured against gensim 4.4, see the integration notes):
// - σ is computed exactly (vectorised exp), not from a 1000-cell table; word2vec.c
//   clips scores beyond ±6 to a gradient of (label − 0/1)·α, gensim skips them.
// - All dot products of one prediction's targets are taken before any target row is
//   updated (identical unless the same noise word is drawn twice for one prediction).
// - The learning rate follows progress in steps of ~1,000 tokens per thread (gensim:
//   one rate per 10,000-word job), so results do not depend on the thread count.
// - Random numbers come from splitmix64 instead of gensim's 48-bit LCG.
//
// The code path follows recur_kernels_path() (RecurKernels.h): AVX2+FMA (8 lanes, 4-lane
// and scalar tails, so any dimension works; also on the AVX-512 path), NEON (4 lanes and
// scalar tails) or portable C. For a given seed and a single thread every path is
// deterministic, and they agree to rounding (FMA contraction).
#ifndef RECUR_WORD2VEC_H
#define RECUR_WORD2VEC_H

#ifdef __cplusplus
extern "C" {
#endif

/// Longest sentence trained as one unit: longer runs of ids without a -1 are cut into
/// pieces of this many corpus tokens (windows never span a cut). gensim's
/// MAX_WORDS_IN_BATCH / LineSentence's max_sentence_length.
#define RECUR_W2V_MAX_SENTENCE 10000

/// Upper bounds checked by `recur_w2v_train` (it keeps its per-prediction scratch on
/// the stack): `negative` ≤ RECUR_W2V_MAX_NEGATIVE, `max_code_length` ≤
/// RECUR_W2V_MAX_CODE_LENGTH. `dim` has no limit (beyond RECUR_W2V_STACK_DIM a scratch
/// vector is malloc'ed once per call).
#define RECUR_W2V_MAX_NEGATIVE 255
#define RECUR_W2V_MAX_CODE_LENGTH 255
#define RECUR_W2V_STACK_DIM 2048

/// The model one call trains. All pointers are borrowed; the call reads the tables and
/// updates `input`, `output` and `output_hs` in place (concurrently with other threads).
typedef struct recur_w2v_model {
    int vocab;      ///< V: word ids are 0..V-1, sorted by descending corpus count.
    int dim;        ///< D: vector length (any D ≥ 1; multiples of 4 are fastest).
    int window;     ///< Maximum window (≥ 1). Each centre word draws b uniform in
                    ///< [0, window) and uses the window − b words on either side.
    int negative;   ///< k noise words per prediction (0 = negative sampling off).
    int cbow;       ///< 1 = CBOW (predict the centre from the mean of its context),
                    ///< 0 = skip-gram (each context word predicts the centre).
    int hs;         ///< 1 = also hierarchical softmax (needs the Huffman tables).

    float *input;      ///< (V, D) row-major word vectors ("syn0"); the result.
    float *output;     ///< (V, D) negative-sampling output vectors ("syn1neg"),
                       ///< zero-initialised; may be NULL when negative == 0.
    float *output_hs;  ///< (V − 1, D) inner-node vectors of the Huffman tree ("syn1"),
                       ///< zero-initialised; NULL unless hs.

    /// Noise distribution for negative sampling (needed when negative > 0): Walker's
    /// alias table of length V, built by `recur_w2v_build_noise_table`. Entry i packs a
    /// 32-bit threshold (low half) and an alternative word id (high half). A draw picks a
    /// column i uniformly and returns i when a second 32-bit random number is below the
    /// threshold, else the alternative. Exact to 2^-32 (like gensim's cum_table, unlike
    /// word2vec's 1e8-entry table) and only 8·V bytes, so it stays in L2 cache, one load
    /// per draw; a 1e8-entry unigram table would cost a DRAM miss per draw.
    const unsigned long long *noise_table;

    /// Per-word subsampling thresholds (length V): an occurrence of word w is kept when
    /// a uniform 32-bit random number r satisfies r ≤ keep_threshold[w] (0xFFFFFFFF =
    /// always keep) — gensim's `sample_int` test. Build with `recur_w2v_keep_thresholds`.
    /// NULL = no subsampling (and no random number is drawn per token).
    const unsigned int *keep_threshold;

    /// Huffman codes for hierarchical softmax (NULL unless hs), from `recur_w2v_huffman`:
    /// for word w, code_lengths[w] = L_w, and for d < L_w, points[w·max_code_length + d]
    /// is the d-th inner node on the path from the root (a row of output_hs) and
    /// codes[w·max_code_length + d] ∈ {0,1} the branch taken there (target = 1 − code).
    const unsigned char *code_lengths;
    const unsigned char *codes;
    const int *points;
    int max_code_length;  ///< Row stride of codes/points (≥ the longest code, ≥ 1).
} recur_w2v_model;

/// Shared state of one training run (all threads, all epochs). Zero `words_done` before
/// the first epoch and keep it across epochs.
typedef struct recur_w2v_progress {
    /// Corpus tokens (ids ≥ 0, counted before subsampling) processed so far by all
    /// threads. Updated with atomic adds every ~1,000 tokens per thread; read it during
    /// training with `recur_w2v_words_done` (a plain field so Swift can import the struct).
    long long words_done;
    /// Corpus tokens × epochs: the denominator of the learning-rate decay.
    long long total_words;
    /// alpha = max(alpha_start · (1 − words_done / (total_words + 1)), alpha_min),
    /// recomputed every ~1,000 tokens. gensim: 0.025 → 0.0001 (CBOW and skip-gram);
    /// word2vec.c: 0.05 (CBOW) / 0.025 (skip-gram) → alpha_start · 1e-4.
    float alpha_start;
    float alpha_min;
    /// Set to 1 (with `recur_w2v_request_stop`) to make every thread return at its next
    /// progress report, about every 1,000 tokens: how Ctrl-C or a hang-up ends training
    /// early with the vectors learned so far.
    int stop;
} recur_w2v_progress;

/// Trains on `tokens[0 ..< count]` (one thread's slice of the corpus).
///
/// - tokens: word ids in [0, V); any negative value is a sentence break (windows never
///   cross it; the slice's ends are breaks too); ids ≥ V are skipped. Runs longer than
///   RECUR_W2V_MAX_SENTENCE tokens are cut into such pieces.
/// - progress: shared by all threads (see the struct); required.
/// - seed: this thread's random state, read and advanced. Give each thread its own
///   (e.g. base seed + thread index); with one thread a seed fully determines the result.
/// - loss, pairs: if `loss` is non-NULL the call adds its summed training loss to *loss
///   (negative sampling: −log σ(u_t·h) − Σ_neg log σ(−u_n·h); hierarchical softmax:
///   −Σ log σ(±u_node·h) along the path) and adds to *pairs (may be NULL) the number of
///   predictions it made (skip-gram: (centre, context) pairs; CBOW: centre words with a
///   non-empty context), so loss/pairs is the mean loss per prediction. Computing the
///   loss costs a few percent; pass loss = NULL to skip it (pairs is still counted).
///
/// Returns the number of corpus tokens processed (ids in [0, V)), or -1 when the model
/// is invalid (dim/vocab/window < 1, neither negative sampling nor hs, missing tables,
/// limits above exceeded).
///
/// Stack use is about 90 KB (the sentence buffer, targets, scratch vectors), well inside
/// the 512 KB of a Dispatch worker thread.
long long recur_w2v_train(const recur_w2v_model *model, const int *tokens, long long count,
                          recur_w2v_progress *progress, unsigned long long *seed,
                          double *loss, long long *pairs);

/// Asks every thread training with `progress` to return soon (async-signal-safe).
void recur_w2v_request_stop(recur_w2v_progress *progress);

/// Atomic read of progress->words_done, for a progress display while threads train.
long long recur_w2v_words_done(const recur_w2v_progress *progress);

/// gensim's subsampling thresholds (Word2Vec.prepare_vocab), bit for bit:
/// T = sample · Σcounts when 0 < sample < 1; T = floor(sample·(3+√5)/2) when sample ≥ 1
/// ("downsample words more frequent than sample"); no subsampling when sample ≤ 0.
/// Word w keeps an occurrence with probability p = (√(c_w/T) + 1)·T/c_w capped at 1, and
/// keep[w] = (uint32)(p · (2^32 − 1)) (0xFFFFFFFF when p ≥ 1).
/// counts: (V) corpus counts of the retained vocabulary (after min-count). keep: (V) out.
void recur_w2v_keep_thresholds(const long long *counts, int vocab, double sample,
                               unsigned int *keep);

/// Builds the alias table for negative sampling from counts raised to `power` (0.75 in
/// word2vec/gensim): P(w) = c_w^power / Σ c^power. table: (V) output (see
/// recur_w2v_model.noise_table). O(V). Returns 0, or -1 when vocab < 1, all weights are
/// zero or memory runs out.
int recur_w2v_build_noise_table(const long long *counts, int vocab, double power,
                                unsigned long long *table);

/// Longest Huffman code over these counts (see `recur_w2v_huffman`): the smallest
/// max_code_length that works. Real corpora give 20-40; no 64-bit counts can give more
/// than ~91 (that needs Fibonacci-like counts). 0 when vocab == 1; -1 on bad input
/// (vocab < 1, a negative count) or out of memory.
int recur_w2v_huffman_max_code_length(const long long *counts, int vocab);

/// Builds the Huffman tree over counts for hierarchical softmax, in word2vec's layout:
/// V − 1 inner nodes numbered 0..V-2 in merge order (root = V − 2), each word's path
/// listed from the root down. Writes code_lengths (V), codes and points
/// (V × max_code_length, row-major; entries past a word's length are zero).
/// max_code_length may be anything ≥ `recur_w2v_huffman_max_code_length` (use that
/// value: a stride of 255 costs V·1.25 KB). Ties are broken by word id, so the tree is
/// deterministic. Returns 0, or -1 on bad input, out of memory, or codes longer than
/// max_code_length.
int recur_w2v_huffman(const long long *counts, int vocab, int max_code_length,
                      unsigned char *code_lengths, unsigned char *codes, int *points);

/// gensim 4's initialisation of the input vectors: input (V × D) uniform in
/// [−1/D, 1/D), here from splitmix64(seed) (gensim uses numpy's generator; word2vec.c
/// uses half this range, which learns measurably slower in small corpora). The output
/// matrices start at zero.
void recur_w2v_init_input(float *input, int vocab, int dim, unsigned long long seed);

#ifdef __cplusplus
}
#endif

#endif // RECUR_WORD2VEC_H
