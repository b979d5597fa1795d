// Gradient flow through time: how much of the last step's loss reaches the hidden state
// k steps earlier, ‖∂L_T/∂h_{T−k}‖, per layer. A vanilla RNN's curve falls off quickly
// (vanishing gradients); an LSTM's or GRU's gates keep it up for longer.
import Foundation

/// ‖∂L_T/∂h_{T−k}‖ for k = 0…T−1, per layer, for one probe batch.
public struct GradientFlow: Sendable, Equatable {
    /// norms[layer][k], k steps back from the last step.
    public let norms: [[Double]]

    public init(norms: [[Double]]) { self.norms = norms }

    /// Runs `model` over `inputs` (T, B) from a zero state and back-propagates the loss
    /// of the last step alone.
    public init(model: LanguageModel, inputs: [Int32], targets: [Int32], steps: Int, batch: Int) {
        let graph = TrainingGraph(config: model.config, maxSteps: steps, batch: batch)
        graph.recordsHiddenGradients = true
        var random = RandomGenerator(seed: 0)
        inputs.withUnsafeBufferPointer { inputs in
            targets.withUnsafeBufferPointer { targets in
                _ = graph.forward(model: model, inputs: inputs, targets: targets, steps: steps, training: false, random: &random)
            }
        }
        let gradients = FloatBuffer(count: model.parameterCount)
        graph.backward(model: model, gradients: gradients.pointer, lastStepOnly: true)
        norms = (0..<model.config.layers).map { Array(graph.hiddenGradientNorms(layer: $0).reversed()) }
    }

    /// The flow for the first chunk of `corpus`'s validation text (or its training text
    /// when that is too short) in `batch` streams of `steps` tokens.
    public init(model: LanguageModel, ids: Slice<TokenIDs>, steps: Int, batch: Int) throws {
        let streams = BatchStreams(ids: ids, batch: batch)
        guard streams.fits(position: 0, steps: steps) else {
            throw RecurError.invalidCorpus("the text is too short for \(batch) streams of \(steps + 1) tokens")
        }
        var inputs = [Int32](repeating: 0, count: steps * batch), targets = inputs
        inputs.withUnsafeMutableBufferPointer { i in
            targets.withUnsafeMutableBufferPointer { t in streams.fill(position: 0, steps: steps, inputs: i, targets: t) }
        }
        self.init(model: model, inputs: inputs, targets: targets, steps: steps, batch: batch)
    }

    /// How far the last layer's gradient falls over the window: norm at k = T−1 over k = 0.
    public var retention: Double {
        guard let last = norms.last, let first = last.first, first > 0, let end = last.last else { return 0 }
        return end / first
    }
}
