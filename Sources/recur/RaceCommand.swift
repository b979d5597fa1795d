// `recur race`: several cells trained side by side in one workbench.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine
import RecurWorkbench

struct RaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race",
        abstract: "Race architectures: train several cells on the same text, seed and batches, side by side.",
        discussion: "Models take turns, one step each, so they have always seen the same tokens; the loss chart overlays them and each shows its sample at the shared temperature and its own tokens/s. p pauses and resumes all, ←/→ set the temperature, q quits. The other model flags (--hidden, --layers, --lr, …) apply to every model; --match-params sizes each model's hidden layer so all have about as many parameters as the first.")

    @OptionGroup var model: ModelOptions
    @Option(help: "Comma-separated cells, e.g. rnn,lstm,gru (an RNN may name its activation: rnn-relu; a -ln or -none suffix sets that model's --norm: lstm,lstm-ln races an LSTM against a layer-normalised one).") var cells = "rnn,lstm,gru"
    @Flag(name: .customLong("match-params"), help: "Give every model about the first one's parameter count by choosing its hidden width.") var matchParams = false
    @Option(help: "Theme: a name from themes/ or a path to a .theme file.") var theme: String?
    @Flag(help: "Open paused.") var paused = false

    func run() throws {
        let appearance = try Appearance(themeName: theme)
        let specs = try cells.split(separator: ",", omittingEmptySubsequences: false).map { spec -> (CellKind, Activation, NormKind) in
            var parts = spec.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard let cell = CellKind(rawValue: parts[0]) else {
                throw RecurError.invalidArgument("unknown cell '\(parts[0])' in --cells (use rnn, lstm, gru)")
            }
            // The last part may name the norm: lstm-ln, rnn-relu-ln, gru-none.
            var norm = model.norm ?? .none
            if parts.count > 1, let named = ["ln": NormKind.layer, "none": NormKind.none][parts[parts.count - 1]] {
                norm = named
                parts.removeLast()
            }
            guard parts.count <= 2 else { throw RecurError.invalidArgument("'\(spec)' in --cells has too many parts (e.g. rnn-relu-ln)") }
            guard parts.count == 1 || cell == .rnn else {
                throw RecurError.invalidArgument("'\(spec)' in --cells: only an RNN names its activation (e.g. rnn-relu); a suffix -ln asks for layer norm")
            }
            let activation = try parts.count > 1 ? Activation(rawValue: parts[1]).unwrap("unknown activation '\(parts[1])' in --cells (use tanh, sigmoid, relu; or -ln for layer norm)") : (model.activation ?? .tanh)
            return (cell, activation, norm)
        }
        guard (1...6).contains(specs.count) else { throw RecurError.invalidArgument("--cells takes 1 to 6 cells (got \(specs.count))") }
        let setup = try model.setup(cell: nil)
        let corpus = try setup.loadCorpus()
        let training = try setup.trainingConfig()
        let vectors = try setup.embedInit.map { try WordVectors(contentsOf: $0) }
        guard !(matchParams && setup.tieWeights) else {
            throw RecurError.invalidArgument("--match-params changes --hidden, which a tied model (--tie-weights) must keep equal to --embed")
        }
        guard !setup.freezeEmbed || vectors != nil else {
            throw RecurError.invalidArgument("--freeze-embed keeps the embedding as it starts: give it --embed-init FILE, or it stays random")
        }
        var base = setup.modelConfig(vocabularySize: corpus.vocabulary.count, embedWidth: vectors?.dimension)
        var target: Int?
        var trainers: [Trainer] = [], names: [String] = []
        for (cell, activation, norm) in specs {
            base.cell = cell
            base.activation = activation
            base.norm = norm
            var config = base
            if matchParams, let target { config.hidden = config.hiddenWidth(matching: target) }
            try config.validate()
            try training.validate(for: config)
            // Each model is checked as it is built, so the ones before it are counted.
            try TrainingMemory.checkTraining(config, training, copies: RaceSession.weightCopies)
            if target == nil { target = config.layout.totalCount }
            var random = RandomGenerator(seed: training.seed)
            let model = LanguageModel(config: config, random: &random)
            if let vectors, let path = setup.embedInit { _ = try model.initializeEmbedding(from: vectors, vocabulary: corpus.vocabulary, name: path) }
            let trainer = try Trainer(model: model, corpus: corpus, config: training)
            trainer.evaluationTokens = try setup.checkedEvaluationTokens()
            trainers.append(trainer)
            let name = (cell == .rnn ? "RNN \(activation.rawValue)" : cell.rawValue.uppercased()) + (norm == .layer ? " LN" : "")
            names.append("\(name) \(config.hidden)×\(config.layers) (\(config.layout.totalCount / 1000)k params)")
        }
        let configuration = WorkbenchConfiguration(source: .race(trainers: trainers, names: names, vocabulary: corpus.vocabulary),
                                                   title: URL(fileURLWithPath: try setup.resolvedCorpusPath()).lastPathComponent,
                                                   theme: appearance.theme, colour: appearance.colour,
                                                   startPaused: paused)
        try WorkbenchApp.launch(configuration)
    }
}

extension Optional {
    /// The value, or an invalid-argument error with `message`.
    func unwrap(_ message: String) throws -> Wrapped {
        guard let self else { throw RecurError.invalidArgument(message) }
        return self
    }
}
