// Turns command-line choices into a ready Trainer: a fresh model, a model initialised
// from a checkpoint's weights (--init), or an exact continuation (--resume). Flags are
// optional so that a flag the user typed can be told from a default: on resume the
// checkpoint's settings win and a conflicting flag is an error.
import Foundation
import RecurEngine

/// Model, data and optimizer choices; nil means "not given".
public struct TrainingSetup {
    public var corpusPath: String?
    public var level: TokenLevel?
    public var cell: CellKind?
    public var activation: Activation?
    public var embed: Int?
    public var hidden: Int?
    public var layers: Int?
    public var sequenceLength: Int?
    public var batch: Int?
    public var learningRate: Float?
    public var optimizer: OptimizerKind?
    public var momentum: Float?
    public var nesterov = false
    public var clip: Float?
    public var dropout: Float?
    public var weightDecay: Float?
    public var seed: UInt64?
    public var minCount: Int?
    public var lowercase = false
    /// Learning-rate decay factor; with `decayEvery` a step schedule, with
    /// `decayPatience` a plateau schedule.
    public var decayFactor: Float?
    public var decayEvery: Int?
    public var decayPatience: Int?
    /// Start the embedding from this vectors file (word2vec text/binary or GloVe).
    public var embedInit: String?
    /// Keep the embedding fixed.
    public var freezeEmbed = false
    /// The decoder's weight is the embedding's.
    public var tieWeights = false
    /// The output layer; nil picks by vocabulary size (`adaptiveFromVocabulary`).
    public var softmax: SoftmaxKind?
    public var cutoffs: [Int]?
    public var divValue: Float?
    /// Layer normalisation inside the cells; nil: none.
    public var norm: NormKind?
    /// Word level: at most this many tokens in the vocabulary, <unk> included.
    public var maxVocab: Int?
    /// Periodic validation reads this many leading validation tokens (0: all); nil: the
    /// default, `Trainer.defaultEvaluationTokens`. Not part of a run: it may change on resume.
    public var evaluationTokens: Int?

    /// The vocabulary size from which a fresh run gets the adaptive softmax unless
    /// --softmax says otherwise (README's "Large vocabularies" gives the measurement).
    public static let adaptiveFromVocabulary = 50_000

    /// The cutoffs a fresh adaptive softmax gets: Grave et al.'s 2000, 10000, 50000 (as
    /// PyTorch's word_language_model examples use), those below the vocabulary size;
    /// a vocabulary of 2000 or fewer splits at its first quarter.
    static func defaultCutoffs(vocabularySize: Int) -> [Int] {
        let standard = [2000, 10_000, 50_000].filter { $0 < vocabularySize }
        return standard.isEmpty ? [max(1, vocabularySize / 4)] : standard
    }

