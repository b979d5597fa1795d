// The training loop's single step and the validation pass, with all buffers allocated
// up front: no allocation happens per step.
import CRecurKernels
import Foundation

/// What one training step did.
public struct StepResult: Sendable, Equatable {
    /// Mean cross-entropy over the chunk's B·T tokens, in nats.
    public var loss: Double
    /// Global L2 norm of the gradient before clipping.
    public var gradientNorm: Double
    /// False when the loss or gradient was not finite and the update was skipped.
    public var applied: Bool
}

/// Owns a model, its optimizer and data position; `step()` trains on the next chunk.
public final class Trainer {
    public let model: LanguageModel
    public let config: TrainingConfig
    public let optimizer: Optimizer
    public let streams: BatchStreams
    public let validationIDs: Slice<TokenIDs>
    public let trainingIDs: Slice<TokenIDs>
    /// Global step count: updates applied, skipped steps excluded.
    public var step = 0
    /// Training tokens consumed (B·T per step).
    public var tokensSeen = 0
    /// Start of the next chunk within every stream.
    public var position = 0
    public var random: RandomGenerator
    /// What the plateau schedule remembers of past validation losses.
    public var plateau = PlateauState()
    /// The last validation loss reported through `noteValidationLoss`.
    public var lastValidationLoss: Double?
    /// The run's curves and figures, saved with it (drivers keep `history.elapsed` current).
    public var history = RunHistory()
    /// Periodic validation (`validationLoss`) reads only this many leading tokens of the
    /// validation text, 0 meaning all of it: the same slice every time, so the curve stays
    /// comparable, and bounded at any corpus size. `recur eval` reads everything.
    public var evaluationTokens = Trainer.defaultEvaluationTokens
    public static let defaultEvaluationTokens = 200_000

    /// The parameters `freezeEmbedding` keeps fixed (empty otherwise).
    var frozen: Range<Int> {
        guard config.freezeEmbedding else { return 0..<0 }
        let encoder = model.layout["encoder.weight"]
        return encoder.offset..<(encoder.offset + encoder.count)
    }
    let graph: TrainingGraph
    let gradients: FloatBuffer
    private var inputs: [Int32]
    private var targets: [Int32]

    /// Prepares training of `model` on `corpus` (first 90% train, last 10% validate).
    /// Throws when the training text cannot fill B streams of one chunk each.
    public init(model: LanguageModel, corpus: Corpus, config: TrainingConfig) throws {
        try config.validate(for: model.config)
        let streams = BatchStreams(ids: corpus.trainingIDs, batch: config.batch)
        guard streams.fits(position: 0, steps: config.sequenceLength) else {
            let needed = config.batch * (config.sequenceLength + 1)
            throw RecurError.invalidCorpus(
                "corpus too small: training needs at least \(needed) tokens for --batch \(config.batch) × (--seq \(config.sequenceLength) + 1), the training split has \(corpus.trainingIDs.count)")
        }
        self.model = model
        self.config = config
        self.streams = streams
        self.validationIDs = corpus.validationIDs
        self.trainingIDs = corpus.trainingIDs
        self.optimizer = Optimizer(settings: config.optimizer, parameterCount: model.parameterCount)
        self.random = RandomGenerator(seed: config.seed &+ 0x5EED)
        self.graph = TrainingGraph(config: model.config, maxSteps: config.sequenceLength, batch: config.batch)
        self.gradients = FloatBuffer(count: model.parameterCount)
        inputs = Array(repeating: 0, count: config.sequenceLength * config.batch)
        targets = inputs
    }

    /// Trains on the next chunk: forward, backward, clip, update, carry the state.
    @discardableResult
    public func trainStep() -> StepResult {
        let T = config.sequenceLength
        if !streams.fits(position: position, steps: T) {
            position = 0
            graph.resetState()
        }
        inputs.withUnsafeMutableBufferPointer { inputs in
            targets.withUnsafeMutableBufferPointer { targets in
                streams.fill(position: position, steps: T, inputs: inputs, targets: targets)
            }
        }
        let tokens = T * config.batch
        let total = inputs.withUnsafeBufferPointer { inputs in
            targets.withUnsafeBufferPointer { targets in
                graph.forward(model: model, inputs: inputs, targets: targets, steps: T, training: true, random: &random)
            }
        }
        let loss = total / Double(tokens)
        let g = gradients.pointer
        parallelRows(gradients.count, width: 1) { _, range in (g + range.lowerBound).update(repeating: 0, count: range.count) }
        graph.backward(model: model, gradients: gradients.pointer)
        if !frozen.isEmpty { (g + frozen.lowerBound).update(repeating: 0, count: frozen.count) }
        let norm = gradientNorm()
        position += T
        tokensSeen += tokens
        guard loss.isFinite, norm.isFinite else {
            // A non-finite step never reaches the weights; the state is reset so the
            // next chunk does not inherit infinities.
            graph.resetState()
            return StepResult(loss: loss, gradientNorm: norm, applied: false)
        }
        graph.carryState()
        // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6), applied as the
        // optimizer reads each gradient.
        let scale = config.clip > 0 && norm > Double(config.clip) ? Float(Double(config.clip) / (norm + 1e-6)) : 1
        optimizer.update(parameters: model.parameters.pointer, gradients: gradients.pointer, count: model.parameterCount,
                         gradientScale: scale, frozen: frozen)
        model.version += 1
        step += 1
        history.recordTraining(step: step, tokens: tokensSeen, loss: loss)
        if case .step(let every, let factor) = config.schedule, step % every == 0 {
            optimizer.settings.learningRate *= factor
        }
        return StepResult(loss: loss, gradientNorm: norm, applied: true)
    }

