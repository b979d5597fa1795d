// Saliency: how much each input token matters to the next prediction, measured as the
// L2 norm of the gradient of the chosen next token's log-probability with respect to
// that token's embedding vector (the model run from a zero state over the text, batch 1).

/// Per-input-token saliency for one next-token prediction.
public struct Saliency: Sendable, Equatable {
    /// The input's tokens and ids.
    public let tokens: [String]
    public let ids: [Int32]
    /// ‖∂ log p(next | text) / ∂ e_t‖ for every input position t.
    public let scores: [Double]
    /// The token the scores explain, and its probability after the text.
    public let nextToken: Int32
    public let probability: Double

    /// The most tokens an explanation reads: the graph keeps (T, V) probabilities.
    public static func maximumTokens(vocabularySize: Int) -> Int { max(1, min(4096, (64 << 20) / max(vocabularySize, 1))) }

    /// Explains the prediction after `ids` of `target`, or of the most probable token
    /// when `target` is nil. `ids` must hold 1…`maximumTokens` valid ids.
    public init(model: LanguageModel, ids: [Int32], vocabulary: Vocabulary, target: Int32? = nil) {
        let config = model.config, T = ids.count, V = config.vocabularySize
        precondition(T >= 1 && T <= Self.maximumTokens(vocabularySize: V), "saliency needs 1…\(Self.maximumTokens(vocabularySize: V)) tokens")
        let graph = TrainingGraph(config: config, maxSteps: T, batch: 1)
        graph.recordsInputGradients = true
        var random = RandomGenerator(seed: 0)
        ids.withUnsafeBufferPointer { inputs in
            _ = graph.forward(model: model, inputs: inputs, targets: nil, steps: T, training: false, random: &random)
        }
        let last = graph.probabilities.pointer + (T - 1) * V
        let chosen = target ?? Int32((0..<V).max { last[$0] < last[$1] }!)
        probability = Double(last[Int(chosen)])
        // Only the last step's loss, −log p(chosen), is back-propagated (`lastStepOnly`),
        // so the last step's target is the only one backward reads.
        graph.setTarget(chosen, row: T - 1)
        let gradients = FloatBuffer(count: model.parameterCount)
        graph.backward(model: model, gradients: gradients.pointer, lastStepOnly: true)
        tokens = ids.map { vocabulary.tokens[Int($0)] }
        self.ids = ids
        scores = graph.inputGradientNorms()
        nextToken = chosen
    }
}
