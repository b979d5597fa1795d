// Training without the dashboard (`recur train`): a progress bar on a terminal, plain
// lines otherwise, and an optional JSON-lines log of every step.
import Foundation
import RecurEngine

/// Trains a Trainer up to a global step, reporting on stderr.
public struct HeadlessTraining {
    public let trainer: Trainer
    public let targetStep: Int
    public let evaluationInterval: Int
    public let logPath: String?

    public init(trainer: Trainer, targetStep: Int, evaluationInterval: Int, logPath: String?) {
        self.trainer = trainer
        self.targetStep = targetStep
        self.evaluationInterval = evaluationInterval
        self.logPath = logPath
    }

    public func run() throws {
        var log: FileHandle?
        if let logPath {
            guard FileManager.default.createFile(atPath: logPath, contents: nil), let handle = FileHandle(forWritingAtPath: logPath) else {
                throw RecurError.io("cannot write the log file \(logPath)")
            }
            log = handle
        }
        defer { try? log?.close() }
        let interactive = isatty(STDERR_FILENO) == 1
        let started = Date()
        let firstStep = trainer.step
        var lastReport = Date.distantPast
        var smoothed: Double?
        while trainer.step < targetStep {
            let result = trainer.trainStep()
            guard result.applied else {
                throw RecurError.invalidArgument("training diverged at step \(trainer.step + 1) (loss \(result.loss)); lower --lr")
            }
            smoothed = smoothed.map { 0.98 * $0 + 0.02 * result.loss } ?? result.loss
            var record: [String: Any] = ["step": trainer.step, "loss": result.loss, "tokens": trainer.tokensSeen,
                                         "grad_norm": result.gradientNorm]
            let evaluate = (evaluationInterval > 0 && trainer.step % evaluationInterval == 0) || trainer.step == targetStep
            if evaluate, let validation = trainer.validationLoss() {
                record["val_loss"] = validation
                let clear = interactive ? "\r\u{1B}[K" : ""
                FileHandle.standardError.write(Data((clear + String(format: "step %d  val_loss %.4f\n", trainer.step, validation)).utf8))
            }
            if let log {
                log.write(try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) + Data("\n".utf8))
            }
            let now = Date()
            if now.timeIntervalSince(lastReport) >= (interactive ? 0.2 : 5) || trainer.step == targetStep {
                lastReport = now
                let elapsed = now.timeIntervalSince(started)
                let done = trainer.step - firstStep
                let rate = Double(done * trainer.config.batch * trainer.config.sequenceLength) / max(elapsed, 1e-9)
                let line = String(format: "step %d/%d  loss %.4f  %.0f tok/s", trainer.step, targetStep, smoothed ?? 0, rate)
                if interactive {
                    let total = max(targetStep - firstStep, 1)
                    let filled = done * 30 / total
                    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
                    FileHandle.standardError.write(Data("\r\u{1B}[K\(bar) \(line)".utf8))
                } else {
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            }
        }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
