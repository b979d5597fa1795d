// What the session tells the outside world about training: immutable values, safe to
// hand to another thread.
import Foundation

/// Whether the session is training.
public enum TrainingState: String, Sendable, Equatable {
    case running, paused, diverged, stopped
}

/// One training loss, tagged with the step that produced it.
public struct LossPoint: Sendable, Equatable {
    public let step: Int
    public let tokens: Int
    public let loss: Double
    /// Seconds of training (pauses excluded) when the loss was measured.
    public let elapsed: Double

    public init(step: Int, tokens: Int, loss: Double, elapsed: Double = 0) {
        self.step = step
        self.tokens = tokens
        self.loss = loss
        self.elapsed = elapsed
    }
}

/// Progress posted by a Session. Frequent fields arrive with every snapshot; the weights
/// copy and the hidden-state probe arrive at a lower rate (nil in between).
public struct TrainingSnapshot: Sendable {
    public var step: Int
    public var tokens: Int
    /// Passes over the training text (tokens / training tokens).
    public var epoch: Double
    /// Losses of the steps since the previous snapshot.
    public var newLosses: [LossPoint]
    /// Validation losses computed since the previous snapshot.
    public var newValidationLosses: [LossPoint]
    public var gradientNorm: Double
    public var tokensPerSecond: Double
    /// Seconds spent training so far (pauses excluded).
    public var elapsed: Double = 0
    public var learningRate: Float
    public var state: TrainingState
    /// A message for the user (for example why training paused), or nil.
    public var notice: String?
    /// A private copy of the weights, for sampling and neighbour queries.
    public var model: LanguageModel?
    public var probe: HiddenStateProbe?
    /// ‖∂L_T/∂h_{T−k}‖ on a validation batch, with the weights copy.
    public var gradientFlow: GradientFlow?
    public var vocabulary: Vocabulary
    /// When the last checkpoint was written, if ever.
    public var lastSaved: Date?
    /// When the session published it: the workbench's reducer reads time only from here.
    public var time = Date()
    /// The input embedding as word vectors, built on the session's queue with each
    /// weights copy (the neighbour list and the map are computed from it).
    public var vectors: WordVectors?
    /// The run's history so far, in the first snapshot only (a reopened run's curves).
    public var history: RunHistory?
    /// Validation runs every this many steps.
    public var evaluationInterval = 0
    /// Which validation tokens the validation loss reads, when not all (Trainer).
    public var evaluationSlice: String?
    /// How much of a validation under way has been read (0–1), nil when none is.
    public var validationProgress: Double?

    public init(step: Int, tokens: Int, epoch: Double, newLosses: [LossPoint], newValidationLosses: [LossPoint],
                gradientNorm: Double, tokensPerSecond: Double, learningRate: Float, state: TrainingState,
                notice: String?, model: LanguageModel?, probe: HiddenStateProbe?, vocabulary: Vocabulary) {
        self.step = step
        self.tokens = tokens
        self.epoch = epoch
        self.newLosses = newLosses
        self.newValidationLosses = newValidationLosses
        self.gradientNorm = gradientNorm
        self.tokensPerSecond = tokensPerSecond
        self.learningRate = learningRate
        self.state = state
        self.notice = notice
        self.model = model
        self.probe = probe
        self.vocabulary = vocabulary
    }
}