    /// "2000,10000,50000" → [2000, 10000, 50000]; anything else is an error naming the flag.
    public static func parseCutoffs(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= ModelLimits.clusters,
              case let values = parts.compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), values.count == parts.count else {
            throw RecurError.invalidArgument("--cutoffs must be up to \(ModelLimits.clusters) whole numbers separated by commas, such as 2000,10000,50000 (got \(text.debugDescription))")
        }
        return values
    }
    /// Copies of the weights the caller keeps besides the trainer's (the workbench's
    /// snapshots): counted when the memory a new model needs is checked.
    public var weightCopies = 0

    public init() {}

    /// The vectors `--embed-init` names, read once (nil without the flag).
    func embeddingVectors() throws -> WordVectors? {
        try embedInit.map { try WordVectors(contentsOf: $0) }
    }

    public func schedule() throws -> LearningRateSchedule {
        switch (decayEvery, decayPatience) {
        case (nil, nil):
            guard decayFactor == nil else { throw RecurError.invalidArgument("--lr-decay needs --lr-decay-every N or --lr-patience N") }
            return .constant
        case (let every?, nil): return .step(every: every, factor: decayFactor ?? 0.5)
        case (nil, let patience?): return .plateau(patience: patience, factor: decayFactor ?? 0.5)
        default: throw RecurError.invalidArgument("--lr-decay-every and --lr-patience exclude each other")
        }
    }

    /// Defaults of a fresh run, shown in --help.
    static let defaults = (level: TokenLevel.char, cell: CellKind.lstm, activation: Activation.tanh, embed: 32,
                                  hidden: 128, layers: 1, sequenceLength: 64, batch: 32, learningRate: Float(2e-3),
                                  optimizer: OptimizerKind.adam, momentum: Float(0), clip: Float(5), dropout: Float(0),
                                  weightDecay: Float(0), seed: UInt64(1), minCount: 1)

    public func resolvedCorpusPath() throws -> String {
        if let corpusPath { return corpusPath }
        guard let found = Resources.defaultCorpus else {
            throw RecurError.invalidArgument("the bundled samples/default.txt was not found; pass --corpus PATH")
        }
        return found
    }

    /// Where a run saves: `checkpoint` if given, else CORPUS-NAME.recur.safetensors in the
    /// current folder, so that the workbench and `recur train` continue each other. The
    /// --resume file is an input, written only when named as --checkpoint: a default that
    /// is that file is refused.
    public func savePath(checkpoint: String?, resume: String?) throws -> String {
        if let checkpoint { return checkpoint }
        let path = URL(fileURLWithPath: try resolvedCorpusPath()).deletingPathExtension().lastPathComponent + ".recur.safetensors"
        if let resume {
            do {
                try OutputFile.checkDistinct(outputs: [("--checkpoint", path)], inputs: [("--resume", resume)])
            } catch {
                throw RecurError.invalidArgument("--resume \(resume) is read, never written, and it is also the default --checkpoint: name it as --checkpoint to continue it in place, or give another --checkpoint")
            }
        }
        return path
    }

    /// Reads and tokenizes the corpus with a fresh vocabulary.
    func loadCorpus() throws -> Corpus {
        let minCount = self.minCount ?? Self.defaults.minCount
        guard minCount >= 1 else { throw RecurError.invalidArgument("--min-count must be at least 1 (got \(minCount))") }
        if let maxVocab {
            guard maxVocab >= 2 && maxVocab <= ModelLimits.vocabulary else {
                throw RecurError.invalidArgument("--max-vocab must be from 2 to \(ModelLimits.vocabulary) (got \(maxVocab))")
            }
            guard (level ?? Self.defaults.level) == .word else {
                throw RecurError.invalidArgument("--max-vocab caps a word vocabulary; it needs --level word")
            }
        }
        let corpus = try Corpus.load(path: resolvedCorpusPath(), level: level ?? Self.defaults.level, minCount: minCount,
                                     maxVocabulary: maxVocab, lowercase: lowercase, progress: try progressReporter())
        guard corpus.vocabulary.count >= 2 else {
            throw RecurError.invalidCorpus("the corpus has only \(corpus.vocabulary.count) distinct token; a language model needs at least 2")
        }
        try Checkpoint.checkVocabularyFits(corpus.vocabulary)
        return corpus
    }

    /// For files over 16 MB, a progress line on stderr while the corpus loads.
    private func progressReporter() throws -> ((Double) -> Void)? {
        ProgressLine.corpusReader(path: try resolvedCorpusPath())
    }

    /// Reads the corpus and tokenizes it with a checkpoint's vocabulary.
    func loadCorpus(for checkpoint: Checkpoint) throws -> Corpus {
        try Corpus.load(path: resolvedCorpusPath(), level: checkpoint.config.level, lowercase: checkpoint.config.lowercase,
                        vocabulary: checkpoint.vocabulary, progress: try progressReporter())
    }

    func trainingConfig() throws -> TrainingConfig {
        var settings = OptimizerSettings(kind: optimizer ?? Self.defaults.optimizer, learningRate: learningRate ?? Self.defaults.learningRate)
        settings.weightDecay = weightDecay ?? Self.defaults.weightDecay
        settings.momentum = momentum ?? Self.defaults.momentum
        settings.nesterov = nesterov
        guard !(freezeEmbed && tieWeights) else {
            throw RecurError.invalidArgument("--freeze-embed and --tie-weights exclude each other: a tied decoder would be frozen too")
        }
        var config = TrainingConfig(sequenceLength: sequenceLength ?? Self.defaults.sequenceLength, batch: batch ?? Self.defaults.batch,
                                    optimizer: settings, clip: clip ?? Self.defaults.clip, seed: seed ?? Self.defaults.seed,
                                    schedule: try schedule())
        config.freezeEmbedding = freezeEmbed
        return config
    }

    /// The model the flags describe; `embedWidth` (a vectors file's) stands in for a
    /// missing --embed, and for a missing --hidden too when the weights are tied.
    public func modelConfig(vocabularySize: Int, embedWidth: Int? = nil) -> ModelConfig {
        let embed = self.embed ?? embedWidth ?? Self.defaults.embed
        let hidden = self.hidden ?? (tieWeights ? embed : Self.defaults.hidden)
        // A tied decoder is a full softmax, so tying keeps it unless --softmax says otherwise
        // (then the model's validation explains why they cannot go together).
        let chosen = softmax ?? (cutoffs != nil || (!tieWeights && vocabularySize >= Self.adaptiveFromVocabulary) ? .adaptive : .full)
        return ModelConfig(cell: cell ?? Self.defaults.cell, activation: activation ?? Self.defaults.activation,
                           vocabularySize: vocabularySize, embed: embed, hidden: hidden,
                           layers: layers ?? Self.defaults.layers, dropout: dropout ?? Self.defaults.dropout, tieWeights: tieWeights,
                           softmax: chosen,
                           cutoffs: chosen == .adaptive ? cutoffs ?? Self.defaultCutoffs(vocabularySize: vocabularySize) : cutoffs ?? [],
                           divValue: divValue ?? 4, norm: norm ?? .none)
    }

    /// A freshly initialised model and its trainer; with --embed-init the embedding rows
    /// of the tokens the file has come from it (stderr says how many).
    func freshTrainer(corpus: Corpus) throws -> Trainer {
        guard !(freezeEmbed && tieWeights) else {
            throw RecurError.invalidArgument("--freeze-embed and --tie-weights exclude each other: a tied decoder would be frozen too")
        }
        guard freezeEmbed == false || embedInit != nil else {
            throw RecurError.invalidArgument("--freeze-embed keeps the embedding as it starts: give it --embed-init FILE, or it stays random")
        }
        let vectors = try embeddingVectors()
        let config = modelConfig(vocabularySize: corpus.vocabulary.count, embedWidth: vectors?.dimension)
        try config.validate()
        let training = try trainingConfig()
        try training.validate(for: config)
        try TrainingMemory.checkTraining(config, training, copies: weightCopies)
        var random = RandomGenerator(seed: training.seed)
        let model = LanguageModel(config: config, random: &random)
        if let vectors, let embedInit {
            let matched = try model.initializeEmbedding(from: vectors, vocabulary: corpus.vocabulary, name: embedInit)
            Console.error("embedding: \(matched) of \(corpus.vocabulary.count) tokens start from \(embedInit)\n")
        }
        return try Trainer(model: model, corpus: corpus, config: training)
    }

    /// A trainer starting from a checkpoint's weights with a fresh optimizer and data
    /// position. Model-shape flags must agree with the checkpoint; training flags apply.
    func initialisedTrainer(from checkpoint: Checkpoint, corpus: Corpus) throws -> Trainer {
        try checkShape(against: checkpoint, allowTrainingChanges: true)
        var training = try trainingConfig()
        training.sequenceLength = sequenceLength ?? checkpoint.config.seq
        training.batch = batch ?? checkpoint.config.batch
        try training.validate()
        var model = checkpoint.model.config
        model.dropout = dropout ?? model.dropout
        try model.validate()
        try training.validate(for: model)
        // The checkpoint's weights are held already; their copy is made while one more is.
        try TrainingMemory.checkTraining(model, training, copies: 1 + weightCopies)
        return try Trainer(model: LanguageModel(config: model, parameters: checkpoint.model.parameters.array), corpus: corpus, config: training)
    }

    /// A trainer ready to go — fresh, from `initPath`'s weights, or continuing `resumePath`
    /// exactly — with its corpus and a way to checkpoint it.
    func prepare(resume resumePath: String? = nil, initialise initPath: String? = nil) throws -> PreparedTraining {
        let prepared = try prepareTrainer(resume: resumePath, initialise: initPath)
        prepared.trainer.evaluationTokens = try checkedEvaluationTokens()
        return prepared
    }

    /// --eval-tokens, checked, or the default.
    func checkedEvaluationTokens() throws -> Int {
        guard let evaluationTokens else { return Trainer.defaultEvaluationTokens }
        guard evaluationTokens >= 0 else { throw RecurError.invalidArgument("--eval-tokens must not be negative (got \(evaluationTokens))") }
        return evaluationTokens
    }

    private func prepareTrainer(resume resumePath: String?, initialise initPath: String?) throws -> PreparedTraining {
        guard initPath == nil || resumePath == nil else { throw RecurError.invalidArgument("--init and --resume exclude each other") }
        guard let path = resumePath ?? initPath else {
            let corpus = try loadCorpus()
            var prepared = PreparedTraining(trainer: try freshTrainer(corpus: corpus), corpus: corpus, lowercase: lowercase,
                                            minCount: minCount ?? Self.defaults.minCount, embedInit: embedInit)
            prepared.maxVocab = maxVocab
            return prepared
        }
        let stored = try Checkpoint.read(from: path)
        let corpus = try loadCorpus(for: stored)
        let trainer: Trainer
        if resumePath != nil {
            try checkShape(against: stored, allowTrainingChanges: false)
            trainer = try stored.resumedTrainer(corpus: corpus)
        } else {
            trainer = try initialisedTrainer(from: stored, corpus: corpus)
        }
        var prepared = PreparedTraining(trainer: trainer, corpus: corpus, lowercase: stored.config.lowercase, minCount: stored.config.minCount,
                                        embedInit: stored.config.embedInit)
        prepared.maxVocab = stored.config.maxVocab
        return prepared
    }

    /// Prepares a run that saves to `path`, never overwriting a run already there without
    /// a word: a checkpoint of the same text and settings is continued exactly; one of
    /// another text or other settings, or any file with `fresh`, is moved aside as a
    /// backup (NAME.1.safetensors) and a new run starts. Flags the user typed must match
    /// the saved run's to continue it. `beforeReplacing` runs after the new run is ready
    /// and before the old file moves; if it throws, nothing moves.
    func prepare(reopening path: String?, fresh: Bool,
                        beforeReplacing: () throws -> Void = {}) throws -> (PreparedTraining, Reopening) {
        guard let path, OutputFile.isRegularFile(path) else { return (try prepare(), .none) }
        func startAnew(_ reason: String) throws -> (PreparedTraining, Reopening) {
            let prepared = try prepare()
            try beforeReplacing()
            return (prepared, .replaced(backup: try OutputFile.keepAsBackup(path), reason: reason))
        }
        if fresh { return try startAnew("--fresh") }
        let stored: Checkpoint
        do {
            stored = try Checkpoint.read(from: path)
        } catch let error as RecurError {
            return try startAnew("it could not be continued: \(error)")
        }
        guard stored.progress != nil, stored.carriedState != nil else { return try startAnew("it holds weights only") }
        let conflicts = try shapeConflicts(with: stored, allowTrainingChanges: false)
        if !conflicts.isEmpty {
            // The flags typed now win: the new run uses them, the old one is kept.
            return try startAnew("its settings differ from the flags given, which this run uses: \(conflicts.joined(separator: ", "))")
        }
        let corpus: Corpus
        do {
            corpus = try loadCorpus(for: stored)
        } catch RecurError.invalidCorpus(let reason) where !reason.contains("not found") {
            return try startAnew("it was trained on another text (\(reason))")
        }
        guard let progress = stored.progress, corpus.ids.count == progress.corpusTokens,
              Checkpoint.hash(corpus.ids) == progress.corpusHash else {
            return try startAnew("it was trained on another text")
        }
        let trainer = try stored.resumedTrainer(corpus: corpus)
        trainer.evaluationTokens = try checkedEvaluationTokens()
        var prepared = PreparedTraining(trainer: trainer, corpus: corpus, lowercase: stored.config.lowercase, minCount: stored.config.minCount,
                                        embedInit: stored.config.embedInit)
        prepared.maxVocab = stored.config.maxVocab
        return (prepared, .resumed(step: trainer.step))
    }

    /// Every flag given must equal the checkpoint's value, or it is an error naming it.
    func checkShape(against checkpoint: Checkpoint, allowTrainingChanges: Bool) throws {
        let conflicts = try shapeConflicts(with: checkpoint, allowTrainingChanges: allowTrainingChanges)
        guard conflicts.isEmpty else {
            throw RecurError.invalidArgument("flags conflict with the checkpoint, whose settings win: \(conflicts.joined(separator: ", "))")
        }
    }

    /// The flags given whose values differ from the checkpoint's, as "--hidden 64
    /// (checkpoint: 128)".
    func shapeConflicts(with checkpoint: Checkpoint, allowTrainingChanges: Bool) throws -> [String] {
        let config = checkpoint.config
        var conflicts: [String] = []
        func compare<Value: Equatable>(_ flag: String, _ given: Value?, _ stored: Value) {
            if let given, given != stored { conflicts.append("\(flag) \(given) (checkpoint: \(stored))") }
        }
        compare("--level", level, config.level)
        compare("--cell", cell, config.cell)
        compare("--activation", activation, config.activation)
        compare("--embed", embed, config.embed)
        compare("--hidden", hidden, config.hidden)
        compare("--layers", layers, config.layers)
        compare("--min-count", minCount, config.minCount)
        compare("--softmax", softmax, config.softmax)
        compare("--cutoffs", cutoffs, config.cutoffs)
        compare("--div-value", divValue, config.divValue)
        compare("--norm", norm, config.norm)
        if let maxVocab, maxVocab != config.maxVocab { conflicts.append("--max-vocab \(maxVocab) (checkpoint: \(config.maxVocab.map(String.init) ?? "none"))") }
        // A saved run keeps its tie whether or not the flag is typed again.
        if tieWeights && !config.tieWeights { conflicts.append("--tie-weights (checkpoint: untied)") }
        if embedInit != nil { conflicts.append("--embed-init (the checkpoint's embedding is already trained; start anew to use it)") }
        if lowercase && !config.lowercase { conflicts.append("--lowercase (checkpoint: not lowercased)") }
        if !allowTrainingChanges {
            compare("--seq", sequenceLength, config.seq)
            compare("--batch", batch, config.batch)
            compare("--dropout", dropout, config.dropout)
            if let progress = checkpoint.progress {
                compare("--lr", learningRate, progress.optimizer.learningRate)
                compare("--optimizer", optimizer, progress.optimizer.kind)
                compare("--momentum", momentum, progress.optimizer.momentum)
                compare("--weight-decay", weightDecay, progress.optimizer.weightDecay)
                compare("--clip", clip, progress.clip)
                compare("--seed", seed, progress.seed)
                if freezeEmbed && !config.freezeEmbed { conflicts.append("--freeze-embed (checkpoint: trained embedding)") }
                if decayFactor != nil || decayEvery != nil || decayPatience != nil, try schedule() != progress.schedule {
                    conflicts.append("the learning-rate schedule (checkpoint: \(progress.schedule))")
                }
            }
        }
        return conflicts
    }
}

