// Learning-rate decay: by a factor every N steps (torch.optim.lr_scheduler.StepLR) or
// when the validation loss stops improving (ReduceLROnPlateau, relative threshold 1e-4).

/// How the learning rate changes during training.
public enum LearningRateSchedule: Codable, Sendable, Equatable {
    case constant
    /// Multiply by `factor` after every `every` steps.
    case step(every: Int, factor: Float)
    /// Multiply by `factor` when `patience` validations in a row bring no improvement.
    case plateau(patience: Int, factor: Float)

    public func validate() throws {
        switch self {
        case .constant: return
        case .step(let every, let factor):
            guard every > 0 else { throw RecurError.invalidArgument("--lr-decay-every must be positive (got \(every))") }
            try Self.check(factor)
        case .plateau(let patience, let factor):
            guard patience >= 0 else { throw RecurError.invalidArgument("--lr-patience must not be negative (got \(patience))") }
            try Self.check(factor)
        }
    }

    private static func check(_ factor: Float) throws {
        guard factor > 0, factor < 1 else { throw RecurError.invalidArgument("--lr-decay must be in (0, 1) (got \(factor))") }
    }
}

/// The plateau detector's memory, saved in checkpoints for an exact resume.
public struct PlateauState: Codable, Sendable, Equatable {
    public var best: Double?
    public var evaluationsWithoutImprovement = 0

    public init() {}
}
