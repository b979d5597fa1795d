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
        var weights: [Double]
        if temperature < 1e-6 {
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
            weights = probabilities.indices.map { $0 == best ? 1 : 0 }
        } else {
            // Work in logs, shifted by the maximum, so small T does not underflow.
            let inverse = 1 / temperature
            let logs = probabilities.map { $0 > 0 ? log(Double($0)) * inverse : -Double.infinity }
            let largest = logs.max() ?? 0
            weights = logs.map { exp($0 - largest) }
            let total = max(weights.reduce(0, +), 1e-300)
            weights = weights.map { $0 / total }
        }
        entropy = weights.reduce(0) { $1 > 0 ? $0 - $1 * log($1) : $0 }
        candidates = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
            .prefix(count).map { Candidate(token: Int32($0), probability: Float(weights[$0])) }
    }
}
