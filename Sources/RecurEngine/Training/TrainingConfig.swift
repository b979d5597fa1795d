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

    public init(sequenceLength: Int = 64, batch: Int = 32, optimizer: OptimizerSettings = OptimizerSettings(),
                clip: Float = 5, seed: UInt64 = 1, schedule: LearningRateSchedule = .constant) {
        self.sequenceLength = sequenceLength
        self.batch = batch
        self.optimizer = optimizer
        self.clip = clip
        self.seed = seed
        self.schedule = schedule
    }

    public func validate() throws {
        guard sequenceLength > 0 else { throw RecurError.invalidArgument("--seq must be positive (got \(sequenceLength))") }
        guard batch > 0 else { throw RecurError.invalidArgument("--batch must be positive (got \(batch))") }
        let rate = optimizer.learningRate
        guard rate.isFinite, rate > 0 else { throw RecurError.invalidArgument("--lr must be positive (got \(rate))") }
        guard clip.isFinite, clip >= 0 else { throw RecurError.invalidArgument("--clip must be 0 (off) or positive (got \(clip))") }
        try schedule.validate()
        guard optimizer.momentum.isFinite, optimizer.momentum >= 0, optimizer.momentum < 1 else {
            throw RecurError.invalidArgument("--momentum must be in [0, 1) (got \(optimizer.momentum))")
        }
        guard !optimizer.nesterov || (optimizer.kind == .sgd && optimizer.momentum > 0) else {
            throw RecurError.invalidArgument("--nesterov needs --optimizer sgd and a positive --momentum")
        }
        let decay = optimizer.weightDecay
        guard decay.isFinite, decay >= 0 else { throw RecurError.invalidArgument("--weight-decay must not be negative (got \(decay))") }
    }
}
