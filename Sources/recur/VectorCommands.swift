// `recur neighbours`, `recur analogy`, `recur evaluate`: queries on word vectors from a
// vectors file or a checkpoint's embedding.
import ArgumentParser
import Foundation
import RecurEngine

extension VectorFormat: ExpressibleByArgument {}

/// Where the vectors come from: a file (word2vec text/binary, GloVe) or a checkpoint.
struct VectorSource: ParsableArguments {
    @Option(help: "Word vectors: word2vec text or binary, or GloVe text (detected).") var vectors: String?
    @Option(help: "Use a language-model checkpoint's embedding as the vectors.") var checkpoint: String?

    func load() throws -> WordVectors {
        switch (vectors, checkpoint) {
        case (let path?, nil): return try WordVectors(contentsOf: path)
        case (nil, let path?):
            let stored = try Checkpoint.read(from: path, trainingState: false)
            return try WordVectors(model: stored.model, vocabulary: stored.vocabulary)
        default: throw RecurError.invalidArgument("give exactly one of --vectors PATH and --checkpoint PATH")
        }
    }
}

func printJSON(_ object: Any) throws {
    print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
}

func printRanking(_ ranking: [(word: String, similarity: Float)], json: Bool) throws {
    if json {
        try printJSON(["neighbours": ranking.map { ["word": $0.word, "similarity": Double($0.similarity)] }])
    } else {
        let width = max(ranking.map(\.word.count).max() ?? 0, 4)
        for entry in ranking {
            print(entry.word.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %.4f", entry.similarity))
        }
    }
}

struct NeighboursCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neighbours",
        abstract: "The words closest to a word by cosine similarity.",
        aliases: ["neighbors"])

    @OptionGroup var source: VectorSource
    @Argument(help: "The word to look up.") var word: String
    @Option(name: .short, parsing: .unconditional, help: "How many neighbours.") var k = 10
    @Flag(help: "Print {\"neighbours\": [{\"word\": w, \"similarity\": s}, …]}.") var json = false

    func run() throws {
        guard k > 0 else { throw RecurError.invalidArgument("-k must be positive (got \(k))") }
        try printRanking(try source.load().neighbours(of: word, count: k), json: json)
    }
}

struct AnalogyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analogy",
        abstract: "A is to B as C is to ?: the words closest to B − A + C (3CosAdd, inputs excluded).")

    @OptionGroup var source: VectorSource
    @Argument(help: "A, B and C.") var words: [String]
    @Option(name: .short, parsing: .unconditional, help: "How many answers.") var k = 10
    @Flag(help: "Print {\"neighbours\": [{\"word\": w, \"similarity\": s}, …]}.") var json = false

    func validate() throws {
        guard words.count == 3 else { throw ValidationError("give three words: A B C (A is to B as C is to ?)") }
    }

    func run() throws {
        guard k > 0 else { throw RecurError.invalidArgument("-k must be positive (got \(k))") }
        try printRanking(try source.load().analogy(words[0], words[1], words[2], count: k), json: json)
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Analogy accuracy (questions-words format) and word-pair similarity correlation.",
        discussion: "--analogies FILE: lines ': section' then 'a b c d'; each question whose words are all known is answered by 3CosAdd, case-insensitively. --pairs FILE: lines 'word1 word2 score'; prints Spearman and Pearson correlation and the share of pairs with unknown words.")

    @OptionGroup var source: VectorSource
    @Option(help: "Analogy questions in the questions-words format.") var analogies: String?
    @Option(help: "Word pairs with human similarity scores.") var pairs: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        guard analogies != nil || pairs != nil else { throw RecurError.invalidArgument("give --analogies FILE and/or --pairs FILE") }
        let vectors = try source.load()
        var record: [String: Any] = [:]
        if let analogies {
            let report = try vectors.evaluateAnalogies(try Corpus.readText(at: analogies, what: "analogy file"))
            record["analogies"] = [
                "accuracy": report.accuracy, "correct": report.correct, "answered": report.answered, "skipped": report.skipped,
                "sections": report.sections.map { ["name": $0.name, "accuracy": $0.accuracy, "correct": $0.correct, "answered": $0.answered, "skipped": $0.skipped] },
            ]
            if !json {
                for section in report.sections {
                    print(String(format: "%-32@ %6.2f%%  (%d/%d, %d skipped)", section.name as NSString, 100 * section.accuracy,
                                 section.correct, section.answered, section.skipped))
                }
                print(String(format: "%-32@ %6.2f%%  (%d/%d, %d skipped)", "total" as NSString, 100 * report.accuracy,
                             report.correct, report.answered, report.skipped))
            }
        }
        if let pairs {
            let report = try vectors.evaluatePairs(try Corpus.readText(at: pairs, what: "pairs file"))
            record["pairs"] = ["spearman": report.spearman, "pearson": report.pearson, "pairs": report.pairs,
                               "out_of_vocabulary": report.outOfVocabulary, "oov_share": report.outOfVocabularyShare]
            if !json {
                print(String(format: "pairs: Spearman %.4f, Pearson %.4f over %d pairs; %.1f%% out of vocabulary",
                             report.spearman, report.pearson, report.pairs, 100 * report.outOfVocabularyShare))
            }
        }
        if json { try printJSON(record) }
    }
}
