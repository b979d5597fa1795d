// How the next token is drawn from the model's distribution.
import Foundation

/// Temperature, top-k and top-p (nucleus) settings.
public struct SamplingSettings: Sendable, Equatable {
    /// Divides the logits: softmax(z / T). 0 means greedy (argmax).
    public var temperature: Float
    /// Keep only the k most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all.
    public var topP: Float

    public init(temperature: Float = 0.8, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// Temperatures below this draw greedily (the argmax): p^(1/T) overflows any float.
    /// The one cut-off for the command line, the sample pane and the inspector.
    public static let greedyBelow = 1e-6

    /// softmax(z/T) from the model's softmax(z), as unnormalised weights p^(1/T) in
    /// `weights` (V of them, computed in logs shifted by the largest so that a small T
    /// does not underflow); returns their sum. Below `greedyBelow`: 1 on the argmax (the
    /// first, on ties) and 0 elsewhere. The one place temperature reshapes a distribution.
    public static func reshape(_ probabilities: UnsafeBufferPointer<Float>, temperature: Double, into weights: inout [Double]) -> Double {
        weights.removeAll(keepingCapacity: true)
        guard temperature >= greedyBelow else {
            var best = 0
            for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
            weights.append(contentsOf: repeatElement(0, count: probabilities.count))
            if !weights.isEmpty { weights[best] = 1 }
            return weights.isEmpty ? 0 : 1
        }
        let inverse = 1 / temperature
        var largest = -Double.infinity
        for p in probabilities where p > 0 { largest = max(largest, log(Double(p)) * inverse) }
        var total = 0.0
        for p in probabilities {
            let weight = p > 0 ? exp(log(Double(p)) * inverse - largest) : 0
            weights.append(weight)
            total += weight
        }
        return total
    }

    /// The `count` largest of `weights` as (index, weight), largest first, ties by lower
    /// index: a partial selection in O(V·count), not a sort of all V.
    public static func largest(_ weights: [Double], count: Int) -> [(index: Int, weight: Double)] {
        guard count > 0 else { return [] }
        var kept: [(index: Int, weight: Double)] = []
        kept.reserveCapacity(count + 1)
        for (index, weight) in weights.enumerated() {
            if kept.count == count, let last = kept.last, weight <= last.weight { continue }
            // Insert after every entry at least as large: ties keep the lower index first.
            var position = kept.count
            while position > 0, kept[position - 1].weight < weight { position -= 1 }
            kept.insert((index, weight), at: position)
            if kept.count > count { kept.removeLast() }
        }
        return kept
    }

    public func validate() throws {
        guard temperature.isFinite, temperature >= 0, temperature <= 100 else {
            throw RecurError.invalidArgument("--temperature must be between 0 and 100 (got \(temperature))")
        }
        guard topK >= 0 else { throw RecurError.invalidArgument("--top-k must not be negative (got \(topK))") }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw RecurError.invalidArgument("--top-p must be in (0, 1] (got \(topP))")
        }
    }
}
