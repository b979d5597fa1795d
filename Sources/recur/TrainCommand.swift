// `recur train`: headless training with progress on stderr, checkpoints and a log.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine
import RecurWorkbench
import TerminalKit

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

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Validation loss of a checkpoint on a corpus's last 10%.",
        discussion: "Mean cross-entropy in nats per token over the validation text, cut into the checkpoint's batch of streams and run chunk by chunk from a zero state with the state carried; also in bits per token and as perplexity. --baselines adds the floors to beat: interpolated Kneser–Ney n-gram models (n = 1…5) fitted on the first 90% and scored on exactly the tokens the network predicts.")

    @Option(help: "The checkpoint to evaluate.")
    var checkpoint: String
    @Option(help: "The text file; its last 10% is the validation text.")
    var corpus: String
    @Flag(help: "Also score n-gram models (n = 1…5) on the same tokens: the floors the network should beat.")
    var baselines = false
    @Flag(help: "Print one JSON object: val_loss, bits_per_token, perplexity (and baselines).")
    var json = false

    func run() throws {
        let stored = try Checkpoint.read(from: checkpoint, trainingState: false)
        var setup = TrainingSetup()
        setup.corpusPath = corpus
        let text = try setup.loadCorpus(for: stored)
        // A long validation text takes minutes: say how far it is.
        let progress = text.validationIDs.count > Trainer.defaultEvaluationTokens
            ? ProgressLine.reporter { "evaluating \(text.validationIDs.count.formatted(.number)) tokens: \($0)%" } : nil
        guard let loss = Evaluation.loss(model: stored.model, ids: text.validationIDs, batch: stored.config.batch,
                                         sequenceLength: stored.config.seq, progress: progress) else {
            throw RecurError.invalidCorpus("the validation text (\(text.validationIDs.count) tokens) is too short for \(stored.config.batch) streams")
        }
        var floors: [Int: Double] = [:]
        if baselines {
            floors = NGramBaselines.losses(training: text.trainingIDs, validation: text.validationIDs,
                                           vocabularySize: text.vocabulary.count, batch: stored.config.batch) ?? [:]
        }
        let level = stored.config.level
        if json {
            var record: [String: Any] = lossFigures(nats: loss)
            if baselines { record["baselines"] = Dictionary(uniqueKeysWithValues: floors.map { (String($0.key), $0.value) }) }
            print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print(String(format: "validation loss %.6f nats/token (%@, perplexity %.3f) over %d tokens", loss,
                     String(format: "%.4f bits/token", loss / log(2)) as NSString, exp(loss), text.validationIDs.count))
        if baselines && text.trainingIDs.count > NGramBaselines.maximumTrainingTokens {
            print("(the n-gram counts come from the first \(NGramBaselines.maximumTrainingTokens) of \(text.trainingIDs.count) training tokens)")
        }
        for order in floors.keys.sorted() {
            let floor = floors[order]!
            print(String(format: "%d-gram floor  %.6f nats/token (%@)%@", order, floor, level.describe(nats: floor) as NSString,
                         (floor <= loss ? "  — the network has not beaten it yet" : "") as NSString))
        }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Training throughput on random tokens.",
        discussion: "With no model flags (or only --norm), runs the five reference configurations, a to e: a char LSTM 2×256 (embed 64, seq 64, batch 32), b char GRU 1×256, c char RNN 1×256 (same shapes), d word LSTM 2×200 over 10,000 words (seq 35, batch 20) and e a tiny LSTM 1×128 (seq 32, batch 16). Throughput does not depend on the text, so tokens are uniformly random. Compare two builds or machines side by side in one run, as ratios: a machine's speed varies from day to day.")

    @Option(help: "Recurrent cell: rnn, lstm or gru.") var cell: CellKind?
    @Option(help: "Vanilla RNN nonlinearity.") var activation: Activation?
    @Option(parsing: .unconditional, help: "Vocabulary size.") var vocab: Int?
    @Option(parsing: .unconditional, help: "Embedding width.") var embed: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer.") var hidden: Int?
    @Option(parsing: .unconditional, help: "Stacked layers.") var layers: Int?
    @Option(parsing: .unconditional, help: "Time steps per chunk.") var seq: Int?
    @Option(parsing: .unconditional, help: "Streams per step.") var batch: Int?
    @Option(parsing: .unconditional, help: "Timed steps.") var steps: Int?
    @Option(parsing: .unconditional, help: "Untimed warm-up steps.") var warmup: Int?
    @Option(help: "Output layer: full or adaptive.") var softmax: SoftmaxKind?
    @Option(help: "Adaptive softmax cutoffs, e.g. 2000,10000,50000. (default: as for training)") var cutoffs: String?
    @Option(name: .customLong("div-value"), parsing: .unconditional, help: "Adaptive softmax projection divisor. (default: 4)") var divValue: Float?
    @Option(help: "Normalisation inside the cells: none or layer (as for training). Alone, it applies to the five reference configurations. (default: none)") var norm: NormKind?
    @Option(parsing: .unconditional, help: "Draw tokens from a Zipf distribution of this exponent (id = rank), as words occur in text, instead of uniformly: the adaptive softmax's speed depends on it.") var zipf: Double?
    @Flag(help: "One JSON object per configuration.") var json = false
    @Flag(help: "Time the workbench's frame rendering (200×60, busy state) instead of training.") var ui = false

    func run() throws {
        if ui {
            let milliseconds = FrameBenchmark.run(size: Size(columns: 200, rows: 60), frames: steps ?? 200)
            if json { try printJSON(["ms_per_frame": milliseconds, "columns": 200, "rows": 60]) } else {
                print(String(format: "frame 200×60: %.3f ms", milliseconds))
            }
            return
        }
        let custom = [cell != nil, activation != nil, vocab != nil, embed != nil, hidden != nil, layers != nil, seq != nil, batch != nil,
                      softmax != nil, cutoffs != nil, divValue != nil, zipf != nil].contains(true)
        var configurations = TrainingBenchmark.references
        if let norm { for index in configurations.indices { configurations[index].model.norm = norm } }
        if custom {
            var setup = TrainingSetup()
            setup.softmax = softmax
            setup.cutoffs = try cutoffs.map(TrainingSetup.parseCutoffs)
            setup.divValue = divValue
            setup.cell = cell ?? .lstm
            setup.activation = activation
            setup.embed = embed ?? 64
            setup.hidden = hidden ?? 256
            setup.layers = layers ?? 1
            setup.norm = norm
            let model = setup.modelConfig(vocabularySize: vocab ?? 65)
            if let zipf { guard zipf.isFinite, zipf >= 0, zipf <= 10 else { throw RecurError.invalidArgument("--zipf must be from 0 to 10 (got \(zipf))") } }
            var custom = TrainingBenchmark(name: "custom", model: model, sequenceLength: seq ?? 64, batch: batch ?? 32)
            custom.zipfExponent = zipf
            configurations = [custom]
        }
        for index in configurations.indices {
            if let steps { configurations[index].steps = steps }
            if let warmup { configurations[index].warmup = warmup }
            guard configurations[index].steps > 0, configurations[index].warmup >= 0,
                  configurations[index].sequenceLength > 0, configurations[index].batch > 0 else {
                throw RecurError.invalidArgument("--steps, --seq and --batch must be positive and --warmup not negative")
            }
        }
        if !json { print("kernels: \(Gemm.kernelPath)") }
        for benchmark in configurations {
            let result = try benchmark.run()
            if json {
                let record: [String: Any] = [
                    "name": benchmark.name, "tokens_per_sec": result.tokensPerSecond, "gflops": result.gigaflops,
                    "seconds": result.seconds, "steps": benchmark.steps, "cell": benchmark.model.cell.rawValue,
                    "vocab": benchmark.model.vocabularySize, "embed": benchmark.model.embed, "hidden": benchmark.model.hidden,
                    "layers": benchmark.model.layers, "seq": benchmark.sequenceLength, "batch": benchmark.batch,
                    "threads": Gemm.threadCount, "kernels": Gemm.kernelPath, "softmax": benchmark.model.softmax.rawValue,
                    "cutoffs": benchmark.model.cutoffs, "zipf": benchmark.zipfExponent ?? 0, "norm": benchmark.model.norm.rawValue,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            } else {
                let name = benchmark.name + (benchmark.model.norm == .layer ? " LN" : "")
                print(String(format: "%-15@ %9.0f tokens/s  %6.1f GFLOP/s  (%d steps in %.2f s)",
                             name as NSString, result.tokensPerSecond, result.gigaflops, benchmark.steps, result.seconds))
            }
            fflush(nil)
        }
    }
}
