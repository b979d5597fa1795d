// `recur embed`: word2vec training from the command line.
import ArgumentParser
import Foundation
import RecurCommandLine
import RecurEngine

extension Word2VecArchitecture: ExpressibleByArgument {}

/// word2vec's own flags, shared by `recur embed` and `recur --word2vec`.
struct Word2VecOptions: ParsableArguments {
    @Option(help: "cbow (predict a word from its context) or skipgram (the context from the word).") var arch: Word2VecArchitecture = .cbow
    @Option(parsing: .unconditional, help: "Vector dimension.") var dim = 100
    @Option(parsing: .unconditional, help: "Maximum context window; each word uses a random window from 1 to this.") var window = 5
    @Option(parsing: .unconditional, help: "Negative samples per prediction (0: off, then --hs is needed).") var negative = 5
    @Flag(help: "Also train with hierarchical softmax.") var hs = false
    @Option(parsing: .unconditional, help: "Subsampling threshold for frequent words (0: off).") var sample = 1e-3
    @Option(parsing: .unconditional, help: "Passes over the text.") var epochs = 5
    @Option(parsing: .unconditional, help: "Starting learning rate, decayed linearly. (default: 0.05 CBOW, 0.025 skip-gram)") var alpha: Double?
    @Option(name: .customLong("min-alpha"), parsing: .unconditional, help: "Final learning rate.") var minAlpha = 1e-4
    @Option(parsing: .unconditional, help: "Worker threads (Hogwild).") var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    func settings(minCount: Int, seed: UInt64) throws -> Word2VecSettings {
        var settings = Word2VecSettings()
        settings.architecture = arch
        settings.dimension = dim
        settings.window = window
        settings.negative = negative
        settings.hierarchicalSoftmax = hs
        settings.minCount = minCount
        settings.sample = sample
        settings.epochs = epochs
        settings.alpha = alpha
        settings.minAlpha = minAlpha
        settings.threads = threads
        settings.seed = seed
        try settings.validate()
        return settings
    }
}

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Train word2vec vectors (CBOW or skip-gram with negative sampling).",
        discussion: "The text is read as word2vec.c and gensim's LineSentence read it: words separated by whitespace, one sentence per line. Progress (words/s, percent, loss) goes to stderr; --json prints {\"words_per_sec\": corpus words × epochs / training seconds, …} on stdout. To watch it train, run `recur --word2vec` with the same flags.")

    @Option(help: "Text file to train on. (default: the bundled samples/default.txt)") var corpus: String?
    @OptionGroup var word2vec: Word2VecOptions
    @Option(name: .customLong("min-count"), parsing: .unconditional, help: "Ignore words seen fewer times.") var minCount = 5
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Lowercase the text first.") var lowercase = false
    @Option(help: "Write the vectors here (a file already there is replaced). (default: CORPUS-NAME.vectors.txt, .bin for binary, .tsv for projector, in the current folder; files already there are kept as NAME.1.EXT)") var out: String?
    @Option(help: "Output format: text or binary (word2vec), glove, or projector (vectors.tsv + metadata.tsv).") var format: VectorFormat = .text
    @Flag(help: "Print one JSON object with the figures on stdout.") var json = false

    func run() throws {
        let settings = try word2vec.settings(minCount: minCount, seed: seed)
        guard let path = corpus ?? Resources.defaultCorpus else {
            throw RecurError.invalidArgument("the bundled samples/default.txt was not found; pass --corpus PATH")
        }
        // No run trains and then throws its vectors away: without --out they go to a default.
        let out = self.out ?? EmbedCommand.defaultOutPath(corpus: path, format: format)
        var outputs = [("--out", out)]
        if format == .projector { outputs.append(("--out's metadata.tsv", WordVectors.projectorMetadataPath(for: out))) }
        try OutputFile.checkDistinct(outputs: outputs, inputs: [("--corpus", path)])
        for (_, output) in outputs { try OutputFile.checkWritable(output, what: "vectors file") }
        let loadStarted = Date()
        var text: Word2VecCorpus? = try Word2VecCorpus.load(path: path, minCount: minCount, lowercase: lowercase,
                                                            progress: ProgressLine.corpusReader(path: path))
        let vocabularySeconds = Date().timeIntervalSince(loadStarted)
        let rawWordCount = text!.rawWordCount, vocabularySize = text!.words.count
        let trainer = try Word2VecTrainer(corpus: text!, settings: settings)
        // Only the trainer holds the corpus now, and its weights are written as they are
        // (writeVectors), so memory peaks while training, as gensim's does (#20).
        text = nil
        // Each number takes at least two bytes in text (a digit and a separator), four in binary.
        try OutputFile.checkRoom(for: out, bytes: vocabularySize * settings.dimension * (format == .binary ? 4 : 2), what: "vectors file")
        Console.error("\(rawWordCount) words, vocabulary \(vocabularySize) (min-count \(minCount)), \(settings.architecture.rawValue), \(settings.threads) threads\n")
        // Ctrl-C, SIGTERM or a hang-up stops training early; the vectors so far are still written.
        let result = HeadlessWord2Vec.train(trainer)
        if self.out == nil {
            for (_, output) in outputs where OutputFile.isRegularFile(output) {
                Console.error("kept the previous \((output as NSString).lastPathComponent) as \((try OutputFile.keepAsBackup(output) as NSString).lastPathComponent)\n")
            }
        }
        try trainer.writeVectors(to: out, format: format)
        if json {
            try printJSON(["words_per_sec": result.wordsPerSecond, "train_seconds": result.seconds, "vocab_seconds": vocabularySeconds,
                           "corpus_words": rawWordCount, "vocabulary": vocabularySize, "epochs": settings.epochs, "loss": result.finalLoss,
                           "arch": settings.architecture.rawValue, "dim": settings.dimension, "window": settings.window,
                           "negative": settings.negative, "hs": settings.hierarchicalSoftmax, "threads": settings.threads,
                           "min_count": minCount, "sample": settings.sample])
        } else {
            Console.error(String(format: "trained in %.2f s: %.0f words/s, final loss %.4f%@\n", result.seconds,
                                 result.wordsPerSecond, result.finalLoss, ", vectors in \(out)" as NSString))
        }
    }
}

extension EmbedCommand {
    /// Where vectors go without --out, for `recur embed` and `recur --word2vec`:
    /// CORPUS-NAME.vectors.EXT in the current folder.
    static func defaultOutPath(corpus: String, format: VectorFormat) -> String {
        let ext = switch format {
        case .text, .glove: "txt"
        case .binary: "bin"
        case .projector: "tsv"
        }
        return URL(fileURLWithPath: corpus).deletingPathExtension().lastPathComponent + ".vectors.\(ext)"
    }
}
