// Reading a checkpoint: the trust boundary for everything in a file. Every size, name,
// shape and range is checked before anything is allocated from it.
import Foundation

extension Checkpoint {
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
}
