// The shape of a language model: which cell, how wide, how deep. Everything that
// fixes the parameter layout lives here; training settings live in TrainingConfig.

/// The recurrent cell of every layer.
public enum CellKind: String, Codable, Sendable, CaseIterable {
    case rnn, lstm, gru

    /// Rows of `weight_ih`/`weight_hh` per hidden unit: PyTorch stacks the gates.
    public var gateCount: Int {
        switch self {
        case .rnn: 1
        case .lstm: 4
        case .gru: 3
        }
    }
}

/// The nonlinearity of a vanilla RNN (LSTM and GRU fix their own).
public enum Activation: String, Codable, Sendable, CaseIterable {
    case tanh, sigmoid, relu
}

/// Tokens are Unicode scalars (`char`) or words (`word`).
public enum TokenLevel: String, Codable, Sendable, CaseIterable {
    case char, word
}

/// Embedding → L stacked recurrent layers → Linear decoder, as PyTorch lays it out.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var cell: CellKind
    public var activation: Activation
    public var vocabularySize: Int
    public var embed: Int
    public var hidden: Int
    public var layers: Int
    /// Dropout on the embedding output, between layers and before the decoder.
    public var dropout: Float
    /// The decoder's weight is the encoder's (Press & Wolf): one tensor, both uses'
    /// gradients added. Needs hidden == embed.
    public var tieWeights = false

    public init(cell: CellKind = .rnn, activation: Activation = .tanh, vocabularySize: Int,
                embed: Int, hidden: Int, layers: Int = 1, dropout: Float = 0, tieWeights: Bool = false) {
        self.tieWeights = tieWeights
        self.cell = cell
        self.activation = activation
        self.vocabularySize = vocabularySize
        self.embed = embed
        self.hidden = hidden
        self.layers = layers
        self.dropout = dropout
    }

    /// Width of the stacked gate pre-activations: H, 4H or 3H.
    public var gateWidth: Int { cell.gateCount * hidden }

    /// Tensor names, shapes and order exactly as PyTorch's `state_dict()` of
    /// `nn.Embedding` + `nn.RNN|LSTM|GRU` + `nn.Linear` under `encoder`, `rnn`, `decoder`.
    public var layout: ParameterLayout {
        var shapes: [(String, [Int])] = [("encoder.weight", [vocabularySize, embed])]
        for layer in 0..<layers {
            let inputWidth = layer == 0 ? embed : hidden
            shapes.append(("rnn.weight_ih_l\(layer)", [gateWidth, inputWidth]))
            shapes.append(("rnn.weight_hh_l\(layer)", [gateWidth, hidden]))
            shapes.append(("rnn.bias_ih_l\(layer)", [gateWidth]))
            shapes.append(("rnn.bias_hh_l\(layer)", [gateWidth]))
        }
        shapes.append(("decoder.weight", [vocabularySize, hidden]))
        shapes.append(("decoder.bias", [vocabularySize]))
        return ParameterLayout(shapes, aliases: tieWeights ? ["decoder.weight": "encoder.weight"] : [:])
    }

    /// Checks every size against `ModelLimits` before anything depends on it; the message
    /// names the offending value as `name` spells it (a flag by default, a checkpoint
    /// field when reading one).
    public func validate(name: (String) -> String = { "--\($0)" }) throws {
        try ModelLimits.check(vocabularySize, in: 1...ModelLimits.vocabulary, name("vocab_size"))
        try ModelLimits.check(embed, in: 1...ModelLimits.width, name("embed"))
        try ModelLimits.check(hidden, in: 1...ModelLimits.width, name("hidden"))
        try ModelLimits.check(layers, in: 1...ModelLimits.layers, name("layers"))
        guard !tieWeights || hidden == embed else {
            throw RecurError.invalidArgument("\(name("tie-weights")) needs \(name("hidden")) equal to \(name("embed")) (got \(hidden) and \(embed)): the decoder's weight is the encoder's")
        }
        guard dropout.isFinite, dropout >= 0, dropout < 1 else {
            throw RecurError.invalidArgument("\(name("dropout")) must be in [0, 1) (got \(dropout))")
        }
        // Every size is bounded now, so the count cannot overflow.
        let parameterCount = layout.totalCount
        guard parameterCount <= ModelLimits.parameters else {
            throw RecurError.invalidArgument("the model would have \(parameterCount) parameters; the limit is 2^31 − 1")
        }
    }
}
