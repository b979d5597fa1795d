// A training run on its own serial Dispatch queue. Commands go in; immutable snapshots
// come out on the main queue at a bounded rate. The trainer is touched only on `queue`,
// in pieces (a burst of steps, a slice of a validation pass) with commands handled
// between them, so that a command waits for at most one step or one validation chunk.
import Dispatch
import Foundation

/// Commands a session accepts; each is applied between two training steps.
public enum SessionCommand: Sendable, Equatable {
    case pause, resume, stepOnce, stop
    /// Writes a checkpoint now (when the session has somewhere to save).
    case save
    /// Remembers the sample the workbench shows, so that the checkpoint keeps it.
    case noteSample(text: String, step: Int)
    /// Compute the gradient flow through time with every weights copy (it costs about
    /// half a training step, so only while someone looks at it).
    case measureGradientFlow(Bool)
    /// Multiplies the learning rate (every model's, in a race).
    case scaleLearningRate(Float)
}

/// Writes a checkpoint of a trainer; called on the session's queue between steps. It may
/// return a line for the user (a file another program left at the path was kept).
public typealias CheckpointWriter = @Sendable (Trainer) throws -> String?

/// Runs a Trainer in the background and reports progress.
public final class Session: @unchecked Sendable {
    /// How often the frequent snapshot fields are posted.
    public var snapshotInterval: TimeInterval = 0.1
    /// How often a weights copy and hidden-state probe are attached.
    public var weightsInterval: TimeInterval = 1.5
    /// Copies of the weights a session and its viewer hold besides the trainer's: the
    /// array a copy passes through, the copy in flight, and the one on screen
    /// (TrainingMemory counts them before a workbench starts).
    public static let weightCopies = 3
    /// Validation runs every this many steps (and when paused).
    public var evaluationInterval = 200
    /// A run without a validation loss gets its first after this much training.
    public static let firstEvaluationSeconds = 10.0
    /// The most of the training time that periodic validation may take (#23): a pass that
    /// falls due sooner than `1 / validationShare` times the last pass's time after it is
    /// put off to a later multiple of `evaluationInterval`. A small text at 200 steps is
    /// validated every 200 steps; a slow one, less often, whatever its size and model.
    public static let validationShare = 0.05
    /// With a writer, a checkpoint is written this often while training.
    public var autosaveInterval: TimeInterval = 300

    private let queue = DispatchQueue(label: "recur.session", qos: .userInitiated)
    private let trainer: Trainer
    private let vocabulary: Vocabulary
    private let probeIDs: [Int32]
    private let deliver: @Sendable (TrainingSnapshot) -> Void
    private let trainingTokenCount: Int
    private let writer: CheckpointWriter?

    // Confined to `queue`.
    private var state: TrainingState = .paused
    private var pendingLosses: [LossPoint] = []
    private var pendingValidation: [LossPoint] = []
    private var lastSnapshot = Date.distantPast
    private var lastWeights = Date.distantPast
    private var lastGradientNorm = 0.0
    private var tokensPerSecond = 0.0
    private var lastEvaluatedStep = -1
    private var notice: String?
    private var measuresGradientFlow = false
    private var lastSaved: Date?
    /// Seconds spent in training bursts.
    private var trainingSeconds = 0.0
    private var lastSaveAttempt = Date()
    /// The validation under way, read a chunk at a time between commands (a whole pass
    /// takes minutes at V = 226k with the full softmax); training waits until it ends, so
    /// the model it reads does not change and its loss belongs to `step`.
    private var validation: (pass: ValidationPass, step: Int, tokens: Int)?
    /// Seconds the last finished periodic pass took, and `trainingSeconds` when it ended.
    private var lastValidationSeconds = 0.0
    private var trainingSecondsAtLastValidation = 0.0
    /// Seconds spent in the pass under way.
    private var validationSeconds = 0.0
    /// Whether a `work()` is queued: one chain of bursts and slices, never two.
    private var workScheduled = false

    /// `deliver` runs on the main queue. `probeIDs` is the text the hidden-state probe
    /// runs over (for example the start of the validation split).
    public init(trainer: Trainer, vocabulary: Vocabulary, probeIDs: [Int32], writer: CheckpointWriter? = nil,
                deliver: @escaping @Sendable (TrainingSnapshot) -> Void) {
        self.trainer = trainer
        self.writer = writer
        self.vocabulary = vocabulary
        self.probeIDs = probeIDs
        self.deliver = deliver
        self.trainingTokenCount = max(trainer.streams.streamLength * trainer.streams.batch, 1)
        // A reopened run's clock goes on from where it stopped.
        self.trainingSeconds = trainer.history.elapsed
    }

