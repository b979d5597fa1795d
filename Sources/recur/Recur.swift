// The `recur` command line: argument parsing only; the libraries do the work.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine
import RecurWorkbench
import TerminalKit

@main
struct Recur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Watch a recurrent language model learn, in the terminal.",
        discussion: "With no subcommand, opens the workbench on the bundled sample text and starts training.",
        subcommands: [WorkbenchCommand.self, TrainCommand.self, EvalCommand.self, SampleCommand.self, InspectCommand.self, BenchCommand.self,
                      EmbedCommand.self, NeighboursCommand.self, AnalogyCommand.self, EvaluateCommand.self,
                      GradientFlowCommand.self, RaceCommand.self, CellsCommand.self, MatchCommand.self, ExplainCommand.self,
                      WatchCommand.self, MapCommand.self],
        defaultSubcommand: WorkbenchCommand.self
    )

    /// ArgumentParser's entry, with three guards around it: a closed pipe becomes a write
    /// error (EPIPE) instead of a silent SIGPIPE death, a file size limit (`ulimit -f`)
    /// becomes a write error (EFBIG) that the writers handle instead of a silent SIGXFSZ
    /// death, every error is one line on stderr (`report`), and output that could not be
    /// written ends the command with status 1 and a reason instead of a false success.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            report(error)
        }
        if fflush(nil) != 0 {
            Console.error("recur: cannot write to standard output: \(String(cString: strerror(errno)))\n")
            Foundation.exit(1)
        }
    }
}

extension Recur {
    /// Ends the process for `error`: help and --version as ArgumentParser prints them
    /// (status 0); anything else as one line on stderr, `recur: REASON`, with status 64
    /// for a command line that does not parse and 1 for a failure, never ArgumentParser's
    /// several lines of usage (`--help` has those).
    static func report(_ error: Error) -> Never {
        let code = exitCode(for: error)
        guard code != .success else { exit(withError: error) }
        let reason = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
        let hint = code == .validationFailure ? " (see `\(helpCommand())`)" : ""
        Console.error("recur: \(reason.isEmpty ? "failed" : reason)\(hint)\n")
        Foundation.exit(code.rawValue > 0 && code.rawValue < 128 ? code.rawValue : 1)
    }

    /// `recur SUBCOMMAND --help` for the subcommand named on the command line, else
    /// `recur --help`.
    private static func helpCommand() -> String {
        let names = Set(configuration.subcommands.compactMap { $0.configuration.commandName })
        let named = CommandLine.arguments.dropFirst().first { names.contains($0) }
        return named.map { "recur \($0) --help" } ?? "recur --help"
    }
}

extension CellKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension TokenLevel: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension SoftmaxKind: ExpressibleByArgument {}
extension NormKind: ExpressibleByArgument {}

/// Flags shared by every command that builds and trains a model. They are optional so
/// that flags typed on a resume can be checked against the checkpoint.
/// `--cell`, for the commands that train one cell.
struct CellOption: ParsableArguments {
    @Option(help: "Recurrent cell: rnn, lstm or gru. (default: lstm)")
    var cell: CellKind?
}

