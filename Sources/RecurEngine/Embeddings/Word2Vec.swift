// word2vec: word vectors learnt by predicting a word from its context (CBOW) or the
// context from the word (skip-gram), with negative sampling and optionally hierarchical
// softmax, trained Hogwild-style on all cores. The hot loop is C (word2vec.c in
// CRecurKernels); this file reads the corpus, builds the vocabulary and the sampling
// tables as gensim does, runs the threads and reports progress.
import CRecurKernels
import Dispatch
import Foundation

public enum Word2VecArchitecture: String, Sendable, CaseIterable {
    case cbow, skipgram
}

/// word2vec's settings; defaults are gensim's (and word2vec.c's learning rates).
public struct Word2VecSettings: Sendable {
    public var architecture: Word2VecArchitecture = .cbow
    public var dimension = 100
    public var window = 5
    public var negative = 5
    public var hierarchicalSoftmax = false
    public var minCount = 5
    /// Frequent-word subsampling threshold (0: off).
    public var sample = 1e-3
    public var epochs = 5
    /// Starting learning rate; nil: 0.05 for CBOW, 0.025 for skip-gram.
    public var alpha: Double?
    /// Final learning rate of the linear decay (gensim's min_alpha).
    public var minAlpha = 1e-4
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var seed: UInt64 = 1

    public init() {}

    public var startingAlpha: Double { alpha ?? (architecture == .cbow ? 0.05 : 0.025) }

    public func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw RecurError.invalidArgument(message) }
        }
        try check(dimension > 0 && dimension <= Int(RECUR_W2V_STACK_DIM), "--dim must be in 1…\(RECUR_W2V_STACK_DIM) (got \(dimension))")
        try check(window > 0, "--window must be positive (got \(window))")
        try check(negative >= 0 && negative <= Int(RECUR_W2V_MAX_NEGATIVE), "--negative must be in 0…\(RECUR_W2V_MAX_NEGATIVE) (got \(negative))")
        try check(negative > 0 || hierarchicalSoftmax, "with --negative 0, --hs is needed: nothing would be trained")
        try check(minCount >= 1, "--min-count must be at least 1 (got \(minCount))")
        try check(sample >= 0 && sample.isFinite, "--sample must not be negative (got \(sample))")
        try check(epochs > 0, "--epochs must be positive (got \(epochs))")
        try check(startingAlpha > 0 && startingAlpha.isFinite, "--alpha must be positive")
        try check(minAlpha >= 0 && minAlpha <= startingAlpha, "--min-alpha must be between 0 and --alpha")
        try check(threads >= 1 && threads <= 256, "--threads must be in 1…256 (got \(threads))")
    }
}

/// A corpus prepared for word2vec: whitespace-separated words, one sentence per line
/// (as word2vec.c and gensim's LineSentence read text), rare words dropped.
public struct Word2VecCorpus: Sendable {
    /// The vocabulary, most frequent first.
    public let words: [String]
    public let counts: [Int64]
    /// Word ids of the kept words, −1 between sentences.
    public let tokens: [Int32]
    /// Every word of the text, rare ones included (what "corpus tokens" counts).
    public let rawWordCount: Int

    public static func load(path: String, minCount: Int, lowercase: Bool) throws -> Word2VecCorpus {
        try Word2VecCorpus(text: Corpus.readText(at: path), minCount: minCount, lowercase: lowercase)
    }

