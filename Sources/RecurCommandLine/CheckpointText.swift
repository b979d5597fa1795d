// A checkpoint with the validation text of a corpus read in its vocabulary: the input of
// the commands that measure what units do (`recur cells`, `recur match`, `recur explain`).
import RecurEngine

/// A checkpoint and the validation text of a corpus read with its vocabulary.
public struct CheckpointText {
    public let stored: Checkpoint
    public let validation: [Int32]
    /// The training text before it, which the annotation tracks continue from.
    public let preceding: Slice<TokenIDs>

    public init(checkpoint: String, corpus: String) throws {
        stored = try Checkpoint.read(from: checkpoint, trainingState: false)
        var setup = TrainingSetup()
        setup.corpusPath = corpus
        let text = try setup.loadCorpus(for: stored)
        validation = Array(text.validationIDs)
        preceding = text.trainingIDs
        guard validation.count >= 2 else {
            throw RecurError.invalidCorpus("the validation text (the last 10% of \(corpus)) has \(validation.count) token(s); it needs at least 2")
        }
    }
}
