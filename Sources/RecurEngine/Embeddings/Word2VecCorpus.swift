// The corpus word2vec trains on: its vocabulary, counts and sentences as ids (read by
// Word2VecCorpusReader.swift).
import Foundation

/// A corpus prepared for word2vec: whitespace-separated words, one sentence per line
/// (as word2vec.c and gensim's LineSentence read text), rare words dropped. Read by
/// Word2VecCorpusReader.swift.
public struct Word2VecCorpus: Sendable {
    /// The vocabulary, most frequent first.
    public let words: [String]
    public let counts: [Int64]
    /// Word ids of the kept words, −1 between sentences.
    public let tokens: [Int32]
    /// Every word of the text, rare ones included (what "corpus tokens" counts).
    public let rawWordCount: Int

    init(words: [String], counts: [Int64], tokens: [Int32], rawWordCount: Int) {
        self.words = words
        self.counts = counts
        self.tokens = tokens
        self.rawWordCount = rawWordCount
    }
}
