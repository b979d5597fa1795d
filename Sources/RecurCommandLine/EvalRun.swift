// `recur eval` after its flags are parsed: a checkpoint's validation loss over the whole
// validation text of a corpus read in its vocabulary, and the n-gram floors beside it.
import Foundation
import RecurEngine

/// A checkpoint scored on a corpus's validation text.
public struct EvalRun {
    /// Mean cross-entropy in nats per token, and over how many tokens.
    public let loss: Double
    public let tokens: Int
    /// n-gram floors (order → nats per token), when asked for.
    public let floors: [Int: Double]
    /// The training tokens the n-gram counts came from, when fewer than all.
    public let floorTrainingTokens: (used: Int, of: Int)?
    public let level: TokenLevel

    /// Scores `checkpoint` on the last 10% of `corpus` (saying how far it is on stderr when
    /// that takes long), and the n-gram models n = 1…5 on the same tokens with `baselines`.
    public init(checkpoint: String, corpus: String, baselines: Bool) throws {
        let stored = try Checkpoint.read(from: checkpoint, trainingState: false)
        var setup = TrainingSetup()
        setup.corpusPath = corpus
        let text = try setup.loadCorpus(for: stored)
        // A long validation text takes minutes: say how far it is.
        let progress = text.validationIDs.count > Trainer.defaultEvaluationTokens
            ? ProgressLine.reporter { "evaluating \(text.validationIDs.count.formatted(.number)) tokens: \($0)%" } : nil
        guard let loss = Evaluation.loss(model: stored.model, ids: text.validationIDs, batch: stored.config.batch,
                                         sequenceLength: stored.config.seq, progress: progress) else {
            throw RecurError.invalidCorpus("the validation text (\(text.validationIDs.count) tokens) is too short for \(stored.config.batch) streams")
        }
        self.loss = loss
        tokens = text.validationIDs.count
        level = stored.config.level
        floors = baselines ? NGramBaselines.losses(training: text.trainingIDs, validation: text.validationIDs,
                                                   vocabularySize: text.vocabulary.count, batch: stored.config.batch) ?? [:] : [:]
        floorTrainingTokens = baselines && text.trainingIDs.count > NGramBaselines.maximumTrainingTokens
            ? (NGramBaselines.maximumTrainingTokens, text.trainingIDs.count) : nil
    }
}