    public init(text: String, minCount: Int, lowercase: Bool) throws {
        var index: [Substring: Int32] = [:]
        var spellings: [Substring] = []
        var counts: [Int64] = []
        var ids: [Int32] = []
        ids.reserveCapacity(text.utf8.count / 5)
        let source = lowercase ? text.lowercased() : text
        // Lines end at \n, \r\n or \r (a Swift Character holds \r\n as one, so splitting at
        // "\n" alone would glue a CRLF file into one line).
        for line in LineEnds.lines(source) where !line.isEmpty {
            var any = false
            for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                let id: Int32
                if let known = index[word] {
                    id = known
                } else {
                    id = Int32(spellings.count)
                    index[word] = id
                    spellings.append(word)
                    counts.append(0)
                }
                counts[Int(id)] += 1
                ids.append(id)
                any = true
            }
            if any { ids.append(-1) }
        }
        rawWordCount = ids.count - ids.lazy.filter { $0 < 0 }.count
        // Keep words seen minCount times, most frequent first (ties: first seen first).
        let kept = counts.indices.filter { counts[$0] >= Int64(minCount) }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        guard kept.count >= 2 else {
            throw RecurError.invalidCorpus("fewer than 2 words occur at least --min-count \(minCount) times; lower --min-count or give more text")
        }
        var remap = [Int32](repeating: -1, count: counts.count)
        for (newID, oldID) in kept.enumerated() { remap[oldID] = Int32(newID) }
        var tokens: [Int32] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if id < 0 {
                if let last = tokens.last, last >= 0 { tokens.append(-1) }
            } else if remap[Int(id)] >= 0 {
                tokens.append(remap[Int(id)])
            }
        }
        words = kept.map { String(spellings[$0]) }
        self.counts = kept.map { counts[$0] }
        self.tokens = tokens
    }
}

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

    /// Words each worker trains between two looks at the control (about 40 ms of work).
    static let sliceTokens = 50_000

    /// Trains all epochs on `settings.threads` threads, calling `report` (on the calling
    /// thread) about ten times a second. Each thread trains its part of the corpus in
    /// slices and asks `control` before each one, so a run can be paused, stepped one slice
    /// at a time and stopped. `shouldStop` (polled as often as `report` is called) stops
    /// it too, for signal handlers that cannot touch a lock. A stopped run ends early with
    /// the vectors learned so far; the result says so.
    public func train(control: Word2VecControl = Word2VecControl(), report: (Word2VecProgress) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) -> Word2VecResult {
        let threads = settings.threads, epochs = settings.epochs
        let slices = Word2VecTrainer.slices(corpus.tokens, parts: threads)
        let totalTokens = corpus.tokens.count - corpus.tokens.lazy.filter { $0 < 0 }.count
        let totalWords = Int64(totalTokens * epochs)
        // State the worker threads share, in raw memory that outlives every worker: the
        // C code synchronises the progress counter; per-thread losses have one slot each.
        let shared = SharedPointers(model: .allocate(capacity: 1), progress: .allocate(capacity: 1),
                                    losses: .allocate(capacity: threads), pairs: .allocate(capacity: threads),
                                    consumedSteps: .allocate(capacity: threads))
        defer { shared.deallocate() }
        shared.model.initialize(to: makeModel())
        shared.progress.initialize(to: recur_w2v_progress(words_done: 0, total_words: totalWords,
                                                          alpha_start: Float(settings.startingAlpha), alpha_min: Float(settings.minAlpha),
                                                          stop: 0))
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
                for (index, slice) in slices.enumerated() {
                    let seed = settings.seed &* 0x9E37_79B9 &+ UInt64(epoch * threads + index + 1)
                    DispatchQueue.global(qos: .userInitiated).async(group: group) {
                        let tokens = UnsafeBufferPointer(start: UnsafePointer<Int32>(bitPattern: base), count: slice.upperBound)
                        var state = seed
                        var start = slice.lowerBound
                        while start < slice.upperBound, control.waitForSlice(consumed: &shared.consumedSteps[index]) {
                            let end = Word2VecTrainer.sliceEnd(tokens, from: start, limit: slice.upperBound, size: Word2VecTrainer.sliceTokens)
                            _ = recur_w2v_train(shared.model, tokens.baseAddress! + start, Int64(end - start), shared.progress,
                                                &state, shared.losses + index, shared.pairs + index)
                            start = end
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

    /// Where a slice that starts at `start` ends: `size` tokens on, moved forward to just
    /// after the next sentence break so that no window is cut, and at most `limit`.
    static func sliceEnd(_ tokens: UnsafeBufferPointer<Int32>, from start: Int, limit: Int, size: Int) -> Int {
        var end = min(start + size, limit)
        while end < limit, tokens[end - 1] >= 0 { end += 1 }
        return end
    }

    /// Splits the tokens into `parts` ranges of about equal size, cut at sentence breaks.
    static func slices(_ tokens: [Int32], parts: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 1...parts {
            var end = part == parts ? tokens.count : tokens.count * part / parts
            while end < tokens.count, end > start, tokens[end - 1] >= 0 { end += 1 }
            end = min(end, tokens.count)
            if end > start { ranges.append(start..<end) }
            start = end
        }
        return ranges
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
