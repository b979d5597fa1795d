// `recur train` after its flags are parsed: where the run saves (never an input), the
// output checks and lock before the corpus is read, reopening or resuming, then
// HeadlessTraining to the target step.
import Foundation
import RecurEngine

/// One headless training run, as `recur train` describes it.
public struct TrainRun {
    public var setup: TrainingSetup
    /// The files the model flags read (--corpus, --embed-init), which no output may replace.
    public var inputs: [(flag: String, path: String)]
    /// The global step to train until, or (when set) this many steps past the start.
    public var steps: Int
    public var more: Int?
    public var fresh = false
    public var evaluationInterval: Int
    public var logPath: String?
    /// Where the run saves (nil: the default next to the corpus name).
    public var checkpoint: String?
    public var checkpointInterval = 0
    public var initialise: String?
    public var resume: String?
    /// On divergence: roll back to the checkpoint and halve the rate, instead of stopping.
    public var rollback = false

    public init(setup: TrainingSetup, inputs: [(flag: String, path: String)], steps: Int, evaluationInterval: Int) {
        self.setup = setup
        self.inputs = inputs
        self.steps = steps
        self.evaluationInterval = evaluationInterval
    }

    public func run() throws {
        // No run trains and then throws its result away: without --checkpoint it goes to
        // the workbench's default. --resume is an input: it is written only when named here.
        let checkpoint = try setup.savePath(checkpoint: self.checkpoint, resume: resume)
        let sources = inputs + [("--init", initialise)].compactMap { flag, path in path.map { (flag, $0) } }
        try OutputFile.checkDistinct(outputs: [("--checkpoint", checkpoint)], inputs: sources)
        if let logPath {
            try OutputFile.checkDistinct(outputs: [("--log", logPath)],
                                         inputs: sources + [("--resume", resume)].compactMap { flag, path in path.map { (flag, $0) } } + [("--checkpoint", checkpoint)])
        }
        // Output paths are checked (and the checkpoint locked against a second writer)
        // before the corpus is read, so a typo or a busy path never costs a run.
        let output = try OwnedOutput(path: checkpoint, what: "checkpoint")
        defer { output.release() }
        if let logPath { try OutputFile.checkWritable(logPath, what: "log file") }
        let prepared: PreparedTraining
        if resume == nil && initialise == nil {
            let (reopened, outcome) = try setup.prepare(reopening: checkpoint, fresh: fresh)
            prepared = reopened
            if let line = outcome.describe(checkpoint) { Console.error(line + "\n") }
        } else {
            prepared = try setup.prepare(resume: resume, initialise: initialise)
            if let line = try Reopening.protect(checkpoint, continuing: (resume ?? initialise)!).describe(checkpoint) {
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
        var training = HeadlessTraining(trainer: prepared.trainer, targetStep: target, evaluationInterval: evaluationInterval, logPath: logPath,
                                        checkpointInterval: checkpointInterval, checkpointPath: checkpoint,
                                        save: { try prepared.save(prepared.trainer, to: output) },
                                        rollbackPath: rollback ? checkpoint : nil)
        training.level = prepared.corpus.vocabulary.level
        try training.run()
    }
}
