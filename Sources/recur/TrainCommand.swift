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
        var run = TrainRun(setup: try model.setup(cell: cell), inputs: model.inputs, steps: steps, evaluationInterval: evalEvery)
        run.more = more
        run.fresh = fresh
        run.logPath = log
        run.checkpoint = checkpoint
        run.checkpointInterval = checkpointEvery
        run.initialise = `init`
        run.resume = resume
        run.rollback = onDiverge == .rollback
        try run.run()
    }
}
