// word2vec's settings: the architecture and every knob, with gensim's defaults, and the
// ranges they must keep.
import CRecurKernels
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
