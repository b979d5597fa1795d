// word2vec: word vectors learnt by predicting a word from its context (CBOW) or the
// context from the word (skip-gram), with negative sampling and optionally hierarchical
// softmax, trained Hogwild-style on all cores. The hot loop is C (word2vec.c in
// CRecurKernels); this file builds the sampling tables as gensim does, runs the threads
// and reports progress. Settings, the corpus and its reader have files of their own.
import CRecurKernels
import Dispatch
import Foundation

/// Progress of a training run, reported a few times a second.
public struct Word2VecProgress: Sendable {
    public var fraction: Double
    public var epoch: Int
    public var wordsPerSecond: Double
    /// Mean loss per prediction since the previous report (nil before any).
    public var loss: Double?
    /// Whether the run is held between slices.
    public var paused = false
}

/// What a finished run measured.
public struct Word2VecResult: Sendable {
    public var seconds: Double
    /// Corpus words (rare ones included) × epochs / training seconds.
    public var wordsPerSecond: Double
    /// Mean loss per prediction in the last epoch.
    public var finalLoss: Double
    /// The fraction of training done when a stop was asked for; nil when it ran to the end.
    public var stoppedAt: Double?
}

/// Trains word2vec on a prepared corpus.
public final class Word2VecTrainer: @unchecked Sendable {
    public let corpus: Word2VecCorpus
    public let settings: Word2VecSettings
    let input: FloatBuffer
    let output: FloatBuffer
    let outputHS: FloatBuffer
    // Tables the C code reads through raw pointers: allocated once, freed in deinit.
    private let keep: UnsafeMutableBufferPointer<UInt32>
    private let noise: UnsafeMutableBufferPointer<UInt64>
    private let codeLengths: UnsafeMutableBufferPointer<UInt8>
    private let codes: UnsafeMutableBufferPointer<UInt8>
    private let points: UnsafeMutableBufferPointer<Int32>
    /// Row stride of the Huffman codes and points: the longest code (1 without --hs).
    private let maxCode: Int

    public init(corpus: Word2VecCorpus, settings: Word2VecSettings) throws {
        try settings.validate()
        self.corpus = corpus
        self.settings = settings
        let V = corpus.words.count, D = settings.dimension
        let matrices = 1 + (settings.negative > 0 ? 1 : 0) + (settings.hierarchicalSoftmax ? 1 : 0)
        // Plus the copy a written vectors file or a snapshot makes.
        try TrainingMemory.check((matrices + 1) * V * D * 4, for: "word2vec of \(V) words × --dim \(D)")
        input = FloatBuffer(count: V * D)
        output = FloatBuffer(count: settings.negative > 0 ? V * D : 0)
        outputHS = FloatBuffer(count: settings.hierarchicalSoftmax ? max(V - 1, 1) * D : 0)
        recur_w2v_init_input(input.pointer, Int32(V), Int32(D), settings.seed)
        keep = .allocate(capacity: V)
        noise = .allocate(capacity: V)
        let longest = settings.hierarchicalSoftmax
            ? corpus.counts.withUnsafeBufferPointer { Int(recur_w2v_huffman_max_code_length($0.baseAddress!, Int32(V))) } : 1
        guard longest >= 0, longest <= Int(RECUR_W2V_MAX_CODE_LENGTH) else {
            throw RecurError.invalidCorpus("the Huffman tree for --hs would be too deep (\(longest) levels)")
        }
        maxCode = max(longest, 1)
        let hsRows = settings.hierarchicalSoftmax ? V : 0
        codeLengths = .allocate(capacity: max(hsRows, 1))
        codes = .allocate(capacity: max(hsRows * maxCode, 1))
        points = .allocate(capacity: max(hsRows * maxCode, 1))
        corpus.counts.withUnsafeBufferPointer { recur_w2v_keep_thresholds($0.baseAddress!, Int32(V), settings.sample, keep.baseAddress!) }
        let built = corpus.counts.withUnsafeBufferPointer { recur_w2v_build_noise_table($0.baseAddress!, Int32(V), 0.75, noise.baseAddress!) }
        guard built == 0 else { throw RecurError.invalidCorpus("cannot build the negative-sampling table") }
        if settings.hierarchicalSoftmax {
            let status = corpus.counts.withUnsafeBufferPointer {
                recur_w2v_huffman($0.baseAddress!, Int32(V), Int32(maxCode), codeLengths.baseAddress!, codes.baseAddress!, points.baseAddress!)
            }
            guard status == 0 else { throw RecurError.invalidCorpus("cannot build the Huffman tree for --hs") }
        }
    }

    deinit {
        keep.deallocate()
        noise.deallocate()
        codeLengths.deallocate()
        codes.deallocate()
        points.deallocate()
    }

