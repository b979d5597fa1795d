// `recur train`: headless training with progress on stderr and optional JSON-lines log.
import ArgumentParser
import Foundation
import RecurEngine
import RecurWorkbench

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train without the dashboard, printing progress.")

    @OptionGroup var model: ModelOptions
    @Option(help: "Train until this global step.")
    var steps = 1000
    @Option(name: .customLong("eval-every"), help: "Compute the validation loss every N steps (0: only at the end).")
    var evalEvery = 200
    @Option(help: "Write one JSON object per step to this file (step, loss, tokens, val_loss when evaluated).")
    var log: String?

    func run() throws {
        guard steps >= 0 else { throw RecurError.invalidArgument("--steps must not be negative (got \(steps))") }
        guard evalEvery >= 0 else { throw RecurError.invalidArgument("--eval-every must not be negative (got \(evalEvery))") }
        let corpus = try model.loadCorpus()
        let trainer = try model.makeTrainer(corpus: corpus)
        try HeadlessTraining(trainer: trainer, targetStep: steps, evaluationInterval: evalEvery, logPath: log).run()
    }
}
