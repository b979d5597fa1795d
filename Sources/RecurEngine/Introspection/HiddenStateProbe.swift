// What the hidden units do over a piece of text: the model is run from a zero state over
// the probe tokens and the last layer's h_t recorded at every step.

/// Activations of H units over T probe tokens.
public struct HiddenStateProbe: Sendable, Equatable {
    /// The probe's tokens as text, one entry per time step.
    public let tokens: [String]
    public let units: Int
    /// (T, H) row-major: activations[t·H + unit].
    public let activations: [Float]

    public init(tokens: [String], units: Int, activations: [Float]) {
        self.tokens = tokens
        self.units = units
        self.activations = activations
    }

    /// Runs `model` over `ids` (batch 1, zero start) and records the last layer's h_t.
    public init(model: LanguageModel, ids: [Int32], vocabulary: Vocabulary) {
        let H = model.config.hidden
        let graph = TrainingGraph(config: model.config, maxSteps: max(ids.count, 1), batch: 1)
        var random = RandomGenerator(seed: 0)
        var values: [Float] = []
        if !ids.isEmpty {
            ids.withUnsafeBufferPointer { inputs in
                _ = graph.forward(model: model, inputs: inputs, targets: nil, steps: ids.count, training: false, random: &random)
            }
            values = Array(UnsafeBufferPointer(start: graph.layerOutputs(model.config.layers - 1), count: ids.count * H))
        }
        self.init(tokens: ids.map { vocabulary.tokens[Int($0)] }, units: H, activations: values)
    }

    public var steps: Int { tokens.count }

    public func activation(step: Int, unit: Int) -> Float { activations[step * units + unit] }
}
