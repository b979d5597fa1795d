// Sampling with an observer: every drawn token together with the distribution it was
// drawn from, for the sample pane and the sampling inspector. The same draws as
// `Sampler.stream` (same settings and seed, same text), so the pane, the inspector and
// `recur sample` agree.

/// One drawn token with the distribution (at the sampling temperature) it was drawn from.
public struct SampleStep: Sendable, Equatable {
    public var token: Int32
    public var distribution: NextTokenDistribution

    public init(token: Int32, distribution: NextTokenDistribution) {
        self.token = token
        self.distribution = distribution
    }
}

extension Sampler {
    /// Feeds `prime`, then draws up to `length` tokens, handing each to `observe` with its
    /// distribution's `candidates` most likely tokens and entropy. Stops early when
    /// `observe` returns false (a superseded job). Costs O(V) per token beyond the model:
    /// the candidates come from a partial selection, not a sort.
    public func explore(prime: [Int32], length: Int, settings: SamplingSettings, random: inout RandomGenerator,
                        candidates: Int, observe: (SampleStep) -> Bool) {
        precondition(!prime.isEmpty, "sampling needs a token to start from")
        reset()
        var probabilities = UnsafeBufferPointer<Float>(start: nil, count: 0)
        for token in prime { probabilities = feed(token) }
        var weights: [Double] = []
        var scratch: [(probability: Float, id: Int32)] = []
        for _ in 0..<max(length, 0) {
            // One reshape per token serves both what is shown and what is drawn.
            let total = SamplingSettings.reshape(probabilities, temperature: Double(settings.temperature), into: &weights)
            let distribution = NextTokenDistribution(weights: weights, total: total, count: candidates)
            let next = Sampler.choose(weights: weights, total: total, settings: settings, random: &random, scratch: &scratch)
            guard observe(SampleStep(token: next, distribution: distribution)) else { return }
            probabilities = feed(next)
        }
    }
}