    /// Starts training (or only posts a first snapshot when `paused`).
    public func start(paused: Bool = false) {
        queue.async {
            self.state = paused ? .paused : .running
            self.publish(withWeights: true, history: true)
            if !paused { self.scheduleWork() }
        }
    }

    public func send(_ command: SessionCommand) {
        queue.async { self.handle(command) }
    }

    private func handle(_ command: SessionCommand) {
        switch command {
        case .pause:
            guard state == .running else { return }
            state = .paused
            evaluateIfDue(force: true)
            publish(withWeights: true)
            scheduleWork()
        case .resume:
            guard state == .paused || state == .diverged else { return }
            state = .running
            notice = nil
            publish(withWeights: false)
            scheduleWork()
        case .stepOnce:
            guard state == .paused || state == .diverged else { return }
            // A validation of the weights before this step is superseded by the next one.
            validation = nil
            runStep()
            evaluateIfDue(force: true)
            publish(withWeights: true)
            scheduleWork()
        case .stop:
            state = .stopped
            validation = nil
            publish(withWeights: false)
        case .save:
            save()
            publish(withWeights: false)
        case .measureGradientFlow(let enabled):
            measuresGradientFlow = enabled
            if enabled { publish(withWeights: true) }
        case .noteSample(let text, let step):
            trainer.history.sample = String(String.UnicodeScalarView(text.unicodeScalars.prefix(RunHistory.sampleLimit)))
            trainer.history.sampleStep = step
        case .scaleLearningRate(let factor):
            trainer.optimizer.settings.learningRate *= factor
            publish(withWeights: false)
        }
    }

    /// Queues the next piece of work (a validation slice, else a training burst) unless
    /// one is queued already.
    private func scheduleWork() {
        guard !workScheduled else { return }
        workScheduled = true
        queue.async {
            self.workScheduled = false
            if self.validation != nil { self.validateSlice() } else { self.trainBurst() }
        }
    }

    /// Reads the validation under way for about one snapshot interval (at least one
    /// chunk), records its loss when it ends, then yields the queue to commands.
    private func validateSlice() {
        guard let running = validation else { return }
        let started = Date()
        repeat {
            running.pass.advance()
        } while !running.pass.isFinished && Date().timeIntervalSince(started) < snapshotInterval
        validationSeconds += Date().timeIntervalSince(started)
        if running.pass.isFinished {
            validation = nil
            lastValidationSeconds = validationSeconds
            trainingSecondsAtLastValidation = trainingSeconds
            if let loss = running.pass.loss {
                trainer.noteValidationLoss(loss)
                pendingValidation.append(LossPoint(step: running.step, tokens: running.tokens, loss: loss, elapsed: trainingSeconds))
            }
        }
        publish(withWeights: false)
        if validation != nil || state == .running { scheduleWork() }
    }

    /// Trains for about one snapshot interval, then yields the queue so that commands
    /// are handled promptly; a validation that falls due ends the burst.
    private func trainBurst() {
        guard state == .running else { return }
        let started = Date()
        var tokens = 0
        repeat {
            tokens += trainer.config.sequenceLength * trainer.config.batch
            runStep()
            if state != .running { break }
            evaluateIfDue(force: false, trainedSeconds: trainingSeconds + Date().timeIntervalSince(started))
        } while validation == nil && Date().timeIntervalSince(started) < snapshotInterval
        let elapsed = Date().timeIntervalSince(started)
        trainingSeconds += elapsed
        trainer.history.elapsed = trainingSeconds
        if elapsed > 0 {
            let rate = Double(tokens) / elapsed
            tokensPerSecond = tokensPerSecond == 0 ? rate : 0.7 * tokensPerSecond + 0.3 * rate
        }
        let now = Date()
        if writer != nil, now.timeIntervalSince(lastSaveAttempt) >= autosaveInterval { save() }
        if now.timeIntervalSince(lastSnapshot) >= snapshotInterval {
            publish(withWeights: now.timeIntervalSince(lastWeights) >= weightsInterval)
        }
        if state == .running { scheduleWork() } else { publish(withWeights: true) }
    }

    /// Writes a checkpoint through the writer; failures become the notice.
    @discardableResult
    private func save() -> Bool {
        guard let writer else { return false }
        lastSaveAttempt = Date()
        do {
            let note = try writer(trainer)
            lastSaved = Date()
            if state != .diverged { notice = note }
            return true
        } catch {
            notice = "checkpoint not saved: \(error)"
            return false
        }
    }

