// One validation pass, advanced a chunk at a time: `Evaluation.loss` runs it to the end,
// and a Session runs it in slices between commands, so that no key waits for a whole
// pass (at V = 226k with the full softmax one pass takes minutes).
import CRecurKernels
import Foundation

/// The mean cross-entropy of `ids` under `model`, as DESIGN.md defines validation: the
/// text cut into B streams, read T tokens at a time from a zero state with the state
/// carried. The model must not change while a pass is under way.
///
/// Streams are independent through time, so a large pass gives each core its own block
/// of streams with a single-threaded graph, and the cores meet once per chunk. One graph
/// for all streams would split every step across the cores and wait for both at each
/// step and after every product: a scheduler slice lost whenever another process holds a
/// core (docs/training.md gives the measured figures).
public final class ValidationPass {
    public let model: LanguageModel
    private let sequenceLength: Int
    private let streamLength: Int
    private let blocks: [Block]
    private var position = 0

    /// One core's streams, graph and sums.
    private final class Block {
        let streams: BatchStreams
        let graph: TrainingGraph
        var inputs: [Int32]  // (T, b)
        var targets: [Int32]  // (T, b)
        var random = RandomGenerator(seed: 0)
        var total = 0.0
        var count = 0

        init(streams: BatchStreams, graph: TrainingGraph, sequenceLength: Int) {
            self.streams = streams
            self.graph = graph
            inputs = [Int32](repeating: 0, count: sequenceLength * streams.batch)
            targets = inputs
        }

        func advance(model: LanguageModel, position: Int, steps: Int) {
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
        }
    }

    /// Nil when the text is too short to give every one of the B streams a target, or the
    /// pass would need more workspace than ModelLimits allows.
    public convenience init?(model: LanguageModel, ids: Slice<TokenIDs>, batch: Int, sequenceLength: Int) {
        self.init(model: model, ids: ids, batch: batch, sequenceLength: sequenceLength, blocksPerCore: true)
    }

    /// `blocksPerCore` false: one graph for all streams (the tests' reference).
    init?(model: LanguageModel, ids: Slice<TokenIDs>, batch: Int, sequenceLength: Int, blocksPerCore: Bool) {
        let streams = BatchStreams(ids: ids, batch: batch)
        guard streams.streamLength >= 2, sequenceLength > 0,
              let bytes = ModelLimits.workspaceBytes(model.config, steps: sequenceLength, batch: batch),
              bytes <= ModelLimits.workspaceBytes else { return nil }
        self.model = model
        self.sequenceLength = sequenceLength
        streamLength = streams.streamLength
        let ranges = blocksPerCore ? Self.streamBlocks(model.config, batch: batch) : [0..<batch]
        if ranges.count == 1 {
            blocks = [Block(streams: streams, graph: TrainingGraph(config: model.config, maxSteps: sequenceLength, batch: batch),
                            sequenceLength: sequenceLength)]
        } else {
            let length = streams.streamLength
            blocks = ranges.map { range in
                let start = ids.startIndex + range.lowerBound * length
                let blockStreams = BatchStreams(ids: ids.base[start..<(start + range.count * length)], batch: range.count)
                // Never split across cores: each block's products run on its own core.
                let graph = TrainingGraph(config: model.config, maxSteps: sequenceLength, batch: range.count, splitThreshold: Int.max)
                return Block(streams: blockStreams, graph: graph, sequenceLength: sequenceLength)
            }
        }
    }

    /// Blocks of streams that a pass runs one per core: as many as cores when the
    /// recurrence would be split across cores at all (TrainingGraph's threshold) and every
    /// block keeps at least 8 streams; each starts on the GEMM's tile rows, so the
    /// recurrent products tile every stream as one graph for all streams does.
    static func streamBlocks(_ config: ModelConfig, batch: Int) -> [Range<Int>] {
        let parts = batch * config.gateWidth * config.hidden >= 1 << 20 ? min(Gemm.threadCount, batch / 8) : 1
        guard parts > 1 else { return [0..<batch] }
        let tile = Int(recur_sgemm_tile_rows())
        let chunk = ((batch + parts - 1) / parts + tile - 1) / tile * tile
        return stride(from: 0, to: batch, by: chunk).map { $0..<min($0 + chunk, batch) }
    }

    public var isFinished: Bool { position >= streamLength - 1 }

    /// The fraction of the text read so far.
    public var fractionDone: Double { Double(position) / Double(streamLength - 1) }

    /// The tokens scored so far.
    var tokenCount: Int { blocks.reduce(0) { $0 + $1.count } }

    /// The mean loss in nats per token, once finished.
    public var loss: Double? {
        isFinished ? blocks.reduce(0) { $0 + $1.total } / Double(tokenCount) : nil
    }

    /// Reads the next chunk of T tokens per stream (fewer at the end).
    public func advance() {
        guard !isFinished else { return }
        let steps = min(sequenceLength, streamLength - 1 - position)
        if blocks.count == 1 {
            blocks[0].advance(model: model, position: position, steps: steps)
        } else {
            let shared = UncheckedSendable((blocks: blocks, model: model, position: position))
            DispatchQueue.concurrentPerform(iterations: blocks.count) { index in
                let (blocks, model, position) = shared.value
                blocks[index].advance(model: model, position: position, steps: steps)
            }
        }
        position += steps
    }
}
