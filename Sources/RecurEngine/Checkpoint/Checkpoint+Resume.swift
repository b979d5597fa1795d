// Continuing a run from a checkpoint: a trainer exactly where the checkpoint stopped.
import Foundation

extension Checkpoint {
    /// A trainer that continues exactly where this checkpoint stopped: weights, optimizer
    /// state, step, tokens, data position, carried state and RNG. The corpus must be the
    /// one the checkpoint was trained on.
    public func resumedTrainer(corpus: Corpus) throws -> Trainer {
        guard let progress, carriedState != nil else {
            throw RecurError.invalidCheckpoint("the checkpoint holds weights only; use --init to start from them")
        }
        guard corpus.ids.count == progress.corpusTokens, Checkpoint.hash(corpus.ids) == progress.corpusHash else {
            throw RecurError.invalidCorpus("the corpus differs from the one this checkpoint was trained on (\(progress.corpusTokens) tokens, hash \(progress.corpusHash)); resume needs the same text")
        }
        var training = TrainingConfig(sequenceLength: config.seq, batch: config.batch, optimizer: progress.optimizer,
                                      clip: progress.clip, seed: progress.seed, schedule: progress.schedule)
        training.freezeEmbedding = config.freezeEmbed
        let trainer = try Trainer(model: model.copy(), corpus: corpus, config: training)
        try restore(into: trainer)
        return trainer
    }

    /// Puts this checkpoint's complete state into an existing trainer of the same shape
    /// (for rolling back after a divergence).
    public func restore(into trainer: Trainer) throws {
        guard let progress, let carriedState else {
            throw RecurError.invalidCheckpoint("the checkpoint holds weights only and cannot be resumed")
        }
        guard trainer.model.config == model.config, trainer.config.batch == config.batch,
              trainer.config.sequenceLength == config.seq else {
            throw RecurError.invalidCheckpoint("the checkpoint's model does not match the one training")
        }
        // The position indexes the token streams: it must lie within them.
        guard progress.position <= trainer.streams.streamLength else {
            throw RecurError.invalidCheckpoint("\(path.isEmpty ? "the checkpoint" : path): training.position \(progress.position) lies past the end of the text's \(config.batch) streams (\(trainer.streams.streamLength) tokens each)")
        }
        trainer.model.parameters.pointer.update(from: model.parameters.pointer, count: model.parameterCount)
        trainer.model.version += 1
        trainer.step = progress.step
        trainer.tokensSeen = progress.tokens
        trainer.position = progress.position
        trainer.random = RandomGenerator(state: progress.random.map { UInt64($0)! })
        trainer.optimizer.settings = progress.optimizer
        trainer.optimizer.restore(first: optimizerFirst ?? [Float](repeating: 0, count: model.parameterCount),
                                  second: optimizerSecond ?? [Float](repeating: 0, count: model.parameterCount),
                                  stepCount: progress.optimizerSteps)
        trainer.carriedState = carriedState
        trainer.plateau = progress.plateau
        trainer.lastValidationLoss = progress.validationLoss
        trainer.history = history
    }
}
