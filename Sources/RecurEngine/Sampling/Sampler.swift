// Generates text one token at a time from a model, carrying the hidden state, with the
// same forward code as training (a graph of one step and one stream).
import Foundation

/// Feeds tokens through a model and draws the next one.
public final class Sampler {
    public let model: LanguageModel
    private let graph: TrainingGraph
    private var input: [Int32] = [0]
    private var scratch: [(probability: Float, id: Int32)] = []
    private var weights: [Double] = []
    private var started = false

    public init(model: LanguageModel) {
        self.model = model
        graph = TrainingGraph(config: model.config, maxSteps: 1, batch: 1)
    }

    /// Forgets the hidden state.
    public func reset() {
        graph.resetState()
        started = false
    }

    /// Feeds one token and returns the next-token distribution (V probabilities).
    @discardableResult
    public func feed(_ token: Int32) -> UnsafeBufferPointer<Float> {
        if started { graph.carryState() }
        started = true
        input[0] = token
        var unused = RandomGenerator(seed: 0)
        input.withUnsafeBufferPointer { inputs in
            _ = graph.forward(model: model, inputs: inputs, targets: nil, steps: 1, training: false, random: &unused)
        }
        return UnsafeBufferPointer(start: graph.probabilities.pointer, count: model.config.vocabularySize)
    }

    /// Draws `length` tokens after feeding `prime`, handing each to `emit` without keeping
    /// them: any length streams in constant memory. An error thrown by `emit` stops it.
    public func stream(prime: [Int32], length: Int, settings: SamplingSettings,
                       random: inout RandomGenerator, emit: (Int32) throws -> Void) rethrows {
        precondition(!prime.isEmpty, "sampling needs a token to start from")
        reset()
        var distribution = UnsafeBufferPointer<Float>(start: nil, count: 0)
        for token in prime { distribution = feed(token) }
        for _ in 0..<max(length, 0) {
            let next = choose(from: distribution, settings: settings, random: &random)
            try emit(next)
            distribution = feed(next)
        }
    }

    /// Draws a token from `probabilities` (softmax of z) re-shaped to softmax(z/T), then
    /// cut by top-k and top-p.
    public func choose(from probabilities: UnsafeBufferPointer<Float>, settings: SamplingSettings,
                       random: inout RandomGenerator) -> Int32 {
        Self.choose(from: probabilities, settings: settings, random: &random, scratch: &scratch, weights: &weights)
    }

    static func choose(from probabilities: UnsafeBufferPointer<Float>, settings: SamplingSettings,
                       random: inout RandomGenerator, scratch: inout [(probability: Float, id: Int32)],
                       weights: inout [Double]) -> Int32 {
        let total = SamplingSettings.reshape(probabilities, temperature: Double(settings.temperature), into: &weights)
        return choose(weights: weights, total: total, settings: settings, random: &random, scratch: &scratch)
    }

    /// The draw itself, from weights `SamplingSettings.reshape` made (and their sum): the
    /// top-k and top-p cut, then one uniform number. Shared by every sampling path.
    static func choose(weights: [Double], total: Double, settings: SamplingSettings, random: inout RandomGenerator,
                       scratch: inout [(probability: Float, id: Int32)]) -> Int32 {
        var total = total
        if Double(settings.temperature) < SamplingSettings.greedyBelow {
            return Int32(weights.firstIndex(of: 1) ?? 0)
        }
        scratch.removeAll(keepingCapacity: true)
        let positive = weights.reduce(0) { $1 > 0 ? $0 + 1 : $0 }
        if settings.topK > 0, settings.topK < positive, settings.topP >= 1 {
            // Top-k alone: a partial selection of k, already in the order the cut needs.
            scratch = SamplingSettings.largest(weights, count: settings.topK).map { (Float($0.weight), Int32($0.index)) }
            total = scratch.reduce(0) { $0 + Double($1.probability) }
        } else {
            for (index, weight) in weights.enumerated() where weight > 0 { scratch.append((Float(weight), Int32(index))) }
        }
        let needsCut = (settings.topK > 0 && settings.topK < scratch.count) || settings.topP < 1
        if needsCut {
            scratch.sort { $0.probability != $1.probability ? $0.probability > $1.probability : $0.id < $1.id }
            var keep = settings.topK > 0 ? min(settings.topK, scratch.count) : scratch.count
            if settings.topP < 1 {
                var running: Double = 0
                for index in 0..<keep {
                    running += Double(scratch[index].probability) / total
                    if running >= Double(settings.topP) { keep = index + 1; break }
                }
            }
            scratch.removeSubrange(keep...)
            total = scratch.reduce(0) { $0 + Double($1.probability) }
        }
        var threshold = random.nextUnitDouble() * total
        for entry in scratch {
            threshold -= Double(entry.probability)
            if threshold < 0 { return entry.id }
        }
        return scratch.last?.id ?? 0
    }
}
