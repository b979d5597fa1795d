// The standard intrinsic evaluations of word vectors: analogy questions in the
// questions-words format (": section" lines, then "a b c d"), answered by 3CosAdd like
// word2vec's compute-accuracy and gensim's evaluate_word_analogies (case-insensitive),
// and word-pair similarity lists scored by Spearman and Pearson correlation.
import Foundation

/// Accuracy on analogy questions, per section and in total.
public struct AnalogyReport: Sendable {
    public struct Section: Sendable {
        public var name: String
        public var correct: Int
        public var answered: Int
        /// Questions skipped because a word is not in the vocabulary.
        public var skipped: Int
        public var accuracy: Double { answered == 0 ? 0 : Double(correct) / Double(answered) }
    }

    public var sections: [Section]
    public var correct: Int { sections.reduce(0) { $0 + $1.correct } }
    public var answered: Int { sections.reduce(0) { $0 + $1.answered } }
    public var skipped: Int { sections.reduce(0) { $0 + $1.skipped } }
    public var accuracy: Double { answered == 0 ? 0 : Double(correct) / Double(answered) }
}

/// Agreement of cosine similarities with human scores.
public struct SimilarityReport: Sendable {
    public var spearman: Double
    public var pearson: Double
    public var pairs: Int
    public var outOfVocabulary: Int
    public var outOfVocabularyShare: Double { Double(outOfVocabulary) / Double(max(pairs + outOfVocabulary, 1)) }
}

extension WordVectors {
    /// A lowercased view (first spelling wins) for case-insensitive evaluation.
    /// Keyed by exact scalars (TokenKey), as every token lookup is.
    private func lowercasedLookup() -> [TokenKey: String] {
        var lookup: [TokenKey: String] = [:]
        for word in words where lookup[TokenKey(word.lowercased())] == nil { lookup[TokenKey(word.lowercased())] = word }
        return lookup
    }

    /// Answers every question whose four words are known: the best word for b − a + c
    /// (inputs excluded) must be d.
    public func evaluateAnalogies(_ text: String) throws -> AnalogyReport {
        let lookup = lowercasedLookup()
        var sections: [AnalogyReport.Section] = []
        for (number, rawLine) in LineEnds.lines(text).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix(":") {
                sections.append(.init(name: line.dropFirst().trimmingCharacters(in: .whitespaces), correct: 0, answered: 0, skipped: 0))
                continue
            }
            let fields = line.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
            guard fields.count == 4 else {
                throw RecurError.invalidArgument("analogy file, line \(number + 1): expected 4 words, found \(fields.count)")
            }
            if sections.isEmpty { sections.append(.init(name: "(no section)", correct: 0, answered: 0, skipped: 0)) }
            let known = fields.compactMap { lookup[TokenKey($0)] }
            guard known.count == 4 else { sections[sections.count - 1].skipped += 1; continue }
            let answer = try analogy(known[0], known[1], known[2], count: 1).first?.word
            sections[sections.count - 1].answered += 1
            if let answer, TokenKey.same(answer, known[3]) { sections[sections.count - 1].correct += 1 }
        }
        return AnalogyReport(sections: sections)
    }

    /// Correlates cosine similarity with the human score of every known pair.
    /// Lines: "word1 word2 score" (tabs or spaces); '#' starts a comment line.
    public func evaluatePairs(_ text: String) throws -> SimilarityReport {
        let lookup = lowercasedLookup()
        var ours: [Double] = [], theirs: [Double] = []
        var missing = 0
        for (number, rawLine) in LineEnds.lines(text).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard fields.count >= 3, let score = Double(fields[2]) else {
                throw RecurError.invalidArgument("pairs file, line \(number + 1): expected 'word word score'")
            }
            guard let first = lookup[TokenKey(fields[0].lowercased())], let second = lookup[TokenKey(fields[1].lowercased())] else {
                missing += 1
                continue
            }
            ours.append(Double(try similarity(first, second)))
            theirs.append(score)
        }
        guard ours.count >= 2 else { throw RecurError.invalidArgument("fewer than two pairs have both words in the vocabulary") }
        return SimilarityReport(spearman: Statistics.pearson(Statistics.ranks(ours), Statistics.ranks(theirs)),
                                pearson: Statistics.pearson(ours, theirs), pairs: ours.count, outOfVocabulary: missing)
    }
}

/// Correlation helpers.
public enum Statistics {
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n, meanY = y.reduce(0, +) / n
        var covariance = 0.0, varianceX = 0.0, varianceY = 0.0
        for (a, b) in zip(x, y) {
            covariance += (a - meanX) * (b - meanY)
            varianceX += (a - meanX) * (a - meanX)
            varianceY += (b - meanY) * (b - meanY)
        }
        guard varianceX > 0, varianceY > 0 else { return 0 }
        return covariance / (varianceX * varianceY).squareRoot()
    }

    /// Ranks from 1, ties sharing their average rank (as Spearman's ρ needs).
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let average = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = average }
            start = end + 1
        }
        return ranks
    }
}
