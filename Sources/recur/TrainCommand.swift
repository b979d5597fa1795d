// `recur train`: headless training with progress on stderr, checkpoints and a log.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train without the dashboard, printing progress.",
        discussion: "A progress bar on a terminal, one line every few seconds otherwise: the step's loss and the smoothed loss (moving average, weight 0.98 on the past). Ctrl-C, SIGTERM or a hang-up stops after the current step and still writes --checkpoint. A --checkpoint that already holds a run of the same text and settings is continued (--steps is the step to train until); one of another text or settings, or any with --fresh, is kept as NAME.1.safetensors and a new run starts.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var cell: CellOption
    @Option(parsing: .unconditional, help: "Train until this global step (a resumed run counts from its saved step).")
    var steps = 1000
    @Option(parsing: .unconditional, help: "Train this many steps more than the run starts at (instead of --steps).")
    var more: Int?
    @Flag(help: "Start a new run even if --checkpoint holds one of the same text and settings (it is kept as NAME.1.safetensors).")
    var fresh = false
    @Option(name: .customLong("eval-every"), parsing: .unconditional, help: "Compute the validation loss every N steps (0: only at the end).")
    var evalEvery = 200
    @Option(help: "Write one JSON object per step to this file: step, loss, tokens, grad_norm, and val_loss when evaluated. A log that ends at the step the run continues from is appended to; any other is kept as NAME.1.jsonl.")
    var log: String?
    @Option(help: "Save a checkpoint here at the end (and on Ctrl-C); another recur training into it is refused. (default: CORPUS-NAME.recur.safetensors in the current folder)")
    var checkpoint: String?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Also save --checkpoint every N steps (0: only at the end).")
    var checkpointEvery = 0
    @Option(help: "Start from this checkpoint's weights with a fresh optimizer and data position.")
    var `init`: String?
    @Option(help: "Continue this checkpoint exactly: weights, optimizer, position, hidden state, RNG. It is only read: the run saves to --checkpoint (name the same file there to write over it).")
    var resume: String?
    @Option(name: .customLong("on-diverge"), help: "When the loss or gradient is not finite: stop (with an error) or rollback (reload --checkpoint and halve the learning rate).")
    var onDiverge: DivergencePolicy = .stop

    enum DivergencePolicy: String, ExpressibleByArgument { case stop, rollback }

    func run() throws {
        guard steps >= 0 else { throw RecurError.invalidArgument("--steps must not be negative (got \(steps))") }
        guard evalEvery >= 0 else { throw RecurError.invalidArgument("--eval-every must not be negative (got \(evalEvery))") }
        guard checkpointEvery >= 0 else { throw RecurError.invalidArgument("--checkpoint-every must not be negative (got \(checkpointEvery))") }
        guard more.map({ $0 > 0 }) ?? true else { throw RecurError.invalidArgument("--more must be positive (got \(more!))") }
        guard !fresh || (resume == nil && `init` == nil) else { throw RecurError.invalidArgument("--fresh starts a new run; it excludes --resume and --init") }
        // No run trains and then throws its result away: without --checkpoint it goes to
        // the workbench's default. --resume is an input: it is written only when named here.
        let checkpoint = try model.setup(cell: cell).savePath(checkpoint: self.checkpoint, resume: resume)
        let sources = model.inputs + [("--init", `init`)].compactMap { flag, path in path.map { (flag, $0) } }
        try OutputFile.checkDistinct(outputs: [("--checkpoint", checkpoint)], inputs: sources)
        if let log {
            try OutputFile.checkDistinct(outputs: [("--log", log)],
                                         inputs: sources + [("--resume", resume)].compactMap { flag, path in path.map { (flag, $0) } } + [("--checkpoint", checkpoint)])
        }
        // Output paths are checked (and the checkpoint locked against a second writer)
        // before the corpus is read, so a typo or a busy path never costs a run.
        let output = try OwnedOutput(path: checkpoint, what: "checkpoint")
        defer { output.release() }
        if let log { try OutputFile.checkWritable(log, what: "log file") }
        let prepared: PreparedTraining
        if resume == nil && `init` == nil {
            let (reopened, outcome) = try model.setup(cell: cell).prepare(reopening: checkpoint, fresh: fresh)
            prepared = reopened
            if let line = outcome.describe(checkpoint) { Console.error(line + "\n") }
        } else {
            prepared = try model.setup(cell: cell).prepare(resume: resume, initialise: `init`)
            if let line = try Reopening.protect(checkpoint, continuing: (resume ?? `init`)!).describe(checkpoint) {
                Console.error(line + "\n")
            }
        }
        let start = prepared.trainer.step
        if let slice = prepared.trainer.evaluationSliceDescription {
            Console.error("val_loss reads the \(slice) (--eval-tokens; recur eval reads them all)\n")
        }
        let target = more.map { start + $0 } ?? steps
        guard target > start else {
            throw RecurError.invalidArgument("the run is already at step \(start) and --steps \(steps) is the step to train until: give a larger --steps, or --more N")
        }
        try OutputFile.checkRoom(for: checkpoint, bytes: prepared.checkpointSizeLowerBound, what: "checkpoint")
        if self.checkpoint == nil { Console.error("saving the run to \(checkpoint) (no --checkpoint was given)\n") }
        var training = HeadlessTraining(trainer: prepared.trainer, targetStep: target, evaluationInterval: evalEvery, logPath: log,
                                        checkpointInterval: checkpointEvery, checkpointPath: checkpoint,
                                        save: { try prepared.save(prepared.trainer, to: output) },
                                        rollbackPath: onDiverge == .rollback ? checkpoint : nil)
        training.level = prepared.corpus.vocabulary.level
        try training.run()
    }
}