/// What became of a checkpoint found where a run saves.
public enum Reopening: Equatable, Sendable {
    /// Nothing was there.
    case none
    /// The saved run continues from this step.
    case resumed(step: Int)
    /// The file was moved to `backup` and a new run started, for `reason`.
    case replaced(backup: String, reason: String)

    /// For a run that continues `source` (--resume or --init) but saves to `path`: a run
    /// already at `path` — another file than `source` — is moved aside first.
    static func protect(_ path: String?, continuing source: String) throws -> Reopening {
        guard let path, OutputFile.isRegularFile(path) else { return .none }
        let target = try? OutputFile.resolve(path).path, origin = try? OutputFile.resolve(source).path
        guard let target, let origin, (target as NSString).standardizingPath != (origin as NSString).standardizingPath else { return .none }
        return .replaced(backup: try OutputFile.keepAsBackup(path), reason: "it held another run")
    }

    /// One line for the status bar or stderr.
    public func describe(_ path: String) -> String? {
        switch self {
        case .none: nil
        case .resumed(let step): "resumed \((path as NSString).lastPathComponent) at step \(step.formatted(.number))"
        case .replaced(let backup, let reason):
            "kept the previous run as \((backup as NSString).lastPathComponent) (\(reason))"
        }
    }
}

/// A trainer with the corpus it trains on and what a checkpoint of it must record.
public struct PreparedTraining {
    public let trainer: Trainer
    public let corpus: Corpus
    let lowercase: Bool
    let minCount: Int
    /// The vectors file the embedding started from, kept in every checkpoint of the run.
    var embedInit: String?
    /// The vocabulary cap the text was read with (--max-vocab), kept for the record.
    var maxVocab: Int?

