// A Recur checkpoint: the model's tensors under PyTorch's names, plus everything an
// exact resume needs — optimizer moments (optim.*), the carried hidden state (state.*),
// step, tokens, data position, RNG — and the config and vocabulary as JSON metadata.
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

/// The `training` metadata: where training stood.
public struct TrainingProgress: Codable, Equatable, Sendable {
    public var step: Int
    public var tokens: Int
    public var position: Int
    public var optimizer: OptimizerSettings
    public var optimizerSteps: Int
    public var clip: Float
    public var seed: UInt64
    /// xoshiro state as decimal strings (JSON numbers lose 64-bit precision).
    public var random: [String]
    public var corpusTokens: Int
    public var corpusHash: String
    public var validationLoss: Double?
    public var schedule: LearningRateSchedule
    public var plateau: PlateauState

    enum CodingKeys: String, CodingKey {
        case step, tokens, position, optimizer, clip, seed, random, schedule, plateau
        case optimizerSteps = "optimizer_steps", corpusTokens = "corpus_tokens", corpusHash = "corpus_hash"
        case validationLoss = "val_loss"
    }

    public init(step: Int, tokens: Int, position: Int, optimizer: OptimizerSettings, optimizerSteps: Int, clip: Float,
                seed: UInt64, random: [String], corpusTokens: Int, corpusHash: String, validationLoss: Double?,
                schedule: LearningRateSchedule, plateau: PlateauState) {
        self.step = step
        self.tokens = tokens
        self.position = position
        self.optimizer = optimizer
        self.optimizerSteps = optimizerSteps
        self.clip = clip
        self.seed = seed
        self.random = random
        self.corpusTokens = corpusTokens
        self.corpusHash = corpusHash
        self.validationLoss = validationLoss
        self.schedule = schedule
        self.plateau = plateau
    }

    /// Schedule and plateau state may be absent (checkpoints written before they existed).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(Int.self, forKey: .step)
        tokens = try container.decode(Int.self, forKey: .tokens)
        position = try container.decode(Int.self, forKey: .position)
        optimizer = try container.decode(OptimizerSettings.self, forKey: .optimizer)
        optimizerSteps = try container.decode(Int.self, forKey: .optimizerSteps)
        clip = try container.decode(Float.self, forKey: .clip)
        seed = try container.decode(UInt64.self, forKey: .seed)
        random = try container.decode([String].self, forKey: .random)
        corpusTokens = try container.decode(Int.self, forKey: .corpusTokens)
        corpusHash = try container.decode(String.self, forKey: .corpusHash)
        validationLoss = try container.decodeIfPresent(Double.self, forKey: .validationLoss)
        schedule = try container.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule) ?? .constant
        plateau = try container.decodeIfPresent(PlateauState.self, forKey: .plateau) ?? PlateauState()
    }
}

extension TrainingProgress {
    /// Counters stay far below Int.max so that training on cannot overflow them.
    static let counterLimit = 1 << 60

    /// Every field within its range (the data position is checked against the corpus on
    /// resume, where the corpus is known); messages name the field as the file spells it.
    func validate() throws {
        for (name, value) in [("step", step), ("tokens", tokens), ("position", position),
                              ("optimizer_steps", optimizerSteps), ("corpus_tokens", corpusTokens)] {
            try ModelLimits.check(value, in: 0...TrainingProgress.counterLimit, "training.\(name)")
        }
        let words = random.compactMap { UInt64($0) }
        guard random.count == 4, words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw RecurError.invalidArgument("training.random must be four 64-bit numbers, not all zero")
        }
        if let validationLoss, !validationLoss.isFinite || validationLoss < 0 {
            throw RecurError.invalidArgument("training.val_loss must be a finite, non-negative number")
        }
        if let best = plateau.best, !best.isFinite {
            throw RecurError.invalidArgument("training.plateau.best must be finite")
        }
        try ModelLimits.check(plateau.evaluationsWithoutImprovement, in: 0...TrainingProgress.counterLimit,
                              "training.plateau.evaluationsWithoutImprovement")
        let names = ["lr": "optimizer.learningRate", "weight-decay": "optimizer.weightDecay", "clip": "clip"]
        try TrainingConfig(sequenceLength: 1, batch: 1, optimizer: optimizer, clip: clip, seed: seed, schedule: schedule)
            .validate(name: { "training.\(names[$0] ?? "optimizer.\($0)")" })
    }
}

