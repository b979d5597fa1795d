// How a model is trained: chunk length, streams, optimizer, clipping, seed.

/// Settings of the training loop; the model's shape is in ModelConfig.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// T: time steps per chunk (the truncated-BPTT window).
    public var sequenceLength: Int
    /// B: parallel streams.
    public var batch: Int
    public var optimizer: OptimizerSettings
    /// Maximum global gradient norm; 0 disables clipping.
    public var clip: Float
    public var seed: UInt64
    public var schedule: LearningRateSchedule
    /// Keep the input embedding (encoder.weight) as it is: no update, no weight decay, and
    /// its gradient left out of the clipping norm (PyTorch's requires_grad = False).
    public var freezeEmbedding = false

    public init(sequenceLength: Int = 64, batch: Int = 32, optimizer: OptimizerSettings = OptimizerSettings(),
                clip: Float = 5, seed: UInt64 = 1, schedule: LearningRateSchedule = .constant) {
        self.sequenceLength = sequenceLength
        self.batch = batch
        self.optimizer = optimizer
        self.clip = clip
        self.seed = seed
        self.schedule = schedule
    }

    /// Checks every setting; the message names the offending value as `name` spells it
    /// (a flag by default, a checkpoint field when reading one).
    public func validate(name: (String) -> String = { "--\($0)" }) throws {
        func bad(_ key: String, _ rule: String, _ value: Float) -> RecurError {
            .invalidArgument("\(name(key)) must be \(rule) (got \(value))")
        }
        try ModelLimits.check(sequenceLength, in: 1...ModelLimits.sequenceLength, name("seq"))
        try ModelLimits.check(batch, in: 1...ModelLimits.batch, name("batch"))
        let rate = optimizer.learningRate
        guard rate.isFinite, rate > 0 else { throw bad("lr", "> 0", rate) }
        guard clip.isFinite, clip >= 0 else { throw bad("clip", "0 (off) or positive", clip) }
        try schedule.validate()
        guard optimizer.momentum.isFinite, optimizer.momentum >= 0, optimizer.momentum < 1 else {
            throw bad("momentum", "in [0, 1)", optimizer.momentum)
        }
        guard !optimizer.nesterov || (optimizer.kind == .sgd && optimizer.momentum > 0) else {
            throw RecurError.invalidArgument("--nesterov needs --optimizer sgd and a positive --momentum")
        }
        let decay = optimizer.weightDecay
        guard decay.isFinite, decay >= 0 else { throw bad("weight-decay", "0 or positive", decay) }
        // Not flags, but a checkpoint carries them: PyTorch's own ranges.
        for (key, value) in [("beta1", optimizer.beta1), ("beta2", optimizer.beta2), ("alpha", optimizer.alpha)] {
            guard value.isFinite, value >= 0, value < 1 else { throw bad(key, "in [0, 1)", value) }
        }
        guard optimizer.epsilon.isFinite, optimizer.epsilon > 0 else { throw bad("epsilon", "> 0", optimizer.epsilon) }
    }

    /// Checks every setting, then that a training graph of `model` for B × T rows fits
    /// the working-memory limit: what every command that trains (train, the workbench,
    /// race, gradflow, bench) must pass before anything is allocated.
    public func validate(for model: ModelConfig, name: (String) -> String = { "--\($0)" }) throws {
        try validate(name: name)
        try ModelLimits.checkWorkspace(model, steps: sequenceLength, batch: batch, names: name)
    }
}
