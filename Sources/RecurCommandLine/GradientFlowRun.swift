// `recur gradflow` after its flags are parsed: train a few steps (or continue a run),
// then measure how far back the last step's loss gradient reaches.
import RecurEngine

/// The gradient flow through time of a model after some training.
public struct GradientFlowRun {
    public let flow: GradientFlow
    public let config: ModelConfig
    /// The step the model was measured at.
    public let step: Int

    /// Trains the run `setup` describes (or `resume` continues) until step `steps`, then
    /// back-propagates the last step's loss over the first window of the validation text
    /// (the training text when the validation text is too short for a batch of windows).
    public init(setup: TrainingSetup, resume: String?, steps: Int) throws {
        let prepared = try setup.prepare(resume: resume)
        let trainer = prepared.trainer
        while trainer.step < steps {
            guard trainer.trainStep().applied else { throw RecurError.invalidArgument("training diverged at step \(trainer.step + 1); lower --lr") }
        }
        let ids = prepared.corpus.validationIDs.count > trainer.config.batch * (trainer.config.sequenceLength + 1)
            ? prepared.corpus.validationIDs : prepared.corpus.trainingIDs
        flow = try GradientFlow(model: trainer.model, ids: ids, steps: trainer.config.sequenceLength, batch: trainer.config.batch)
        config = trainer.model.config
        step = trainer.step
    }
}
