// One validation pass, advanced a chunk at a time: `Evaluation.loss` runs it to the end,
// and a Session runs it in slices between commands, so that no key waits for a whole
// pass (at V = 226k with the full softmax one pass takes minutes).
import Foundation

/// The mean cross-entropy of `ids` under `model`, as DESIGN.md defines validation: the
/// text cut into B streams, read T tokens at a time from a zero state with the state
/// carried. The model must not change while a pass is under way.
public final class ValidationPass {
    public let model: LanguageModel
    private let streams: BatchStreams
    private let sequenceLength: Int
    private let graph: TrainingGraph
    private var inputs: [Int32]  // (T, B)
    private var targets: [Int32]  // (T, B)
    private var random = RandomGenerator(seed: 0)
    private var position = 0
    private var total = 0.0
    private var count = 0

    /// Nil when the text is too short to give every one of the B streams a target, or the
    /// pass would need more workspace than ModelLimits allows.
    public init?(model: LanguageModel, ids: Slice<TokenIDs>, batch: Int, sequenceLength: Int) {
        let streams = BatchStreams(ids: ids, batch: batch)
        guard streams.streamLength >= 2, sequenceLength > 0,
              let bytes = ModelLimits.workspaceBytes(model.config, steps: sequenceLength, batch: batch),
              bytes <= ModelLimits.workspaceBytes else { return nil }
        self.model = model
        self.streams = streams
        self.sequenceLength = sequenceLength
        self.graph = TrainingGraph(config: model.config, maxSteps: sequenceLength, batch: batch)
        inputs = [Int32](repeating: 0, count: sequenceLength * batch)
        targets = inputs
    }

    public var isFinished: Bool { position >= streams.streamLength - 1 }

    /// The fraction of the text read so far.
    public var fractionDone: Double { Double(position) / Double(streams.streamLength - 1) }

    /// The mean loss in nats per token, once finished.
    public var loss: Double? { isFinished ? total / Double(count) : nil }

    /// Reads the next chunk of T tokens per stream (fewer at the end).
    public func advance() {
        guard !isFinished else { return }
        let steps = min(sequenceLength, streams.streamLength - 1 - position)
        inputs.withUnsafeMutableBufferPointer { inputs in
            targets.withUnsafeMutableBufferPointer { targets in
                streams.fill(position: position, steps: steps, inputs: inputs, targets: targets)
            }
        }
        total += inputs.withUnsafeBufferPointer { inputs in
            targets.withUnsafeBufferPointer { targets in
                graph.forward(model: model, inputs: inputs, targets: targets, steps: steps, training: false, random: &random)
            }
        }
        graph.carryState()
        count += steps * streams.batch
        position += steps
    }
}
