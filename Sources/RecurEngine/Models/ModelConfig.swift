// The shape of a language model: which cell, how wide, how deep. Everything that
// fixes the parameter layout lives here; training settings live in TrainingConfig.
import Foundation

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

/// Normalisation inside the recurrent cell. `layer` is layer normalisation (Ba, Kiros &
/// Hinton 2016) of W_ih x and of W_hh h, each over all G gate pre-activations of a row,
/// and for the LSTM of the cell state before its tanh; docs/normalisation.md says where
/// and why, and why not batch normalisation.
public enum NormKind: String, Codable, Sendable, CaseIterable {
    case none, layer

    /// ε inside √(var + ε), nn.LayerNorm's default.
    public static let epsilon: Float = 1e-5
}

/// Tokens are Unicode scalars (`char`) or words (`word`).
public enum TokenLevel: String, Codable, Sendable, CaseIterable {
    case char, word
}

/// The output layer: a full softmax over the vocabulary (`nn.Linear`), or PyTorch's
/// `nn.AdaptiveLogSoftmaxWithLoss` (Grave et al. 2017), which is exact too but pays for
/// rare words only when they occur.
public enum SoftmaxKind: String, Codable, Sendable, CaseIterable {
    case full, adaptive
}

/// Embedding → L stacked recurrent layers → output layer, as PyTorch lays it out.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var cell: CellKind
    public var activation: Activation
    public var vocabularySize: Int
    public var embed: Int
    public var hidden: Int
    public var layers: Int
    /// Dropout on every recurrent layer's output: between layers (as nn.LSTM's `dropout`)
    /// and before the decoder. The embedding is not dropped, so layer 0 keeps its token table.
    public var dropout: Float
    /// The decoder's weight is the encoder's (Press & Wolf): one tensor, both uses'
    /// gradients added. Needs hidden == embed.
    public var tieWeights = false
    /// The output layer's kind; `cutoffs` and `divValue` shape the adaptive one.
    public var softmax = SoftmaxKind.full
    /// Adaptive softmax: the shortlist ends at `cutoffs[0]`, cluster i holds the ids
    /// `cutoffs[i]..<cutoffs[i+1]` (the last ends at V). PyTorch's `cutoffs` argument.
    public var cutoffs: [Int] = []
    /// Adaptive softmax: cluster i projects H down to H // divValue^(i+1) first.
    public var divValue: Float = 4
    /// Layer normalisation inside every layer's cell, or none.
    public var norm = NormKind.none

    /// The cell as panes and legends name it: "LSTM", "RNN relu", "GRU LN".
    public var cellName: String {
        (cell == .rnn ? "RNN \(activation.rawValue)" : cell.rawValue.uppercased()) + (norm == .layer ? " LN" : "")
    }

    public init(cell: CellKind = .rnn, activation: Activation = .tanh, vocabularySize: Int,
                embed: Int, hidden: Int, layers: Int = 1, dropout: Float = 0, tieWeights: Bool = false,
                softmax: SoftmaxKind = .full, cutoffs: [Int] = [], divValue: Float = 4, norm: NormKind = .none) {
        self.norm = norm
        self.tieWeights = tieWeights
        self.softmax = softmax
        self.cutoffs = cutoffs
        self.divValue = divValue
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

    /// With `norm` layer: what each layer normalises and how wide it is — the input and
    /// the recurrent products (G), and the LSTM's cell state (H).
    var layerNormParts: [(name: String, width: Int)] {
        guard norm == .layer else { return [] }
        return [("ih", gateWidth), ("hh", gateWidth)] + (cell == .lstm ? [("c", hidden)] : [])
    }

    /// Adaptive softmax: the shortlist's size, then every cluster's ids and the width of
    /// its projection, as `nn.AdaptiveLogSoftmaxWithLoss.__init__` computes them.
    var adaptiveClusters: [(ids: Range<Int>, projection: Int)] {
        let bounds = cutoffs + [vocabularySize]
        return (0..<cutoffs.count).map { index in
            // PyTorch: hsz = int(in_features // (div_value ** (i + 1))), a float floor.
            let divisor = pow(Double(divValue), Double(index + 1))
            return (bounds[index]..<bounds[index + 1], Int((Double(hidden) / divisor).rounded(.down)))
        }
    }

    /// Floats per row the output layer's forward keeps: V probabilities for the full
    /// softmax; for the adaptive one the head, a gathered input row, a projection and (at
    /// worst) the largest cluster's probabilities.
    var outputRowWidth: Int {
        guard softmax == .adaptive else { return vocabularySize }
        let clusters = adaptiveClusters
        return (cutoffs.first ?? 0) + cutoffs.count + hidden + (clusters.map(\.projection).max() ?? 0)
            + (clusters.map(\.ids.count).max() ?? 0)
    }

    /// Tensor names, shapes and order exactly as PyTorch's `state_dict()` of
    /// `nn.Embedding` + `nn.RNN|LSTM|GRU` + `nn.Linear` (or `nn.AdaptiveLogSoftmaxWithLoss`)
    /// under `encoder`, `rnn`, `decoder`. With `norm` layer, each layer's biases are
    /// followed by its norms' gains and biases as nn.LayerNorm names them:
    /// `rnn.layer_norm_ih_lN.{weight,bias}` and `rnn.layer_norm_hh_lN.*` (G wide), and for
    /// the LSTM `rnn.layer_norm_c_lN.*` (H wide).
    public var layout: ParameterLayout {
        var shapes: [(String, [Int])] = [("encoder.weight", [vocabularySize, embed])]
        for layer in 0..<layers {
            let inputWidth = layer == 0 ? embed : hidden
            shapes.append(("rnn.weight_ih_l\(layer)", [gateWidth, inputWidth]))
            shapes.append(("rnn.weight_hh_l\(layer)", [gateWidth, hidden]))
            shapes.append(("rnn.bias_ih_l\(layer)", [gateWidth]))
            shapes.append(("rnn.bias_hh_l\(layer)", [gateWidth]))
            guard norm == .layer else { continue }
            for (part, width) in layerNormParts {
                shapes.append(("rnn.layer_norm_\(part)_l\(layer).weight", [width]))
                shapes.append(("rnn.layer_norm_\(part)_l\(layer).bias", [width]))
            }
        }
        switch softmax {
        case .full:
            shapes.append(("decoder.weight", [vocabularySize, hidden]))
            shapes.append(("decoder.bias", [vocabularySize]))
        case .adaptive:
            // head_bias=False, PyTorch's default: the head is one weight.
            shapes.append(("decoder.head.weight", [(cutoffs.first ?? 0) + cutoffs.count, hidden]))
            for (index, cluster) in adaptiveClusters.enumerated() {
                shapes.append(("decoder.tail.\(index).0.weight", [cluster.projection, hidden]))
                shapes.append(("decoder.tail.\(index).1.weight", [cluster.ids.count, cluster.projection]))
            }
        }
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
        if softmax == .adaptive {
            try validateAdaptive(name: name)
        } else if !cutoffs.isEmpty {
            throw RecurError.invalidArgument("\(name("cutoffs")) shapes the adaptive softmax; it needs \(name("softmax")) adaptive")
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

    /// PyTorch's own checks on `cutoffs` (increasing, each in 1…V−1, whole numbers), and
    /// ours: every projection at least one wide, and no tying (see `validate`).
    private func validateAdaptive(name: (String) -> String) throws {
        guard !cutoffs.isEmpty, cutoffs.count <= ModelLimits.clusters else {
            throw RecurError.invalidArgument("\(name("cutoffs")) needs 1 to \(ModelLimits.clusters) increasing numbers for \(name("softmax")) adaptive (got \(cutoffs.count))")
        }
        guard vocabularySize >= 2, cutoffs.allSatisfy({ $0 >= 1 && $0 <= vocabularySize - 1 }),
              zip(cutoffs, cutoffs.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw RecurError.invalidArgument("\(name("cutoffs")) must increase strictly, each from 1 to the vocabulary size − 1 = \(vocabularySize - 1) (got \(cutoffs.map(String.init).joined(separator: ",")))")
        }
        guard divValue.isFinite, divValue >= 1, divValue <= 1024 else {
            throw RecurError.invalidArgument("\(name("div-value")) must be from 1 to 1024 (got \(divValue))")
        }
        if let narrow = adaptiveClusters.firstIndex(where: { $0.projection < 1 }) {
            throw RecurError.invalidArgument("\(name("hidden")) \(hidden) // \(name("div-value")) \(divValue)^\(narrow + 1) is 0: cluster \(narrow) would have no projection; use fewer \(name("cutoffs")), a smaller \(name("div-value")) or a wider \(name("hidden"))")
        }
        guard !tieWeights else {
            throw RecurError.invalidArgument("\(name("tie-weights")) ties decoder.weight to the embedding, and \(name("softmax")) adaptive has no decoder.weight (its head covers only the shortlist): use one or the other")
        }
    }
}
