// The `config` metadata of a checkpoint: the model's shape and how its text was cut into
// tokens, as the file spells them (Checkpoint+Reading.swift validates it).
import Foundation

/// The `config` metadata: the model's shape plus how its text was cut into tokens.
public struct CheckpointConfig: Codable, Equatable, Sendable {
    public var level: TokenLevel
    public var cell: CellKind
    public var activation: Activation
    public var vocabSize: Int
    public var embed: Int
    public var hidden: Int
    public var layers: Int
    public var seq: Int
    public var batch: Int
    public var dropout: Float
    public var lowercase: Bool
    public var minCount: Int
    /// decoder.weight is encoder.weight (both are stored, with the same data).
    public var tieWeights = false
    /// The embedding is not trained.
    public var freezeEmbed = false
    /// The vectors file the embedding started from, if any (for the record).
    public var embedInit: String?
    /// The output layer: "full" (decoder.weight, decoder.bias) or "adaptive"
    /// (decoder.head.weight, decoder.tail.i.j.weight), with PyTorch's `cutoffs` and
    /// `div_value`; absent in checkpoints written before it existed, which are full.
    public var softmax = SoftmaxKind.full
    public var cutoffs: [Int] = []
    public var divValue: Float = 4
    /// The vocabulary cap the text was read with (--max-vocab), if any.
    public var maxVocab: Int?
    /// Normalisation inside the cells: "layer" adds the rnn.layer_norm_* tensors; absent
    /// (written only for "layer") means "none", as in checkpoints written before it existed.
    public var norm = NormKind.none

    enum CodingKeys: String, CodingKey {
        case level, cell, activation, embed, hidden, layers, seq, batch, dropout, lowercase, softmax, cutoffs
        case vocabSize = "vocab_size", minCount = "min_count", tieWeights = "tie_weights", freezeEmbed = "freeze_embed"
        case embedInit = "embed_init", divValue = "div_value", maxVocab = "max_vocab", norm
    }

    public init(level: TokenLevel, cell: CellKind, activation: Activation, vocabSize: Int, embed: Int, hidden: Int,
                layers: Int, seq: Int, batch: Int, dropout: Float, lowercase: Bool, minCount: Int,
                tieWeights: Bool = false, freezeEmbed: Bool = false, embedInit: String? = nil) {
        self.level = level
        self.cell = cell
        self.activation = activation
        self.vocabSize = vocabSize
        self.embed = embed
        self.hidden = hidden
        self.layers = layers
        self.seq = seq
        self.batch = batch
        self.dropout = dropout
        self.lowercase = lowercase
        self.minCount = minCount
        self.tieWeights = tieWeights
        self.freezeEmbed = freezeEmbed
        self.embedInit = embedInit
    }

    /// Tying, freezing and the embedding's source may be absent (written before they existed).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        level = try container.decode(TokenLevel.self, forKey: .level)
        cell = try container.decode(CellKind.self, forKey: .cell)
        activation = try container.decode(Activation.self, forKey: .activation)
        vocabSize = try container.decode(Int.self, forKey: .vocabSize)
        embed = try container.decode(Int.self, forKey: .embed)
        hidden = try container.decode(Int.self, forKey: .hidden)
        layers = try container.decode(Int.self, forKey: .layers)
        seq = try container.decode(Int.self, forKey: .seq)
        batch = try container.decode(Int.self, forKey: .batch)
        dropout = try container.decode(Float.self, forKey: .dropout)
        lowercase = try container.decode(Bool.self, forKey: .lowercase)
        minCount = try container.decode(Int.self, forKey: .minCount)
        tieWeights = try container.decodeIfPresent(Bool.self, forKey: .tieWeights) ?? false
        freezeEmbed = try container.decodeIfPresent(Bool.self, forKey: .freezeEmbed) ?? false
        embedInit = try container.decodeIfPresent(String.self, forKey: .embedInit)
        softmax = try container.decodeIfPresent(SoftmaxKind.self, forKey: .softmax) ?? .full
        cutoffs = try container.decodeIfPresent([Int].self, forKey: .cutoffs) ?? []
        divValue = try container.decodeIfPresent(Float.self, forKey: .divValue) ?? 4
        maxVocab = try container.decodeIfPresent(Int.self, forKey: .maxVocab)
        norm = try container.decodeIfPresent(NormKind.self, forKey: .norm) ?? .none
    }

    /// Written only for an adaptive softmax, a capped vocabulary or a norm, so that other
    /// checkpoints stay byte for byte as before.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(level, forKey: .level)
        try container.encode(cell, forKey: .cell)
        try container.encode(activation, forKey: .activation)
        try container.encode(vocabSize, forKey: .vocabSize)
        try container.encode(embed, forKey: .embed)
        try container.encode(hidden, forKey: .hidden)
        try container.encode(layers, forKey: .layers)
        try container.encode(seq, forKey: .seq)
        try container.encode(batch, forKey: .batch)
        try container.encode(dropout, forKey: .dropout)
        try container.encode(lowercase, forKey: .lowercase)
        try container.encode(minCount, forKey: .minCount)
        try container.encode(tieWeights, forKey: .tieWeights)
        try container.encode(freezeEmbed, forKey: .freezeEmbed)
        try container.encodeIfPresent(embedInit, forKey: .embedInit)
        if softmax == .adaptive {
            try container.encode(softmax, forKey: .softmax)
            try container.encode(cutoffs, forKey: .cutoffs)
            try container.encode(divValue, forKey: .divValue)
        }
        try container.encodeIfPresent(maxVocab, forKey: .maxVocab)
        if norm != .none { try container.encode(norm, forKey: .norm) }
    }

    public var model: ModelConfig {
        ModelConfig(cell: cell, activation: activation, vocabularySize: vocabSize, embed: embed,
                    hidden: hidden, layers: layers, dropout: dropout, tieWeights: tieWeights,
                    softmax: softmax, cutoffs: cutoffs, divValue: divValue, norm: norm)
    }
}
