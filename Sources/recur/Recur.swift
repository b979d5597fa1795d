// The `recur` command line: argument parsing only; the libraries do the work.
import ArgumentParser
import Foundation
import RecurEngine
import RecurWorkbench
import TerminalKit

@main
struct Recur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Watch a recurrent language model learn, in the terminal.",
        discussion: "With no subcommand, opens the workbench on the bundled sample text and starts training.",
        subcommands: [WorkbenchCommand.self, TrainCommand.self],
        defaultSubcommand: WorkbenchCommand.self
    )
}

extension CellKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension TokenLevel: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}

/// Flags shared by every command that builds and trains a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "Text file to train on (UTF-8). Default: the bundled samples/default.txt.")
    var corpus: String?
    @Option(help: "Tokens: char (Unicode scalars) or word.")
    var level: TokenLevel = .char
    @Option(help: "Recurrent cell: rnn, lstm or gru.")
    var cell: CellKind = .lstm
    @Option(help: "Vanilla RNN nonlinearity: tanh, sigmoid or relu.")
    var activation: Activation = .tanh
    @Option(help: "Embedding width.")
    var embed = 32
    @Option(help: "Hidden units per layer.")
    var hidden = 128
    @Option(help: "Stacked recurrent layers.")
    var layers = 1
    @Option(help: "Time steps per chunk (truncated BPTT window).")
    var seq = 64
    @Option(help: "Parallel streams per step.")
    var batch = 32
    @Option(help: "Learning rate.")
    var lr: Float = 2e-3
    @Option(help: "Optimizer: adam, sgd, rmsprop or adagrad.")
    var optimizer: OptimizerKind = .adam
    @Option(help: "SGD momentum.")
    var momentum: Float = 0
    @Option(help: "Clip the global gradient norm to this value; 0 disables clipping.")
    var clip: Float = 5
    @Option(help: "Dropout on the embedding, between layers and before the decoder.")
    var dropout: Float = 0
    @Option(name: .customLong("weight-decay"), help: "L2 weight decay.")
    var weightDecay: Float = 0
    @Option(help: "Random seed (initialisation, dropout, sampling).")
    var seed: UInt64 = 1
    @Option(name: .customLong("min-count"), help: "Word level: words seen fewer times become <unk>.")
    var minCount = 1
    @Flag(help: "Word level: lowercase the text first.")
    var lowercase = false

    func corpusPath() throws -> String {
        if let corpus { return corpus }
        guard let found = Resources.defaultCorpus else {
            throw RecurError.invalidArgument("the bundled samples/default.txt was not found; pass --corpus PATH")
        }
        return found
    }

    func loadCorpus() throws -> Corpus {
        guard minCount >= 1 else { throw RecurError.invalidArgument("--min-count must be at least 1 (got \(minCount))") }
        let text = try Corpus.readText(at: corpusPath())
        return Corpus(text: text, level: level, minCount: minCount, lowercase: lowercase)
    }

    func modelConfig(vocabularySize: Int) -> ModelConfig {
        ModelConfig(cell: cell, activation: activation, vocabularySize: vocabularySize, embed: embed,
                    hidden: hidden, layers: layers, dropout: dropout)
    }

    var trainingConfig: TrainingConfig {
        var settings = OptimizerSettings(kind: optimizer, learningRate: lr)
        settings.weightDecay = weightDecay
        settings.momentum = momentum
        return TrainingConfig(sequenceLength: seq, batch: batch, optimizer: settings, clip: clip, seed: seed)
    }

    /// A freshly initialised model and its trainer on the corpus.
    func makeTrainer(corpus: Corpus) throws -> Trainer {
        let config = modelConfig(vocabularySize: corpus.vocabulary.count)
        try config.validate()
        try trainingConfig.validate()
        var random = RandomGenerator(seed: seed)
        return try Trainer(model: LanguageModel(config: config, random: &random), corpus: corpus, config: trainingConfig)
    }
}

struct WorkbenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbench",
        abstract: "Train in a full-screen dashboard: loss, hidden state, neighbours, samples.",
        discussion: "Keys: p or space pause/resume, s step once while paused, ←/→ temperature, ↑/↓ neighbour query, Tab focus, ? help, q quit.")

    @OptionGroup var model: ModelOptions
    @Option(help: "Theme: a name from themes/ (default, …) or a path to a .theme file.")
    var theme: String?
    @Flag(help: "Open paused instead of training at once.")
    var paused = false

    func run() throws {
        let loadedTheme = try ThemeLoader.load(theme)
        let corpus = try model.loadCorpus()
        let trainer = try model.makeTrainer(corpus: corpus)
        let name = URL(fileURLWithPath: try model.corpusPath()).lastPathComponent
        let colour = ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        let configuration = WorkbenchConfiguration(trainer: trainer, corpus: corpus, title: name,
                                                   theme: colour ? loadedTheme : loadedTheme.withoutColour(),
                                                   colour: colour, startPaused: paused)
        // ArgumentParser calls run() on the main thread; the workbench lives there.
        try MainActor.assumeIsolated {
            try WorkbenchApp.run(configuration) { status in Foundation.exit(status) }
        }
    }
}