/// Everything a checkpoint file holds.
public struct Checkpoint {
    public var config: CheckpointConfig
    public var vocabulary: Vocabulary
    public var model: LanguageModel
    public var progress: TrainingProgress?
    public var optimizerFirst: [Float]?
    public var optimizerSecond: [Float]?
    public var carriedState: [Float]?
    /// The run's curves, best validation loss, training time and last sample.
    public var history = RunHistory()
    /// The file it was read from ("" for one made in memory), for error messages.
    public var path = ""

    /// A checkpoint of a trainer's complete state.
    public init(trainer: Trainer, corpus: Corpus, lowercase: Bool, minCount: Int, validationLoss: Double?, embedInit: String? = nil,
                maxVocab: Int? = nil) {
        let model = trainer.model.config
        config = CheckpointConfig(level: corpus.vocabulary.level, cell: model.cell, activation: model.activation,
                                  vocabSize: model.vocabularySize, embed: model.embed, hidden: model.hidden,
                                  layers: model.layers, seq: trainer.config.sequenceLength, batch: trainer.config.batch,
                                  dropout: model.dropout, lowercase: lowercase, minCount: minCount,
                                  tieWeights: model.tieWeights, freezeEmbed: trainer.config.freezeEmbedding, embedInit: embedInit)
        config.softmax = model.softmax
        config.cutoffs = model.cutoffs
        config.divValue = model.divValue
        config.maxVocab = maxVocab
        config.norm = model.norm
        vocabulary = corpus.vocabulary
        self.model = trainer.model.copy()
        progress = TrainingProgress(
            step: trainer.step, tokens: trainer.tokensSeen, position: trainer.position,
            optimizer: trainer.optimizer.settings, optimizerSteps: trainer.optimizer.stepCount,
            clip: trainer.config.clip, seed: trainer.config.seed,
            random: trainer.random.stateWords.map { String($0) },
            corpusTokens: corpus.ids.count, corpusHash: Checkpoint.hash(corpus.ids), validationLoss: validationLoss,
            schedule: trainer.config.schedule, plateau: trainer.plateau)
        optimizerFirst = trainer.optimizer.first.array
        optimizerSecond = trainer.optimizer.second.array
        carriedState = trainer.carriedState
        history = trainer.history
    }

