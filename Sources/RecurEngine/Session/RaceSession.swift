// Several models trained side by side on the same text, seed and batches — an
// "architecture race". One serial queue steps each model in turn, so every model sees
// the same number of tokens at any moment (each step still uses all cores), and each
// model's tokens/s is measured from its own step times.
import Dispatch
import Foundation

/// What a race reports about one model.
public struct RaceEntrySnapshot: Sendable {
    public var newLosses: [LossPoint]
    public var newValidationLosses: [LossPoint]
    public var tokensPerSecond: Double
    public var step: Int
    /// A copy of the weights, at a lower rate.
    public var model: LanguageModel?
}

/// Progress of all the models.
public struct RaceSnapshot: Sendable {
    public var entries: [RaceEntrySnapshot]
    public var state: TrainingState
    public var elapsed: Double
    /// When it was published: the workbench's reducer reads time only from here.
    public var time = Date()
}

/// Trains several trainers round-robin on a serial queue.
public final class RaceSession: @unchecked Sendable {
    public var snapshotInterval: TimeInterval = 0.1
    public var weightsInterval: TimeInterval = 1.5
    /// Copies of each model's weights besides its trainer's, as `Session.weightCopies`.
    public static let weightCopies = Session.weightCopies
    public var evaluationInterval = 100

    private let queue = DispatchQueue(label: "recur.race", qos: .userInitiated)
    private let trainers: [Trainer]
    private let deliver: @Sendable (RaceSnapshot) -> Void
    // Confined to `queue`.
    private var state: TrainingState = .paused
    private var pending: [[LossPoint]]
    private var pendingValidation: [[LossPoint]]
    private var stepSeconds: [Double]
    private var trainingSeconds = 0.0
    private var lastSnapshot = Date.distantPast
    private var lastWeights = Date.distantPast

    public init(trainers: [Trainer], deliver: @escaping @Sendable (RaceSnapshot) -> Void) {
        self.trainers = trainers
        self.deliver = deliver
        pending = Array(repeating: [], count: trainers.count)
        pendingValidation = pending
        stepSeconds = Array(repeating: 0, count: trainers.count)
    }

    public func start(paused: Bool = false) {
        queue.async {
            self.state = paused ? .paused : .running
            self.publish(withWeights: true)
            if !paused { self.queue.async { self.burst() } }
        }
    }

    /// pause, resume, step once, stop and learning-rate changes apply to every model; the
    /// commands about one run's checkpoint and probes do not apply to a race.
    public func send(_ command: SessionCommand) {
        queue.async {
            switch command {
            case .stepOnce where self.state == .paused:
                self.round()
                self.publish(withWeights: true)
            case .scaleLearningRate(let factor):
                for trainer in self.trainers { trainer.optimizer.settings.learningRate *= factor }
                self.publish(withWeights: false)
            case .pause where self.state == .running:
                self.state = .paused
                self.publish(withWeights: true)
            case .resume where self.state != .running && self.state != .stopped:
                self.state = .running
                self.publish(withWeights: false)
                self.queue.async { self.burst() }
            case .stop:
                self.state = .stopped
            default:
                break
            }
        }
    }

    /// One round of steps — one per model — repeated for about one snapshot interval.
    private func burst() {
        guard state == .running else { return }
        let started = Date()
        repeat {
            round()
        } while Date().timeIntervalSince(started) < snapshotInterval
        let now = Date()
        if now.timeIntervalSince(lastSnapshot) >= snapshotInterval {
            publish(withWeights: now.timeIntervalSince(lastWeights) >= weightsInterval)
        }
        queue.async { self.burst() }
    }

    /// One step of every model, in turn.
    private func round() {
        for (index, trainer) in trainers.enumerated() {
            let stepStarted = DispatchTime.now().uptimeNanoseconds
            let result = trainer.trainStep()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - stepStarted) / 1e9
            // A moving average of each model's own step time gives its tokens/s.
            stepSeconds[index] = stepSeconds[index] == 0 ? seconds : 0.9 * stepSeconds[index] + 0.1 * seconds
            trainingSeconds += seconds
            if result.applied {
                pending[index].append(LossPoint(step: trainer.step, tokens: trainer.tokensSeen, loss: result.loss, elapsed: trainingSeconds))
            }
            if trainer.step % evaluationInterval == 0, let loss = trainer.validationLoss() {
                pendingValidation[index].append(LossPoint(step: trainer.step, tokens: trainer.tokensSeen, loss: loss, elapsed: trainingSeconds))
            }
        }
    }

    private func publish(withWeights: Bool) {
        let entries = trainers.indices.map { index -> RaceEntrySnapshot in
            let trainer = trainers[index]
            let tokens = Double(trainer.config.batch * trainer.config.sequenceLength)
            return RaceEntrySnapshot(newLosses: pending[index], newValidationLosses: pendingValidation[index],
                                     tokensPerSecond: stepSeconds[index] > 0 && state == .running ? tokens / stepSeconds[index] : 0,
                                     step: trainer.step, model: withWeights ? trainer.model.copy() : nil)
        }
        if withWeights { lastWeights = Date() }
        lastSnapshot = Date()
        for index in trainers.indices {
            pending[index].removeAll(keepingCapacity: true)
            pendingValidation[index].removeAll(keepingCapacity: true)
        }
        let snapshot = RaceSnapshot(entries: entries, state: state, elapsed: trainingSeconds)
        let deliver = self.deliver
        DispatchQueue.main.async { deliver(snapshot) }
    }
}

extension ModelConfig {
    /// The hidden width for which this config has closest to `parameters` parameters
    /// (for matching parameter counts across cells).
    public func hiddenWidth(matching parameters: Int) -> Int {
        var low = 1, high = 8192
        while low < high {
            let middle = (low + high) / 2
            var candidate = self
            candidate.hidden = middle
            if candidate.layout.totalCount < parameters { low = middle + 1 } else { high = middle }
        }
        var below = self, above = self
        below.hidden = max(low - 1, 1)
        above.hidden = low
        return abs(below.layout.totalCount - parameters) < abs(above.layout.totalCount - parameters) ? below.hidden : above.hidden
    }
}