    /// Saves (if the session has a writer) and reports whether it did, with the writer's
    /// line if any, on the session's queue after the current step; for quitting without
    /// losing work.
    public func saveBeforeExit(save: Bool = true, completion: @escaping @Sendable (Result<(saved: Bool, note: String?), Error>) -> Void) {
        queue.async {
            self.state = .stopped
            self.validation = nil
            guard save, let writer = self.writer else { return completion(.success((false, nil))) }
            do {
                let note = try writer(self.trainer)
                completion(.success((true, note)))
            } catch {
                completion(.failure(error))
            }
        }
    }

    private func runStep() {
        let result = trainer.trainStep()
        lastGradientNorm = result.gradientNorm
        if result.applied {
            pendingLosses.append(LossPoint(step: trainer.step, tokens: trainer.tokensSeen, loss: result.loss, elapsed: trainingSeconds))
        } else {
            state = .diverged
            notice = "training diverged at step \(trainer.step + 1) (loss \(result.loss), gradient norm \(result.gradientNorm)); the step was skipped — lower the learning rate and resume"
        }
    }

    /// Due every `evaluationInterval` steps, and once after `firstEvaluationSeconds` of
    /// training when the run has no validation loss yet, so that one appears soon at any
    /// step time. Starts the pass; `validateSlice` reads it.
    private func evaluateIfDue(force: Bool, trainedSeconds: Double = 0) {
        let step = trainer.step
        let firstIsDue = trainer.history.validation.isEmpty && trainedSeconds >= Session.firstEvaluationSeconds
        let periodicIsDue = Session.periodicValidationIsDue(step: step, interval: evaluationInterval,
                                                            trainedSinceLast: trainedSeconds - trainingSecondsAtLastValidation,
                                                            lastPassSeconds: lastValidationSeconds)
        guard step != lastEvaluatedStep, force || firstIsDue || periodicIsDue else { return }
        lastEvaluatedStep = step
        validationSeconds = 0
        validation = trainer.startValidation().map { (pass: $0, step: step, tokens: trainer.tokensSeen) }
    }

    /// A periodic validation falls due on a multiple of `interval`, once the training since
    /// the last pass is at least `1 / validationShare` times that pass's time.
    static func periodicValidationIsDue(step: Int, interval: Int, trainedSinceLast: Double, lastPassSeconds: Double) -> Bool {
        step > 0 && interval > 0 && step % interval == 0 && trainedSinceLast >= lastPassSeconds / validationShare
    }

    /// The gradient flow on up to 8 streams of the validation text (the training text if
    /// the validation split is too short), or nil when neither fits one chunk.
    private func gradientFlow(_ model: LanguageModel) -> GradientFlow? {
        let steps = trainer.config.sequenceLength, batch = min(trainer.config.batch, 8)
        for ids in [trainer.validationIDs, trainer.trainingIDs] where ids.count > batch * (steps + 1) {
            return try? GradientFlow(model: model, ids: ids, steps: steps, batch: batch)
        }
        return nil
    }

    private func publish(withWeights: Bool, history: Bool = false) {
        var snapshot = TrainingSnapshot(
            step: trainer.step, tokens: trainer.tokensSeen,
            epoch: Double(trainer.tokensSeen) / Double(trainingTokenCount),
            newLosses: pendingLosses, newValidationLosses: pendingValidation,
            gradientNorm: lastGradientNorm, tokensPerSecond: state == .running ? tokensPerSecond : 0,
            learningRate: trainer.optimizer.settings.learningRate, state: state, notice: notice,
            model: nil, probe: nil, vocabulary: vocabulary)
        snapshot.lastSaved = lastSaved
        snapshot.elapsed = trainingSeconds
        snapshot.evaluationInterval = evaluationInterval
        snapshot.evaluationSlice = trainer.evaluationSliceDescription
        snapshot.validationProgress = validation?.pass.fractionDone
        if history { snapshot.history = trainer.history }
        if withWeights {
            let copy = trainer.model.copy()
            snapshot.model = copy
            snapshot.vectors = try? WordVectors(model: copy, vocabulary: vocabulary)
            snapshot.probe = HiddenStateProbe(model: copy, ids: probeIDs, vocabulary: vocabulary)
            if measuresGradientFlow { snapshot.gradientFlow = gradientFlow(copy) }
            lastWeights = Date()
        }
        pendingLosses.removeAll(keepingCapacity: true)
        pendingValidation.removeAll(keepingCapacity: true)
        lastSnapshot = Date()
        let deliver = self.deliver
        let finished = snapshot
        DispatchQueue.main.async { deliver(finished) }
    }
}
