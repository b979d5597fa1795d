// --max-vocab: a word vocabulary capped at its most frequent words, as gensim's
// max_final_vocab and torchtext's max_tokens do. Applied to the counted, sorted words
// before ids are assigned, so the rest simply map to <unk>.

/// The cap on a word vocabulary's size.
enum VocabularyCap {
    /// The first words of `sortedWords` (most frequent first, already past --min-count)
    /// that fit a vocabulary of `maxVocabulary` tokens with `<unk>` as one of them.
    static func words(_ sortedWords: [String], maxVocabulary: Int?) -> [String] {
        guard let maxVocabulary else { return sortedWords }
        return Array(sortedWords.prefix(max(maxVocabulary - 1, 0)))
    }
}