    /// Tokens in one chunk of work (gensim's job size, MAX_WORDS_IN_BATCH): about 8 ms of
    /// training, and what a worker trains between two looks at the control.
    static let chunkTokens = 10_000

    /// Trains all epochs on `settings.threads` threads, calling `report` (on the calling
    /// thread) about ten times a second. The threads take the corpus's chunks in order from
    /// one shared counter (see `chunks`) and ask `control` before each one, so a run can be
    /// paused, stepped one chunk per thread at a time and stopped. `shouldStop` (polled as
    /// often as `report` is called) stops it too, for signal handlers that cannot touch a
    /// lock. A stopped run ends early with the vectors learned so far; the result says so.
    public func train(control: Word2VecControl = Word2VecControl(), report: (Word2VecProgress) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) -> Word2VecResult {
        let threads = settings.threads, epochs = settings.epochs
        let chunks = corpus.tokens.withUnsafeBufferPointer { Word2VecTrainer.chunks($0, size: Word2VecTrainer.chunkTokens) }
        let totalTokens = corpus.tokens.count - corpus.tokens.lazy.filter { $0 < 0 }.count
        let totalWords = Int64(totalTokens * epochs)
        // State the worker threads share, in raw memory that outlives every worker: the
        // C code synchronises the progress and chunk counters; per-thread losses have one
        // slot each.
        let shared = SharedPointers(model: .allocate(capacity: 1), progress: .allocate(capacity: 1),
                                    losses: .allocate(capacity: threads), pairs: .allocate(capacity: threads),
                                    consumedSteps: .allocate(capacity: threads))
        defer { shared.deallocate() }
        shared.model.initialize(to: makeModel())
        shared.progress.initialize(to: recur_w2v_progress(words_done: 0, total_words: totalWords,
                                                          alpha_start: Float(settings.startingAlpha), alpha_min: Float(settings.minAlpha),
                                                          stop: 0, next_chunk: 0))
        shared.consumedSteps.initialize(repeating: control.currentGeneration, count: threads)
        let group = DispatchGroup()
        let started = DispatchTime.now().uptimeNanoseconds
        var lastEpochLoss = 0.0
        var lastDone: Int64 = 0, lastTime = started
        var stopped = false
        func checkStop() {
            if !stopped, shouldStop() || control.isStopped {
                stopped = true
                control.stop()
                recur_w2v_request_stop(shared.progress)
            }
        }
        // The token pointer stays valid throughout: every epoch waits for its workers.
        corpus.tokens.withUnsafeBufferPointer { tokens in
            let base = UInt(bitPattern: tokens.baseAddress!)
            for epoch in 0..<epochs where !stopped {
                shared.losses.initialize(repeating: 0, count: threads)
                shared.pairs.initialize(repeating: 0, count: threads)
                shared.progress.pointee.next_chunk = 0
                let seed = settings.seed
                for worker in 0..<threads {
                    DispatchQueue.global(qos: .userInitiated).async(group: group) {
                        let tokens = UnsafePointer<Int32>(bitPattern: base)!
                        while control.waitForSlice(consumed: &shared.consumedSteps[worker]) {
                            let index = Int(recur_w2v_take_chunk(shared.progress))
                            guard index < chunks.count else { break }
                            // The chunk's own random stream, so which thread takes it does not
                            // change what it draws.
                            var state = Word2VecTrainer.chunkSeed(seed, epoch: epoch, chunk: index)
                            let chunk = chunks[index]
                            _ = recur_w2v_train(shared.model, tokens + chunk.lowerBound, Int64(chunk.count), shared.progress,
                                                &state, shared.losses + worker, shared.pairs + worker)
                        }
                    }
                }
                var lastLossPairs: Int64 = 0, lastLoss = 0.0
                func publish() {
                    let done = recur_w2v_words_done(shared.progress)
                    let now = DispatchTime.now().uptimeNanoseconds
                    // The loss sums are read racily; they are only for display.
                    let lossSum = (0..<threads).reduce(0.0) { $0 + shared.losses[$1] }
                    let pairSum = (0..<threads).reduce(Int64(0)) { $0 + shared.pairs[$1] }
                    let rate = Double(done - lastDone) / max(Double(now - lastTime) / 1e9, 1e-9) * Double(corpus.rawWordCount) / Double(max(totalTokens, 1))
                    report(Word2VecProgress(fraction: Double(done) / Double(max(totalWords, 1)), epoch: epoch + 1, wordsPerSecond: rate,
                                            loss: pairSum > lastLossPairs ? (lossSum - lastLoss) / Double(pairSum - lastLossPairs) : nil,
                                            paused: control.isPaused))
                    lastDone = done; lastTime = now; lastLoss = lossSum; lastLossPairs = pairSum
                }
                while group.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                    checkStop()
                    publish()
                }
                checkStop()
                publish()
                let pairTotal = (0..<threads).reduce(Int64(0)) { $0 + shared.pairs[$1] }
                let lossTotal = (0..<threads).reduce(0.0) { $0 + shared.losses[$1] }
                lastEpochLoss = pairTotal > 0 ? lossTotal / Double(pairTotal) : 0
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let done = Double(recur_w2v_words_done(shared.progress)) / Double(max(totalWords, 1))
        return Word2VecResult(seconds: seconds, wordsPerSecond: Double(corpus.rawWordCount * epochs) * (stopped ? min(done, 1) : 1) / seconds,
                              finalLoss: lastEpochLoss, stoppedAt: stopped ? min(done, 1) : nil)
    }

    /// The random state a chunk starts from: a splitmix64 step over (seed, epoch, chunk).
    static func chunkSeed(_ seed: UInt64, epoch: Int, chunk: Int) -> UInt64 {
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &* 0xD1B5_4A32_D192_ED03 &+ UInt64(chunk) &+ 1
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Cuts the corpus into the chunks the threads take in order: each about `size` tokens,
    /// ending just after a sentence break, so no window is cut. A run longer than
    /// RECUR_W2V_MAX_SENTENCE without a break (a text that is one long line) is cut where
    /// the C loop cuts it anyway, at multiples of that length from the run's start, so
    /// such a text is shared between the threads too and trains as it would in one piece.
    /// The cuts do not depend on the thread count.
    static func chunks(_ tokens: UnsafeBufferPointer<Int32>, size: Int) -> [Range<Int>] {
        let longestRun = Int(RECUR_W2V_MAX_SENTENCE)
        var chunks: [Range<Int>] = []
        chunks.reserveCapacity(tokens.count / max(size, 1) + 1)
        var start = 0, runStart = 0
        for position in 0..<tokens.count {
            let end = position + 1
            if tokens[position] < 0 {
                runStart = end
            } else if (end - runStart) % longestRun != 0 {
                continue
            }
            if end - start >= size {
                chunks.append(start..<end)
                start = end
            }
        }
        if start < tokens.count { chunks.append(start..<tokens.count) }
        return chunks
    }

    private func makeModel() -> recur_w2v_model {
        recur_w2v_model(
            vocab: Int32(corpus.words.count), dim: Int32(settings.dimension), window: Int32(settings.window),
            negative: Int32(settings.negative), cbow: settings.architecture == .cbow ? 1 : 0,
            hs: settings.hierarchicalSoftmax ? 1 : 0,
            input: input.pointer, output: settings.negative > 0 ? output.pointer : nil,
            output_hs: settings.hierarchicalSoftmax ? outputHS.pointer : nil,
            noise_table: noise.baseAddress, keep_threshold: settings.sample > 0 ? keep.baseAddress : nil,
            code_lengths: settings.hierarchicalSoftmax ? codeLengths.baseAddress : nil,
            codes: settings.hierarchicalSoftmax ? codes.baseAddress : nil,
            points: settings.hierarchicalSoftmax ? points.baseAddress : nil,
            max_code_length: Int32(maxCode))
    }

    /// The trained input vectors.
    public var vectors: WordVectors {
        get throws { try WordVectors(words: corpus.words, dimension: settings.dimension, vectors: input.array) }
    }

    /// Writes the word vectors straight from the weights, with no copy of them and no
    /// search index (`vectors` builds both): what `recur embed` needs, in the least memory.
    public func writeVectors(to path: String, format: VectorFormat) throws {
        let dimension = settings.dimension, input = self.input
        try WordVectors.write(words: corpus.words, dimension: dimension, to: path, format: format) { id, body in
            body(UnsafeBufferPointer(start: input.pointer + id * dimension, count: dimension))
        }
    }
}

/// Raw pointers handed to the worker threads; the C code synchronises what it shares
/// (Hogwild updates are intentionally unsynchronised, as in word2vec).
private struct SharedPointers: @unchecked Sendable {
    let model: UnsafeMutablePointer<recur_w2v_model>
    let progress: UnsafeMutablePointer<recur_w2v_progress>
    let losses: UnsafeMutablePointer<Double>
    let pairs: UnsafeMutablePointer<Int64>
    /// Per worker: the last single-step request it has used (see Word2VecControl).
    let consumedSteps: UnsafeMutablePointer<Int>

    func deallocate() {
        model.deallocate()
        progress.deallocate()
        losses.deallocate()
        pairs.deallocate()
        consumedSteps.deallocate()
    }
}