    init(trainer: Trainer, corpus: Corpus, lowercase: Bool, minCount: Int, embedInit: String? = nil) {
        self.trainer = trainer
        self.corpus = corpus
        self.lowercase = lowercase
        self.minCount = minCount
        self.embedInit = embedInit
    }

    /// Writes the trainer's complete state to `path` (atomically).
    func writeCheckpoint(to path: String) throws {
        try OutputFile.write(try checkpointData(of: trainer), to: path, what: "checkpoint")
    }

    /// The bytes of a checkpoint of `trainer` (this run's or one handed over by a Session).
    func checkpointData(of trainer: Trainer) throws -> Data {
        try PreparedTraining.checkpointData(of: trainer, corpus: corpus, lowercase: lowercase, minCount: minCount,
                                            embedInit: embedInit, maxVocab: maxVocab, withCurves: true)
    }

    /// Writes a checkpoint of `trainer` to a path this process owns; when the whole does
    /// not fit anywhere (a file size limit), the same state without its loss curves, which
    /// still resumes exactly. Returns the owner's line for the user, if any.
    func save(_ trainer: Trainer, to output: OwnedOutput) throws -> String? {
        try PreparedTraining.save(trainer, to: output, corpus: corpus, lowercase: lowercase, minCount: minCount, embedInit: embedInit,
                                  maxVocab: maxVocab)
    }

