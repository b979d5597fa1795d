// What a run has been through, kept with its weights so that a reopened run looks as it
// did: the training loss (raw and smoothed), the validation losses, the best validation
// loss, the training time and the last sample shown. Bounded: when the curve grows past
// its limit its older half is thinned (every other point kept), so a run of any length
// keeps its whole shape in a few hundred kilobytes of checkpoint metadata.
import Foundation

/// One point of a loss curve.
public struct HistoryPoint: Codable, Sendable, Equatable {
    public var step: Int
    public var tokens: Int
    public var loss: Double
    /// Seconds of training (pauses excluded) when it was measured.
    public var elapsed: Double

    public init(step: Int, tokens: Int, loss: Double, elapsed: Double) {
        self.step = step
        self.tokens = tokens
        self.loss = loss
        self.elapsed = elapsed
    }
}

/// A run's curves and figures, as stored under `history` in a checkpoint.
public struct RunHistory: Codable, Sendable, Equatable {
    /// Training loss of every step (older stretches thinned).
    public private(set) var train: [HistoryPoint] = []
    /// The moving average of the training loss (weight 0.98 on the past) at each point of
    /// `train`: what `recur train` reports as the smoothed loss.
    public private(set) var smoothed: [Double] = []
    public private(set) var validation: [HistoryPoint] = []
    public private(set) var bestValidation: Double?
    /// Seconds of training so far, pauses excluded; the drivers keep it current.
    public var elapsed: Double = 0
    /// The last sample the workbench showed, and the step of the weights it came from.
    public var sample: String?
    public var sampleStep: Int?

    /// Points kept per curve before the older half is thinned.
    public static let trainLimit = 2_000
    public static let validationLimit = 1_000
    public static let sampleLimit = 8_192
    static let smoothing = 0.98

    public init() {}

    enum CodingKeys: String, CodingKey {
        case train, smoothed, validation, elapsed, sample
        case bestValidation = "best_val_loss", sampleStep = "sample_step"
    }

    /// The smoothed training loss at the last step, if any.
    public var lastSmoothed: Double? { smoothed.last }
    public var lastValidation: HistoryPoint? { validation.last }

    /// A point at or before the last one's step (after a rollback) replaces what followed.
    public mutating func recordTraining(step: Int, tokens: Int, loss: Double) {
        while let last = train.last, last.step >= step {
            train.removeLast()
            smoothed.removeLast()
        }
        train.append(HistoryPoint(step: step, tokens: tokens, loss: loss, elapsed: elapsed))
        smoothed.append(smoothed.last.map { RunHistory.smoothing * $0 + (1 - RunHistory.smoothing) * loss } ?? loss)
        if train.count > RunHistory.trainLimit {
            train = RunHistory.thinned(train, limit: RunHistory.trainLimit)
            smoothed = RunHistory.thinned(smoothed, limit: RunHistory.trainLimit)
        }
    }

    public mutating func recordValidation(step: Int, tokens: Int, loss: Double) {
        while let last = validation.last, last.step >= step { validation.removeLast() }
        validation.append(HistoryPoint(step: step, tokens: tokens, loss: loss, elapsed: elapsed))
        bestValidation = min(bestValidation ?? loss, loss)
        if validation.count > RunHistory.validationLimit {
            validation = RunHistory.thinned(validation, limit: RunHistory.validationLimit)
        }
    }

    /// Every other point of the older half, the newer half whole.
    public static func thinned<Element>(_ points: [Element], limit: Int) -> [Element] {
        let recent = limit / 2
        let older = points.dropLast(recent).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        return older + points.suffix(recent)
    }

    /// The trust boundary for a history read from a file: bounded sizes, finite values,
    /// steps in order. Messages name the field as the file spells it.
    public func validate() throws {
        func bad(_ reason: String) -> RecurError { .invalidArgument("history.\(reason)") }
        guard train.count <= RunHistory.trainLimit, validation.count <= RunHistory.validationLimit else {
            throw bad("train or validation holds more than \(RunHistory.trainLimit) points")
        }
        guard smoothed.count == train.count else { throw bad("smoothed has \(smoothed.count) values for \(train.count) points") }
        for (name, points) in [("train", train), ("validation", validation)] {
            var previous = -1
            for point in points {
                guard point.step > previous, point.step <= TrainingProgress.counterLimit, point.tokens >= 0,
                      point.tokens <= TrainingProgress.counterLimit, point.loss.isFinite, point.loss >= 0,
                      point.elapsed.isFinite, point.elapsed >= 0 else {
                    throw bad("\(name) has a point out of range or out of order (step \(point.step))")
                }
                previous = point.step
            }
        }
        guard smoothed.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw bad("smoothed holds a value that is not finite") }
        if let bestValidation, !bestValidation.isFinite || bestValidation < 0 { throw bad("best_val_loss is not finite") }
        guard elapsed.isFinite, elapsed >= 0, elapsed < 1e10 else { throw bad("elapsed is out of range") }
        if let sample, sample.unicodeScalars.count > RunHistory.sampleLimit { throw bad("sample is longer than \(RunHistory.sampleLimit) characters") }
        if let sampleStep, !(0...TrainingProgress.counterLimit).contains(sampleStep) { throw bad("sample_step is out of range") }
    }
}
