// `recur sample`: text from a checkpoint, streamed to a writer as it is drawn.
import Foundation
import RecurEngine

/// Sampling from a checkpoint with a prime text.
public struct SampleRun {
    public var checkpoint: Checkpoint
    public var settings: SamplingSettings
    public var prime: String?
    public var length: Int
    public var seed: UInt64
    public var skipUnknown: Bool

    public init(checkpoint: Checkpoint, settings: SamplingSettings, prime: String?, length: Int, seed: UInt64, skipUnknown: Bool) {
        self.checkpoint = checkpoint
        self.settings = settings
        self.prime = prime
        self.length = length
        self.seed = seed
        self.skipUnknown = skipUnknown
    }

    /// The prime as token ids. Tokens outside the vocabulary are an error naming them,
    /// or dropped with `skipUnknown`. Without a prime, sampling starts after a newline
    /// (or the first token when the vocabulary has no newline).
    public func primeIDs() throws -> [Int32] {
        let vocabulary = checkpoint.vocabulary
        let text = prime ?? ""
        let (ids, unknown) = vocabulary.ids(of: text)
        if !unknown.isEmpty && !skipUnknown {
            let shown = unknown.prefix(8).map { $0.debugDescription }.joined(separator: ", ")
            throw RecurError.invalidArgument("the prime has \(unknown.count) token(s) outside the model's vocabulary: \(shown)\(unknown.count > 8 ? ", …" : "") (use --skip-unknown to drop them)")
        }
        guard !ids.isEmpty || text.isEmpty else { throw RecurError.invalidArgument("no token of the prime is in the model's vocabulary") }
        return vocabulary.samplingStart(prime: ids)
    }

    /// Writes the prime, then `length` sampled tokens, flushing every few tokens.
    public func run(write: (String) throws -> Void) throws {
        try settings.validate()
        guard length >= 0 else { throw RecurError.invalidArgument("--length must not be negative (got \(length))") }
        let prime = try primeIDs()
        let vocabulary = checkpoint.vocabulary
        if let text = self.prime, !text.isEmpty { try write(vocabulary.render(prime)) }
        var random = RandomGenerator(seed: seed)
        var pending = ""
        var previous = vocabulary.tokens[Int(prime.last!)]
        var lastFlush = DispatchTime.now()
        try Sampler(model: checkpoint.model).stream(prime: prime, length: length, settings: settings, random: &random) { id in
            let token = vocabulary.tokens[Int(id)]
            if vocabulary.level == .word {
                pending += WordTokenizer.separator(after: previous, before: token)
            }
            pending += token
            previous = token
            let now = DispatchTime.now()
            if now.uptimeNanoseconds - lastFlush.uptimeNanoseconds > 50_000_000 {
                try write(pending)
                pending = ""
                lastFlush = now
            }
        }
        try write(pending + "\n")
    }
}