    private static func save(_ trainer: Trainer, to output: OwnedOutput, corpus: Corpus, lowercase: Bool, minCount: Int,
                             embedInit: String?, maxVocab: Int?) throws -> String? {
        func data(withCurves: Bool) throws -> Data {
            try checkpointData(of: trainer, corpus: corpus, lowercase: lowercase, minCount: minCount, embedInit: embedInit,
                               maxVocab: maxVocab, withCurves: withCurves)
        }
        return try output.write(try data(withCurves: true), lighter: { (try data(withCurves: false), "its loss curves") })
    }

    private static func checkpointData(of trainer: Trainer, corpus: Corpus, lowercase: Bool, minCount: Int, embedInit: String?,
                                       maxVocab: Int?, withCurves: Bool) throws -> Data {
        var checkpoint = Checkpoint(trainer: trainer, corpus: corpus, lowercase: lowercase, minCount: minCount,
                                    validationLoss: trainer.lastValidationLoss, embedInit: embedInit, maxVocab: maxVocab)
        if !withCurves {
            var history = RunHistory()
            history.elapsed = trainer.history.elapsed
            checkpoint.history = history
        }
        return try checkpoint.serialized()
    }

    /// A lower bound of the checkpoint's size: its tensors and vocabulary alone (weights,
    /// carried state, the optimizer's buffers), for refusing a run whose result could not
    /// be written.
    var checkpointSizeLowerBound: Int {
        let parameters = trainer.model.parameters.array.count
        let model = trainer.model.config
        let states = model.layers * trainer.config.batch * model.hidden * (model.cell == .lstm ? 2 : 1)
        let optimizerCopies = trainer.optimizer.settings.kind == .adam ? 2 : 1
        let vocabulary = corpus.vocabulary.tokens.reduce(0) { $0 + $1.utf8.count + 3 }
        return 4 * (parameters * (1 + optimizerCopies) + states) + vocabulary
    }

    /// The same, as a Session's writer into a path this process owns: it receives the
    /// trainer on the session's queue and returns the owner's line, if any.
    public func writer(to output: OwnedOutput) -> CheckpointWriter {
        let corpus = corpus, lowercase = lowercase, minCount = minCount, embedInit = embedInit, maxVocab = maxVocab
        return { trainer in
            try PreparedTraining.save(trainer, to: output, corpus: corpus, lowercase: lowercase, minCount: minCount, embedInit: embedInit,
                                      maxVocab: maxVocab)
        }
    }
}
