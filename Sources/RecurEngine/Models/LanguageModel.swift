// A recurrent language model's parameters: its config and one flat buffer that holds
// every tensor under its PyTorch name.
import Foundation

/// The weights of Embedding → stacked RNN/LSTM/GRU → Linear. Mutated only by the thread
/// that trains it; `copy()` gives other threads their own.
public final class LanguageModel: @unchecked Sendable {
    public let config: ModelConfig
    public let layout: ParameterLayout
    /// Every parameter, in `layout` order.
    public let parameters: FloatBuffer
    /// Bumped by whoever changes `parameters` in place, so that caches derived from the
    /// weights (packed recurrent matrices) know to rebuild.
    public var version = 0

    /// A model with PyTorch's default initialisation: the embedding from N(0, 1); the
    /// recurrent weights and biases from U(−1/√H, 1/√H); the decoder's weight and bias
    /// from U(−1/√fan_in, 1/√fan_in) (kaiming-uniform with a = √5, as nn.Linear does);
    /// layer-norm gains 1 and biases 0, as nn.LayerNorm starts.
    public init(config: ModelConfig, random: inout RandomGenerator) {
        self.config = config
        self.layout = config.layout
        self.parameters = FloatBuffer(count: layout.totalCount)
        let recurrentBound = 1 / Float(config.hidden).squareRoot()
        // A tied decoder keeps the encoder's initialisation, as PyTorch's
        // `decoder.weight = encoder.weight` after construction does.
        for slot in layout.slots where slot.aliasOf == nil {
            let values = parameters.pointer + slot.offset
            if slot.name == "encoder.weight" {
                for index in 0..<slot.count { values[index] = random.nextNormal() }
            } else if slot.name.hasPrefix("rnn.layer_norm_") {
                values.update(repeating: slot.name.hasSuffix(".weight") ? 1 : 0, count: slot.count)
            } else {
                // nn.Linear's bound is 1/√fan_in: H for the decoder and the adaptive
                // softmax's head and projections, d_i for a cluster's output layer.
                let isDecoderMatrix = slot.name.hasPrefix("decoder.") && slot.shape.count == 2
                let bound = isDecoderMatrix ? 1 / Float(slot.shape[1]).squareRoot() : recurrentBound
                for index in 0..<slot.count {
                    values[index] = (random.nextUnitFloat() * 2 - 1) * bound
                }
            }
        }
    }

    /// A model over given parameter values (for example read from a checkpoint).
    public init(config: ModelConfig, parameters values: [Float]) {
        precondition(values.count == config.layout.totalCount, "parameter count does not match the config")
        self.config = config
        self.layout = config.layout
        self.parameters = FloatBuffer(values)
    }

    /// An independent copy of the weights, for sampling or inspection on another thread.
    public func copy() -> LanguageModel {
        LanguageModel(config: config, parameters: parameters.array)
    }

    /// Pointer to the tensor called `name`.
    public func tensor(_ name: String) -> UnsafeMutablePointer<Float> {
        parameters.pointer + layout[name].offset
    }

    public var parameterCount: Int { layout.totalCount }
}
