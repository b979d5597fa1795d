// A language model's embedding started from pretrained vectors (word2vec or GloVe files):
// the encoder rows of the tokens the file has are replaced; the others keep PyTorch's
// initialisation, as `nn.Embedding.from_pretrained` would leave the rest to the user.

extension LanguageModel {
    /// Copies into encoder.weight the vector of every token of `vocabulary` that `vectors`
    /// has — by exact spelling, or for a lowercased vocabulary by the file's first
    /// spelling that lowercases to it — and returns how many rows were set. The
    /// dimension must equal the model's embedding width; no match at all is an error
    /// (a character model needs a file of single-character entries).
    public func initializeEmbedding(from vectors: WordVectors, vocabulary: Vocabulary, name: String) throws -> Int {
        guard vectors.dimension == config.embed else {
            throw RecurError.invalidArgument("\(name) has \(vectors.dimension)-dimensional vectors but --embed is \(config.embed); leave --embed out to take the file's")
        }
        var lowercased: [TokenKey: Int32] = [:]
        if vocabulary.lowercase {
            for (index, word) in vectors.words.enumerated() where lowercased[TokenKey(word.lowercased())] == nil {
                lowercased[TokenKey(word.lowercased())] = Int32(index)
            }
        }
        let encoder = parameters.pointer + layout["encoder.weight"].offset
        let E = config.embed
        var matched = 0
        for (row, token) in vocabulary.tokens.enumerated() {
            guard let id = vectors.id(of: token) ?? lowercased[TokenKey(token)] else { continue }
            for (column, value) in vectors.vector(of: id).enumerated() { encoder[row * E + column] = value }
            matched += 1
        }
        guard matched > 0 else {
            throw RecurError.invalidArgument("none of the model's \(vocabulary.count) \(vocabulary.level == .char ? "characters" : "words") is in \(name)" +
                                             (vocabulary.level == .char ? " (a character model needs vectors of single characters)" : ""))
        }
        version += 1
        return matched
    }
}
