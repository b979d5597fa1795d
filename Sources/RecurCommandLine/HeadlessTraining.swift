// Training without the dashboard (`recur train`): a progress bar on a terminal, plain
// lines otherwise, an optional JSON-lines log of every step, periodic checkpoints, and
// Ctrl-C/SIGTERM stopping cleanly after the current step with a final checkpoint.
import Dispatch
import Foundation
import RecurEngine

/// Trains a Trainer up to a global step, reporting on stderr.
struct HeadlessTraining {
    let trainer: Trainer
    let targetStep: Int
    let evaluationInterval: Int
    let logPath: String?
    let checkpointInterval: Int
    /// Where checkpoints go, and how to write one there (returning a line for the user,
    /// such as a file another program left there being kept).
    let checkpointPath: String?
    let save: (() throws -> String?)?
    /// On a non-finite loss or gradient: nil stops with an error; otherwise the path of
    /// the checkpoint to roll back to, after which the learning rate is halved.
    let rollbackPath: String?
    /// The token level, for bits per character or perplexity beside the validation loss.
    var level: TokenLevel?

    init(trainer: Trainer, targetStep: Int, evaluationInterval: Int, logPath: String?,
                checkpointInterval: Int = 0, checkpointPath: String? = nil, save: (() throws -> String?)? = nil,
                rollbackPath: String? = nil) {
        self.checkpointPath = checkpointPath
        self.rollbackPath = rollbackPath
        self.trainer = trainer
        self.targetStep = targetStep
        self.evaluationInterval = evaluationInterval
        self.logPath = logPath
        self.checkpointInterval = checkpointInterval
        self.save = save
    }

    func run() throws {
        let opened = try logPath.map { try RunLog.open($0, continuingFrom: trainer.step) }
        let log = opened?.stream
        defer { log?.close() }
        if let note = opened?.note { Console.error(note + "\n") }
        // A dropped ssh session (SIGHUP) stops like Ctrl-C: the checkpoint is still written.
        try StopSignals.catching { stopRequested in try train(log: log, stopRequested: stopRequested) }
    }

    private func train(log: OutputFileStream?, stopRequested: () -> Bool) throws {
        var progress = ProgressLine.Live(interactiveInterval: 0.2)
        let started = Date()
        let firstStep = trainer.step
        var rollbacks = 0
        let say = progress.say, interactive = progress.interactive
        let elapsedBefore = trainer.history.elapsed
        func write() throws {
            guard let save else { return }
            trainer.history.elapsed = elapsedBefore + Date().timeIntervalSince(started)
            if let note = try save() { say(note) }
        }
        // A log that cannot be written (a full disk) stops the run, which is then saved:
        // the steps trained are worth more than the log lines.
        var logFailure: Error?
        while trainer.step < targetStep && !stopRequested() {
            trainer.history.elapsed = elapsedBefore + Date().timeIntervalSince(started)
            let result = trainer.trainStep()
            guard result.applied else {
                let what = "training diverged at step \(trainer.step + 1) (loss \(result.loss), gradient norm \(result.gradientNorm))"
                guard let rollbackPath, FileManager.default.fileExists(atPath: rollbackPath) else {
                    throw RecurError.invalidArgument("\(what); the step was skipped and nothing after it was saved — lower --lr" + (rollbackPath == nil ? " or use --on-diverge rollback" : "; no checkpoint to roll back to yet"))
                }
                rollbacks += 1
                guard rollbacks <= 30 else {
                    throw RecurError.invalidArgument("\(what); 30 rollbacks did not help — check the data and the settings")
                }
                // The halved rate survives the restore, so repeated rollbacks keep lowering it.
                let rate = trainer.optimizer.settings.learningRate * 0.5
                try Checkpoint.read(from: rollbackPath).restore(into: trainer)
                trainer.optimizer.settings.learningRate = rate
                say("\(what); rolled back to step \(trainer.step) from \(rollbackPath) with the learning rate halved to \(trainer.optimizer.settings.learningRate)")
                continue
            }
            // "time" (Unix seconds), as recur_torch writes it: recur watch computes tok/s from it.
            var record: [String: Any] = ["step": trainer.step, "loss": result.loss, "tokens": trainer.tokensSeen,
                                         "grad_norm": result.gradientNorm, "time": Date().timeIntervalSince1970]
            let evaluate = (evaluationInterval > 0 && trainer.step % evaluationInterval == 0) || trainer.step == targetStep
            if evaluate, let loss = trainer.validationLoss() {
                trainer.noteValidationLoss(loss)
                if loss.isFinite { record["val_loss"] = loss }
                say(String(format: "step %d  val_loss %.4f", trainer.step, loss) + (level.map { " (\($0.describe(nats: loss)))" } ?? ""))
            }
            if let log {
                do {
                    try log.write(try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) + Data("\n".utf8))
                } catch {
                    logFailure = error
                    break
                }
            }
            if checkpointInterval > 0, trainer.step % checkpointInterval == 0 { try write() }
            progress.show(force: trainer.step == targetStep) {
                let elapsed = Date().timeIntervalSince(started)
                let done = trainer.step - firstStep
                let rate = Double(done * trainer.config.batch * trainer.config.sequenceLength) / max(elapsed, 1e-9)
                let line = String(format: "step %d/%d  loss %.4f  smoothed %.4f  %.0f tok/s", trainer.step, targetStep, result.loss,
                                  trainer.history.lastSmoothed ?? result.loss, rate)
                guard interactive else { return line }
                let total = max(targetStep - firstStep, 1)
                let filled = min(done * 30 / total, 30)
                return String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled) + " " + line
            }
        }
        progress.finish()
        if stopRequested() { say("interrupted at step \(trainer.step)") }
        if let logFailure {
            let saved: String
            do {
                try write()
                saved = checkpointPath.map { "the run is saved in \($0)" } ?? "no checkpoint was asked for"
            } catch {
                saved = "\(error)"
            }
            throw RecurError.io("\(logFailure); training stopped at step \(trainer.step) and \(saved)")
        }
        if let checkpointPath, save != nil {
            try write()
            say("wrote \(checkpointPath) at step \(trainer.step)")
        }
    }
}