    /// FNV-1a over the token ids, as 16 hex digits: tells whether a resume sees the same text.
    public static func hash(_ ids: some Sequence<Int32>) -> String {
        var value: UInt64 = 0xCBF2_9CE4_8422_2325
        for id in ids {
            var word = UInt32(bitPattern: id)
            for _ in 0..<4 {
                value = (value ^ UInt64(word & 0xFF)) &* 0x0000_0100_0000_01B3
                word >>= 8
            }
        }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // MARK: - Writing

    /// Names of the optimizer's two buffers as PyTorch calls them, where used.
    static func optimizerNames(_ kind: OptimizerKind) -> (first: String?, second: String?) {
        switch kind {
        case .adam: ("exp_avg", "exp_avg_sq")
        case .sgd: ("momentum_buffer", nil)
        case .rmsprop: (nil, "square_avg")
        case .adagrad: (nil, "sum")
        }
    }

    /// Room in the header for everything but the vocabulary: config, training progress
    /// and the run's history (downsampled to a bounded size), with a wide margin.
    static let headerReserve = 4 << 20

    /// Refuses, before any training, a vocabulary too large for the checkpoint header it
    /// is stored in (SafeTensors.maximumHeaderLength), so a run never trains only to
    /// write a checkpoint it cannot read. The writer enforces the same cap.
    public static func checkVocabularyFits(_ vocabulary: Vocabulary) throws {
        try checkVocabularyFits(vocabulary, headerLimit: SafeTensors.maximumHeaderLength)
    }

    /// The check against a given cap (tests lower it).
    static func checkVocabularyFits(_ vocabulary: Vocabulary, headerLimit: Int) throws {
        let stored = storedVocabularyBound(vocabulary.tokens)
        let limit = headerLimit - headerReserve
        guard stored <= limit else {
            throw RecurError.invalidCorpus("the vocabulary (\(vocabulary.count) tokens) would take \(stored >> 20) MiB of the checkpoint header, above the \(limit >> 20) MiB Recur allows it (the header's limit is \(headerLimit >> 20) MiB); raise --min-count to keep fewer words")
        }
    }

    /// An upper bound on the bytes the vocabulary takes in the header, where it is JSON
    /// (`write`) inside a JSON string (the safetensors header): exact for plain words.
    /// Counted instead of encoded because encoding a vocabulary of tens of MB takes
    /// Foundation's encoders minutes.
    static func storedVocabularyBound(_ tokens: [String]) -> Int {
        var bytes = 4  // "[ and ]" around the list
        for token in tokens {
            bytes += 5  // \"…\", and the comma
            for scalar in token.unicodeScalars {
                switch scalar.value {
                case 0x22, 0x5C, 0x2F: bytes += 4          // " \ / escaped twice: \\\"
                case 0..<0x20, 0x2028, 0x2029: bytes += 7  // \\u00XX at worst
                case 0xFEFF: bytes += 6                    // \ufeff (SafeTensors.escapingByteOrderMarks)
                default: bytes += UTF8.width(scalar)
                }
            }
        }
        return bytes
    }

    /// Writes through `OutputFile`: atomically (temporary file, fsync, rename) for a
    /// regular file, so a crash leaves either the old file or the new one, never a torn one.
    public func write(to path: String) throws {
        try OutputFile.write(try serialized(), to: path, what: "checkpoint")
    }

    /// The checkpoint's bytes, as `write(to:)` writes them.
    public func serialized() throws -> Data {
        var file = SafeTensors()
        var order: [String] = []
        func add(_ name: String, _ shape: [Int], _ values: [Float]) {
            file.set(name, shape: shape, values: values)
            order.append(name)
        }
        let layout = model.layout
        let parameters = model.parameters.array
        for slot in layout.slots { add(slot.name, slot.shape, Array(parameters[slot.offset..<slot.offset + slot.count])) }
        if let progress {
            let names = Checkpoint.optimizerNames(progress.optimizer.kind)
            for (name, buffer) in [(names.first, optimizerFirst), (names.second, optimizerSecond)] {
                guard let name, let buffer else { continue }
                for slot in layout.slots {
                    add("optim.\(slot.name).\(name)", slot.shape, Array(buffer[slot.offset..<slot.offset + slot.count]))
                }
            }
        }
        if let carriedState {
            let perState = config.layers * config.batch * config.hidden
            add("state.h", [config.layers, config.batch, config.hidden], Array(carriedState.prefix(perState)))
            if config.cell == .lstm {
                add("state.c", [config.layers, config.batch, config.hidden], Array(carriedState.suffix(perState)))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        file.metadata["format"] = "recur-1"
        file.metadata["config"] = String(decoding: try encoder.encode(config), as: UTF8.self)
        file.metadata["vocab"] = String(decoding: try encoder.encode(vocabulary.tokens), as: UTF8.self)
        if let progress { file.metadata["training"] = String(decoding: try encoder.encode(progress), as: UTF8.self) }
        file.metadata["history"] = String(decoding: try encoder.encode(history), as: UTF8.self)
        return try file.serialized(order: order)
    }

    // MARK: - Reading

    /// Reads and validates a checkpoint. This is the trust boundary for everything in the
    /// file: every size in the config is bounded (`ModelLimits`), the vocabulary is checked
    /// against the config, every tensor's shape against the config, and the training
    /// progress against its ranges, all before anything is allocated from those numbers.
    /// Without `trainingState` the optimizer moments and carried state are not loaded
    /// (sampling, evaluation and inspection need only the weights).
    public static func read(from path: String, trainingState: Bool = true) throws -> Checkpoint {
        let file = try SafeTensors(contentsOf: path)
        func bad(_ reason: String) -> RecurError { .invalidCheckpoint("\(path) is not a Recur checkpoint: \(reason)") }
        func checked(_ what: () throws -> Void) throws {
            do { try what() } catch let error as RecurError { throw bad(error.description) }
        }
        let config: CheckpointConfig = try decodeMetadata(file, key: "config", path: path)
        let tokens: [String] = try decodeMetadata(file, key: "vocab", path: path)

        // The config, every number bounded before any of them sizes anything.
        let modelConfig = config.model
        try checked {
            try modelConfig.validate(name: { "config.\($0)" })
            try ModelLimits.check(config.seq, in: 1...ModelLimits.sequenceLength, "config.seq")
            try ModelLimits.check(config.batch, in: 1...ModelLimits.batch, "config.batch")
            try ModelLimits.check(config.minCount, in: 1...Int.max, "config.min_count")
            if let maxVocab = config.maxVocab { try ModelLimits.check(maxVocab, in: 2...ModelLimits.vocabulary, "config.max_vocab") }
            try ModelLimits.checkWorkspace(modelConfig, steps: config.seq, batch: config.batch, names: { "config.\($0)" })
        }
        // What this machine can hold, before any tensor is read: a resumed run holds the
        // weights and moments read here, a copy of the weights, and its own training.
        if trainingState {
            try TrainingMemory.check(TrainingMemory.bytes(modelConfig, steps: config.seq, batch: config.batch, copies: 4),
                                     for: "resuming \(path) (\(modelConfig.layout.totalCount) parameters)")
        } else {
            try TrainingMemory.check(TrainingMemory.readingBytes(modelConfig),
                                     for: "reading \(path) (\(modelConfig.layout.totalCount) parameters)")
        }

        // The vocabulary against the config.
        guard tokens.count == config.vocabSize else {
            throw bad("the vocabulary has \(tokens.count) tokens but config.vocab_size is \(config.vocabSize)")
        }
        // Exact scalars: the Kelvin sign and K are two characters, though equal Strings.
        guard Set(tokens.map(TokenKey.init)).count == tokens.count else { throw bad("the vocabulary repeats a token") }
        if let wrong = tokens.firstIndex(where: { config.level == .char ? $0.unicodeScalars.count != 1 : $0.isEmpty }) {
            throw bad("vocabulary entry \(wrong) (\(tokens[wrong].debugDescription)) is not " + (config.level == .char ? "one character" : "a word"))
        }

        // Every tensor's shape against the config, then the copy.
        let layout = modelConfig.layout
        for slot in layout.slots {
            guard let shape = file.shape(of: slot.name) else { throw bad("tensor \(slot.name) is missing") }
            guard shape == slot.shape else { throw bad("tensor \(slot.name) has shape \(shape), but the config needs \(slot.shape)") }
        }
        var parameters = [Float](repeating: 0, count: layout.totalCount)
        for slot in layout.slots where slot.aliasOf == nil {
            parameters.replaceSubrange(slot.offset..<slot.offset + slot.count, with: try file.tensor(slot.name)!.values)
        }
        // A tied tensor is stored twice, as PyTorch's state_dict stores it: the copies must agree.
        for slot in layout.slots where slot.aliasOf != nil {
            guard try file.tensor(slot.name)!.values.elementsEqual(parameters[slot.offset..<slot.offset + slot.count], by: { $0.bitPattern == $1.bitPattern }) else {
                throw bad("config.tie_weights is set but tensor \(slot.name) differs from \(slot.aliasOf!)")
            }
        }
        guard !(config.tieWeights && config.freezeEmbed) else { throw bad("config.tie_weights and config.freeze_embed exclude each other") }
        var checkpoint = Checkpoint(config: config, vocabulary: Vocabulary(level: config.level, tokens: tokens, lowercase: config.lowercase),
                                    model: LanguageModel(config: modelConfig, parameters: parameters))
        checkpoint.path = path
        // Checkpoints written before histories existed have none.
        if file.metadata["history"] != nil {
            checkpoint.history = try decodeMetadata(file, key: "history", path: path)
            try checked { try checkpoint.history.validate() }
        }
        guard file.metadata["training"] != nil else { return checkpoint }

        let progress: TrainingProgress = try decodeMetadata(file, key: "training", path: path)
        try checked { try progress.validate() }
        checkpoint.progress = progress
        guard trainingState else { return checkpoint }
        let names = optimizerNames(progress.optimizer.kind)
        func gather(_ suffix: String?) throws -> [Float]? {
            guard let suffix else { return nil }
            for slot in layout.slots where file.shape(of: "optim.\(slot.name).\(suffix)") != slot.shape {
                throw bad("tensor optim.\(slot.name).\(suffix) is missing or misshapen")
            }
            var values = [Float](repeating: 0, count: layout.totalCount)
            for slot in layout.slots where slot.aliasOf == nil {
                values.replaceSubrange(slot.offset..<slot.offset + slot.count, with: try file.tensor("optim.\(slot.name).\(suffix)")!.values)
            }
            return values
        }
        checkpoint.optimizerFirst = try gather(names.first)
        checkpoint.optimizerSecond = try gather(names.second)
        let stateShape = [config.layers, config.batch, config.hidden]
        if let shape = file.shape(of: "state.h") {
            guard shape == stateShape else { throw bad("tensor state.h has shape \(shape), but the config needs \(stateShape)") }
            var state = try file.tensor("state.h")!.values
            if config.cell == .lstm {
                guard file.shape(of: "state.c") == stateShape else { throw bad("tensor state.c is missing or misshapen") }
                state += try file.tensor("state.c")!.values
            }
            checkpoint.carriedState = state
        }
        return checkpoint
    }

    /// Decodes the JSON string stored under `key` in the metadata; a failure names the
    /// field and what was wrong with it.
    static func decodeMetadata<Value: Decodable>(_ file: SafeTensors, key: String, path: String) throws -> Value {
        func bad(_ reason: String) -> RecurError { .invalidCheckpoint("\(path) is not a Recur checkpoint: \(reason)") }
        guard let text = file.metadata[key] else { throw bad("its metadata has no \"\(key)\"") }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            func field(_ path: [CodingKey]) -> String {
                ([key] + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }).joined(separator: ".")
            }
            switch error {
            case .keyNotFound(let missing, let context): throw bad("\(field(context.codingPath + [missing])) is missing")
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                throw bad(context.codingPath.isEmpty ? "\"\(key)\" is not JSON, or holds a fraction or an out-of-range number where a whole number belongs"
                                                     : "\(field(context.codingPath)) has the wrong type or an impossible value")
            @unknown default: throw bad("\"\(key)\" is unreadable")
            }
        } catch {
            throw bad("\"\(key)\" is unreadable")
        }
    }

    private init(config: CheckpointConfig, vocabulary: Vocabulary, model: LanguageModel) {
        self.config = config
        self.vocabulary = vocabulary
        self.model = model
    }

    // MARK: - Continuing

    /// A trainer that continues exactly where this checkpoint stopped: weights, optimizer
    /// state, step, tokens, data position, carried state and RNG. The corpus must be the
    /// one the checkpoint was trained on.
    public func resumedTrainer(corpus: Corpus) throws -> Trainer {
        guard let progress, carriedState != nil else {
            throw RecurError.invalidCheckpoint("the checkpoint holds weights only; use --init to start from them")
        }
        guard corpus.ids.count == progress.corpusTokens, Checkpoint.hash(corpus.ids) == progress.corpusHash else {
            throw RecurError.invalidCorpus("the corpus differs from the one this checkpoint was trained on (\(progress.corpusTokens) tokens, hash \(progress.corpusHash)); resume needs the same text")
        }
        var training = TrainingConfig(sequenceLength: config.seq, batch: config.batch, optimizer: progress.optimizer,
                                      clip: progress.clip, seed: progress.seed, schedule: progress.schedule)
        training.freezeEmbedding = config.freezeEmbed
        let trainer = try Trainer(model: model.copy(), corpus: corpus, config: training)
        try restore(into: trainer)
        return trainer
    }

    /// Puts this checkpoint's complete state into an existing trainer of the same shape
    /// (for rolling back after a divergence).
    public func restore(into trainer: Trainer) throws {
        guard let progress, let carriedState else {
            throw RecurError.invalidCheckpoint("the checkpoint holds weights only and cannot be resumed")
        }
        guard trainer.model.config == model.config, trainer.config.batch == config.batch,
              trainer.config.sequenceLength == config.seq else {
            throw RecurError.invalidCheckpoint("the checkpoint's model does not match the one training")
        }
        // The position indexes the token streams: it must lie within them.
        guard progress.position <= trainer.streams.streamLength else {
            throw RecurError.invalidCheckpoint("\(path.isEmpty ? "the checkpoint" : path): training.position \(progress.position) lies past the end of the text's \(config.batch) streams (\(trainer.streams.streamLength) tokens each)")
        }
        trainer.model.parameters.pointer.update(from: model.parameters.pointer, count: model.parameterCount)
        trainer.model.version += 1
        trainer.step = progress.step
        trainer.tokensSeen = progress.tokens
        trainer.position = progress.position
        trainer.random = RandomGenerator(state: progress.random.map { UInt64($0)! })
        trainer.optimizer.settings = progress.optimizer
        trainer.optimizer.restore(first: optimizerFirst ?? [Float](repeating: 0, count: model.parameterCount),
                                  second: optimizerSecond ?? [Float](repeating: 0, count: model.parameterCount),
                                  stepCount: progress.optimizerSteps)
        trainer.carriedState = carriedState
        trainer.plateau = progress.plateau
        trainer.lastValidationLoss = progress.validationLoss
        trainer.history = history
    }
}
