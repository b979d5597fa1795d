// Training throughput on random tokens, timed after warm-up steps, with the arithmetic
// rate it implies. Throughput does not depend on the data, except with the adaptive
// softmax, whose cost follows how often rare words occur: `zipfExponent` draws tokens
// as natural text has them (id = frequency rank − 1, as a word vocabulary is ordered).
import Foundation

/// One benchmark configuration and its result.
public struct TrainingBenchmark: Sendable {
    public var name: String
    public var model: ModelConfig
    public var sequenceLength: Int
    public var batch: Int
    public var steps: Int
    public var warmup: Int
    /// Tokens from a Zipf distribution of this exponent over the vocabulary; nil: uniform.
    public var zipfExponent: Double?

    public init(name: String, model: ModelConfig, sequenceLength: Int, batch: Int, steps: Int = 40, warmup: Int = 5) {
        self.name = name
        self.model = model
        self.sequenceLength = sequenceLength
        self.batch = batch
        self.steps = steps
        self.warmup = warmup
    }

    /// The five reference configurations of shared/bench/README.md.
    public static let references: [TrainingBenchmark] = [
        TrainingBenchmark(name: "a char-lstm", model: ModelConfig(cell: .lstm, vocabularySize: 65, embed: 64, hidden: 256, layers: 2), sequenceLength: 64, batch: 32),
        TrainingBenchmark(name: "b char-gru", model: ModelConfig(cell: .gru, vocabularySize: 65, embed: 64, hidden: 256, layers: 1), sequenceLength: 64, batch: 32),
        TrainingBenchmark(name: "c char-rnn", model: ModelConfig(cell: .rnn, vocabularySize: 65, embed: 64, hidden: 256, layers: 1), sequenceLength: 64, batch: 32),
        TrainingBenchmark(name: "d word-lstm", model: ModelConfig(cell: .lstm, vocabularySize: 10_000, embed: 200, hidden: 200, layers: 2), sequenceLength: 35, batch: 20, steps: 20),
        TrainingBenchmark(name: "e tiny", model: ModelConfig(cell: .lstm, vocabularySize: 65, embed: 32, hidden: 128, layers: 1), sequenceLength: 32, batch: 16, steps: 1000, warmup: 50),
    ]

    public struct Result: Sendable {
        public var tokensPerSecond: Double
        /// Multiply-adds × 2 of forward and backward per token, times tokens per second.
        public var gigaflops: Double
        public var seconds: Double
        public var finalLoss: Double
    }

    /// Floating-point operations per token for forward + backward: the forward's matrix
    /// products (2 per multiply-add) and twice that again for backward. Counted as the
    /// plain model computes them, so that rates compare across versions: with layer 0's
    /// token table (TrainingGraph) the engine does ~7% fewer for config a.
    /// The adaptive softmax is counted as if every row visited every cluster, an upper
    /// bound on what it computes.
    public var flopsPerToken: Double {
        let m = model
        var multiplyAdds = Double(m.hidden * m.vocabularySize)
        if m.softmax == .adaptive {
            multiplyAdds = Double(m.hidden * (m.cutoffs[0] + m.cutoffs.count))
                + m.adaptiveClusters.reduce(0) { $0 + Double($1.projection * (m.hidden + $1.ids.count)) }
        }
        for layer in 0..<m.layers {
            let input = layer == 0 ? m.embed : m.hidden
            multiplyAdds += Double(m.gateWidth * (input + m.hidden))
        }
        return 3 * 2 * multiplyAdds
    }

    /// Trains with Adam (lr 2e-3, clip 5) on uniformly random tokens and times `steps`
    /// steps after `warmup`.
    public func run(seed: UInt64 = 1) throws -> Result {
        try model.validate()
        let config = TrainingConfig(sequenceLength: sequenceLength, batch: batch, seed: seed)
        // The limits every training command applies, before the text is allocated.
        try config.validate(for: model)
        try TrainingMemory.checkTraining(model, config)
        var random = RandomGenerator(seed: seed)
        // Text for every chunk, but at most 2^24 tokens (the streams then start again,
        // which costs nothing measurable): a huge --steps must not size the text.
        let chunksWanted = min(steps, 1 << 40) + min(warmup, 1 << 40) + 1
        let chunks = min(chunksWanted, max(1, (1 << 24) / (sequenceLength * batch)))
        let tokenCount = chunks * sequenceLength * batch * 10 / 9 + batch * 2
        let ids: [Int32]
        if let zipfExponent {
            // Inverse CDF: p(rank r) ∝ r^−s, ranks 1…V.
            var cumulative = [Double](repeating: 0, count: model.vocabularySize)
            var total = 0.0
            for index in cumulative.indices {
                total += pow(Double(index + 1), -zipfExponent)
                cumulative[index] = total
            }
            ids = (0..<tokenCount).map { _ in
                let u = random.nextUnitDouble() * total
                var low = 0, high = cumulative.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if cumulative[middle] < u { low = middle + 1 } else { high = middle }
                }
                return Int32(low)
            }
        } else {
            ids = (0..<tokenCount).map { _ in Int32(random.next() % UInt64(model.vocabularySize)) }
        }
        let vocabulary = Vocabulary(level: .char, tokens: (0..<model.vocabularySize).map { "t\($0)" })
        let trainer = try Trainer(model: LanguageModel(config: model, random: &random),
                                  corpus: Corpus(ids: ids, vocabulary: vocabulary), config: config)
        for _ in 0..<warmup { trainer.trainStep() }
        let started = DispatchTime.now().uptimeNanoseconds
        var loss = 0.0
        for _ in 0..<steps { loss = trainer.trainStep().loss }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let rate = Double(steps) * Double(sequenceLength * batch) / seconds
        return Result(tokensPerSecond: rate, gigaflops: rate * flopsPerToken / 1e9, seconds: seconds, finalLoss: loss)
    }
}
