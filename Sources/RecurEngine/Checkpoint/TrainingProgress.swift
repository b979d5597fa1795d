// The `training` metadata of a checkpoint: where training stood (step, tokens, data
// position, RNG, optimizer and schedule state), and the ranges a file's values must keep.
import Foundation

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
