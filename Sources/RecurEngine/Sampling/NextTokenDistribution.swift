// The next-token distribution as the sampler sees it at a temperature: its most likely
// candidates and its entropy — what the sample pane and the sampling inspector show.
import Foundation

/// The top candidates of softmax(z/T) and its entropy in nats.
public struct NextTokenDistribution: Sendable, Equatable {
    public let candidates: [Candidate]
    public let entropy: Double

    public struct Candidate: Sendable, Equatable {
        public let token: Int32
        public let probability: Float

        public init(token: Int32, probability: Float) {
            self.token = token
            self.probability = probability
        }
    }

    public init(candidates: [Candidate], entropy: Double) {
        self.candidates = candidates
        self.entropy = entropy
    }

    /// Reshapes `probabilities` (softmax of z) to softmax(z/T) — p^(1/T), renormalised —
    /// and keeps the `count` most likely tokens. T = 0 puts all mass on the argmax.
    public init(probabilities: UnsafeBufferPointer<Float>, temperature: Double, count: Int) {
        var weights: [Double] = []
        self.init(probabilities: probabilities, temperature: temperature, count: count, scratch: &weights)
    }

    /// The same, reusing `scratch` for the V weights (one allocation per sample, not per token).
    public init(probabilities: UnsafeBufferPointer<Float>, temperature: Double, count: Int, scratch weights: inout [Double]) {
        let total = SamplingSettings.reshape(probabilities, temperature: temperature, into: &weights)
        self.init(weights: weights, total: total, count: count)
    }

    /// From weights `SamplingSettings.reshape` made, and their sum.
    public init(weights: [Double], total: Double, count: Int) {
        let total = max(total, 1e-300)
        var entropy = 0.0
        for weight in weights where weight > 0 {
            let p = weight / total
            entropy -= p * log(p)
        }
        self.entropy = entropy
        candidates = SamplingSettings.largest(weights, count: count).map {
            Candidate(token: Int32($0.index), probability: Float($0.weight / total))
        }
    }
}