    /// Global L2 norm of the current gradient, accumulated in Double.
    func gradientNorm() -> Double {
        var partial = [Double](repeating: 0, count: Gemm.threadCount)
        let g = gradients.pointer
        partial.withUnsafeMutableBufferPointer { sums in
            let sums = sums.baseAddress!
            parallelRows(gradients.count, width: 1) { part, range in
                sums[part] = recur_sum_squares(Int32(range.count), g + range.lowerBound)
            }
        }
        return partial.reduce(0, +).squareRoot()
    }

    /// The validation tokens periodic validation reads: the first `evaluationTokens`.
    public var evaluationIDs: Slice<TokenIDs> {
        evaluationTokens == 0 ? validationIDs : validationIDs.prefix(evaluationTokens)
    }

    /// Which validation tokens periodic validation reads, for the loss pane and stderr:
    /// nil when it reads them all.
    public var evaluationSliceDescription: String? {
        guard evaluationIDs.count < validationIDs.count else { return nil }
        let compact = IntegerFormatStyle<Int>.number.notation(.compactName)
        return "first \(evaluationIDs.count.formatted(compact)) of \(validationIDs.count.formatted(compact)) validation tokens"
    }

    /// Mean cross-entropy (nats per token) over the evaluation slice of the validation
    /// text (`evaluationIDs`), cut into B streams and run chunk by chunk from a zero
    /// state with the state carried.
    public func validationLoss() -> Double? {
        Evaluation.loss(model: model, ids: evaluationIDs, batch: config.batch, sequenceLength: config.sequenceLength)
    }

    /// The same validation as a pass to advance chunk by chunk (nil when it cannot run);
    /// the trainer must not train until it is finished or dropped.
    public func startValidation() -> ValidationPass? {
        ValidationPass(model: model, ids: evaluationIDs, batch: config.batch, sequenceLength: config.sequenceLength)
    }

    /// Tells the plateau schedule about a validation loss; lowers the learning rate after
    /// `patience` evaluations without a relative improvement of 1e-4. A loss that is not
    /// finite (a diverged model) is not recorded: no checkpoint could hold it.
    public func noteValidationLoss(_ loss: Double) {
        guard loss.isFinite else { return }
        lastValidationLoss = loss
        history.recordValidation(step: step, tokens: tokensSeen, loss: loss)
        guard case .plateau(let patience, let factor) = config.schedule else { return }
        if let best = plateau.best, loss >= best * (1 - 1e-4) {
            plateau.evaluationsWithoutImprovement += 1
            if plateau.evaluationsWithoutImprovement > patience {
                optimizer.settings.learningRate *= factor
                plateau.evaluationsWithoutImprovement = 0
            }
        } else {
            plateau.best = loss
            plateau.evaluationsWithoutImprovement = 0
        }
    }

    /// The carried hidden state: h (L, B, H) then c (L, B, H) for LSTM.
    public var carriedState: [Float] {
        get { graph.carriedState }
        set { graph.setCarriedState(newValue) }
    }
}

/// Validation loss as DESIGN.md defines it, shared by the trainer and `recur eval`.
public enum Evaluation {
    /// Mean cross-entropy in nats per token of `ids` under `model`, or nil when the text is
    /// too short to give every one of the B streams a target. `progress` receives the
    /// fraction done after every chunk.
    public static func loss(model: LanguageModel, ids: Slice<TokenIDs>, batch: Int, sequenceLength: Int,
                            progress: ((Double) -> Void)? = nil) -> Double? {
        guard let pass = ValidationPass(model: model, ids: ids, batch: batch, sequenceLength: sequenceLength) else { return nil }
        while !pass.isFinished {
            pass.advance()
            progress?(pass.fractionDone)
        }
        return pass.loss
    }
}
