// `recur race` after its flags are parsed: one trainer per cell on the same corpus, seed
// and batches, each checked for memory as it is built, optionally sized to as many
// parameters as the first.
import Foundation
import RecurEngine

/// The models of an architecture race.
public struct RaceSetup {
    public let corpus: Corpus
    public let trainers: [Trainer]
    /// "LSTM 128×1 (68k params)", one per trainer, for the legend.
    public let names: [String]

    /// Parses `--cells` ("lstm,gru,rnn-relu,lstm-ln": a cell, for a vanilla RNN its
    /// activation, and a -ln or -none suffix for that model's norm; `setup.activation` and
    /// `setup.norm` otherwise) and builds a trainer for each.
    public init(setup: TrainingSetup, cells: String, matchParams: Bool) throws {
        let specs = try cells.split(separator: ",", omittingEmptySubsequences: false).map { spec -> (CellKind, Activation, NormKind) in
            var parts = spec.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard let cell = CellKind(rawValue: parts[0]) else {
                throw RecurError.invalidArgument("unknown cell '\(parts[0])' in --cells (use rnn, lstm, gru)")
            }
            // The last part may name the norm: lstm-ln, rnn-relu-ln, gru-none.
            var norm = setup.norm ?? .none
            if parts.count > 1, let named = ["ln": NormKind.layer, "none": NormKind.none][parts[parts.count - 1]] {
                norm = named
                parts.removeLast()
            }
            guard parts.count <= 2 else { throw RecurError.invalidArgument("'\(spec)' in --cells has too many parts (e.g. rnn-relu-ln)") }
            guard parts.count == 1 || cell == .rnn else {
                throw RecurError.invalidArgument("'\(spec)' in --cells: only an RNN names its activation (e.g. rnn-relu); a suffix -ln asks for layer norm")
            }
            guard parts.count > 1 else { return (cell, setup.activation ?? .tanh, norm) }
            guard let activation = Activation(rawValue: parts[1]) else {
                throw RecurError.invalidArgument("unknown activation '\(parts[1])' in --cells (use tanh, sigmoid, relu; or -ln for layer norm)")
            }
            return (cell, activation, norm)
        }
        guard (1...6).contains(specs.count) else { throw RecurError.invalidArgument("--cells takes 1 to 6 cells (got \(specs.count))") }
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
            names.append("\(config.cellName) \(config.hidden)×\(config.layers) (\(config.layout.totalCount / 1000)k params)")
        }
        self.corpus = corpus
        self.trainers = trainers
        self.names = names
    }
}