struct ModelOptions: ParsableArguments {
    @Option(help: "Text file to train on (UTF-8). (default: the bundled samples/default.txt)")
    var corpus: String?
    @Option(help: "Tokens: char (Unicode scalars) or word (words and punctuation). (default: char)")
    var level: TokenLevel?
    @Option(help: "Vanilla RNN nonlinearity: tanh, sigmoid or relu. (default: tanh)")
    var activation: Activation?
    @Option(parsing: .unconditional, help: "Embedding width. (default: 32)")
    var embed: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer. (default: 128)")
    var hidden: Int?
    @Option(parsing: .unconditional, help: "Stacked recurrent layers. (default: 1)")
    var layers: Int?
    @Option(parsing: .unconditional, help: "Time steps per chunk, the truncated-BPTT window. (default: 64)")
    var seq: Int?
    @Option(parsing: .unconditional, help: "Parallel streams per step. (default: 32)")
    var batch: Int?
    @Option(parsing: .unconditional, help: "Learning rate. (default: 0.002)")
    var lr: Float?
    @Option(help: "Optimizer: adam, sgd, rmsprop or adagrad. (default: adam)")
    var optimizer: OptimizerKind?
    @Option(parsing: .unconditional, help: "SGD momentum. (default: 0)")
    var momentum: Float?
    @Flag(help: "SGD: Nesterov momentum (needs --momentum).")
    var nesterov = false
    @Option(parsing: .unconditional, help: "Clip the global gradient norm to this value; 0 disables clipping. (default: 5)")
    var clip: Float?
    @Option(parsing: .unconditional, help: "Dropout between layers and before the decoder (as nn.LSTM's dropout plus one before the output layer; the embedding is not dropped). (default: 0)")
    var dropout: Float?
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "L2 weight decay. (default: 0)")
    var weightDecay: Float?
    @Option(parsing: .unconditional, help: "Random seed for initialisation and dropout. (default: 1)")
    var seed: UInt64?
    @Option(name: .customLong("min-count"), parsing: .unconditional, help: "Word level: words seen fewer times become <unk>. (default: 1)")
    var minCount: Int?
    @Flag(help: "Word level: lowercase the text first.")
    var lowercase = false
    @Option(name: .customLong("lr-decay"), parsing: .unconditional, help: "Multiply the learning rate by this factor on decay (0–1). (default: 0.5 when a schedule is chosen)")
    var lrDecay: Float?
    @Option(name: .customLong("lr-decay-every"), parsing: .unconditional, help: "Step decay: apply --lr-decay every N steps.")
    var lrDecayEvery: Int?
    @Option(name: .customLong("lr-patience"), parsing: .unconditional, help: "Plateau decay: apply --lr-decay after N validations without improvement.")
    var lrPatience: Int?
    @Option(name: .customLong("embed-init"), help: "Start the embedding from a vectors file (word2vec text or binary, GloVe): rows of the tokens it has are copied, the others keep their random start. --embed defaults to its dimension.")
    var embedInit: String?
    @Flag(name: .customLong("freeze-embed"), help: "Keep the embedding as --embed-init set it: no updates, no weight decay, left out of gradient clipping.")
    var freezeEmbed = false
    @Flag(name: .customLong("tie-weights"), help: "The decoder's weight is the embedding (Press & Wolf): needs --hidden equal to --embed (--hidden defaults to it).")
    var tieWeights = false
    @Option(help: "Output layer: full (one softmax over the vocabulary) or adaptive (PyTorch's AdaptiveLogSoftmaxWithLoss: exact, and far faster for large vocabularies). (default: full below \(TrainingSetup.adaptiveFromVocabulary.formatted(.number)) tokens, adaptive from there)")
    var softmax: SoftmaxKind?
    @Option(help: "Adaptive softmax: where the shortlist and each cluster end, increasing token ids (rank by frequency), e.g. 2000,10000,50000. (default: 2000,10000,50000, those below the vocabulary size)")
    var cutoffs: String?
    @Option(name: .customLong("div-value"), parsing: .unconditional, help: "Adaptive softmax: cluster i projects the hidden width down by this factor to the power i+1. (default: 4)")
    var divValue: Float?
    @Option(help: "Normalisation inside every cell: none, or layer (Ba et al. 2016): LN(W_ih x) + b_ih + LN(W_hh h) + b_hh for the gates, and for the LSTM h = o ⊙ tanh(LN(c)) with c itself carried; gains start at 1, biases at 0, ε = 1e-5. Batch-independent, so sampling and the probe compute what training did (docs/normalisation.md). (default: none)")
    var norm: NormKind?
    @Option(name: .customLong("max-vocab"), parsing: .unconditional, help: "Word level: a vocabulary of at most N tokens, <unk> included: the N − 1 most frequent words that also pass --min-count; the rest become <unk>.")
    var maxVocab: Int?
    @Option(name: .customLong("eval-tokens"), parsing: .unconditional, help: "Periodic validation (the workbench's, race's and recur train's) reads this many leading tokens of the validation text, the same ones every time; 0 reads it all. recur eval always reads it all. (default: 200000)")
    var evalTokens: Int?

    /// The files these flags read, which no output may replace.
    var inputs: [(flag: String, path: String)] {
        [("--corpus", corpus), ("--embed-init", embedInit)].compactMap { flag, path in path.map { (flag, $0) } }
    }

    /// The setup these flags describe, with the cell of `--cell` (a race names its cells
    /// with --cells instead, so the flag is its own group that race does not take).
    func setup(cell: CellOption?) throws -> TrainingSetup {
        var setup = TrainingSetup()
        setup.corpusPath = corpus
        setup.level = level
        setup.cell = cell?.cell
        setup.activation = activation
        setup.embed = embed
        setup.hidden = hidden
        setup.layers = layers
        setup.sequenceLength = seq
        setup.batch = batch
        setup.learningRate = lr
        setup.optimizer = optimizer
        setup.momentum = momentum
        setup.nesterov = nesterov
        setup.clip = clip
        setup.dropout = dropout
        setup.weightDecay = weightDecay
        setup.seed = seed
        setup.minCount = minCount
        setup.lowercase = lowercase
        setup.decayFactor = lrDecay
        setup.decayEvery = lrDecayEvery
        setup.decayPatience = lrPatience
        setup.embedInit = embedInit
        setup.freezeEmbed = freezeEmbed
        setup.tieWeights = tieWeights
        setup.softmax = softmax
        setup.cutoffs = try cutoffs.map(TrainingSetup.parseCutoffs)
        setup.divValue = divValue
        setup.norm = norm
        setup.maxVocab = maxVocab
        setup.evaluationTokens = evalTokens
        return setup
    }
}

struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Train in a full-screen dashboard: loss, hidden state, neighbours, samples.",
        discussion: "Keys: p or space pause/resume, s step once while paused, w save, ←/→ temperature, / neighbour query, Tab or click focus (↑/↓ and letters act on the focused pane), f expand, ? every key, q quit (saving a checkpoint). The same command run again continues the saved run (its curve, best validation loss and training time included) when the text and settings match; otherwise, or with --fresh, the old checkpoint is kept as NAME.1.safetensors and a new run starts.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var cell: CellOption
    @Option(help: "Theme: a name from themes/ (default, …) or a path to a .theme file.")
    var theme: String?
    @Flag(help: "Open paused instead of training at once.")
    var paused = false
    @Option(help: "Checkpoint file written every 5 minutes, on w and on quit, and reopened next time; another recur training into it is refused while this one runs. (default: CORPUS-NAME.recur.safetensors in the current folder)")
    var checkpoint: String?
    @Flag(name: .customLong("no-autosave"), help: "No periodic checkpoints and none on quit; w still saves to the checkpoint path.")
    var noAutosave = false
    @Flag(help: "Start a new run even if the checkpoint holds one of the same text and settings (it is kept as NAME.1.safetensors).")
    var fresh = false
    @Option(help: "Continue training from this checkpoint exactly. It is only read: the run saves to --checkpoint (name the same file there to write over it).")
    var resume: String?
    @Flag(help: "Train word2vec live instead of a language model (with the word2vec flags below; --corpus, --min-count, --seed and --lowercase apply).")
    var word2vec = false
    @OptionGroup(title: "word2vec (with --word2vec)") var word2vecOptions: Word2VecOptions
    @Option(help: "Explore pretrained vectors (word2vec text/binary or GloVe) instead of training.")
    var vectors: String?
    @Option(help: "With --word2vec: where w and quit write the vectors, in word2vec text format; a file already there is kept as NAME.1.txt. (default: CORPUS-NAME.vectors.txt in the current folder)")
    var out: String?

    func run() throws {
        let appearance = try Appearance(themeName: theme)
        let theme = appearance.theme, colour = appearance.colour
        var setup = try model.setup(cell: cell)
        // The session's snapshots copy the weights too: counted before the model is built.
        // (A resumed run's check counts the checkpoint's copies, freed before it trains.)
        setup.weightCopies = Session.weightCopies
        guard !(word2vec && vectors != nil) else { throw RecurError.invalidArgument("--word2vec and --vectors exclude each other") }
        guard !fresh || resume == nil else { throw RecurError.invalidArgument("--fresh starts a new run; it excludes --resume") }
        guard out == nil || word2vec else { throw RecurError.invalidArgument("--out is where --word2vec writes its vectors; a language model saves to --checkpoint") }
        let configuration: WorkbenchConfiguration
        var release: () -> Void = {}
        if let vectors {
            let loaded = try WordVectors(contentsOf: vectors)
            configuration = WorkbenchConfiguration(source: .vectors(loaded), title: URL(fileURLWithPath: vectors).lastPathComponent,
                                                   theme: theme, colour: colour)
        } else if word2vec {
            let corpusPath = try setup.resolvedCorpusPath()
            let settings = try word2vecOptions.settings(minCount: model.minCount ?? 5, seed: model.seed ?? 1)
            let outPath = out ?? EmbedCommand.defaultOutPath(corpus: corpusPath, format: .text)
            let opened = try WorkbenchWord2Vec(corpusPath: corpusPath, settings: settings, lowercase: model.lowercase, outPath: outPath,
                                               checkTerminal: NcursesTerminal.checkAvailable)
            configuration = WorkbenchConfiguration(source: .word2vec(opened.trainer), title: URL(fileURLWithPath: corpusPath).lastPathComponent,
                                                   theme: theme, colour: colour, startPaused: paused, checkpointPath: outPath,
                                                   startNotice: opened.keptAs.map { "kept the previous vectors as \($0)" })
        } else {
            let name = URL(fileURLWithPath: try setup.resolvedCorpusPath()).lastPathComponent
            let opened = try WorkbenchTraining(setup: setup, checkpoint: checkpoint, resume: resume, fresh: fresh, inputs: model.inputs,
                                               checkTerminal: NcursesTerminal.checkAvailable)
            release = opened.output.release
            configuration = WorkbenchConfiguration(source: .languageModel(trainer: opened.prepared.trainer, corpus: opened.prepared.corpus),
                                                   title: name, theme: theme, colour: colour, startPaused: paused,
                                                   checkpointPath: opened.savePath, checkpointWriter: opened.prepared.writer(to: opened.output),
                                                   autosave: !noAutosave, startNotice: opened.reopening.describe(opened.savePath))
        }
        try WorkbenchApp.launch(configuration, beforeExit: release)
    }
}
