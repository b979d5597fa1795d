// Running a model over a long text as one stream (batch 1, zero start, state carried
// between chunks) and showing every signal of every layer, chunk by chunk, to a visitor.
// The unit finder and span matching read the whole validation text this way without
// holding (T, H) matrices for every signal in memory.

/// One chunk's values of every (layer, signal): rows are time steps.
public struct SignalChunk {
    /// Index of the chunk's first token in the whole stream.
    public let start: Int
    public let steps: Int
    public let units: Int
    fileprivate let graph: TrainingGraph
    fileprivate let gateIndex: [Character: Int]

    /// The (steps, H) values of `signal` in `layer`: `values[t · stride + unit]`.
    public func row(layer: Int, signal: ProbeSignal) -> (values: UnsafePointer<Float>, stride: Int) {
        let H = units
        switch signal {
        case .hidden: return (graph.layerOutputs(layer), H)
        case .cell: return (graph.layerCells(layer)!, H)
        case .gate(let letter):
            let G = graph.config.gateWidth
            return (graph.layerGates(layer)! + gateIndex[letter]! * H, G)
        }
    }
}

public enum SignalStream {
    /// Steps per forward chunk.
    public static let chunkLength = 256

    /// Runs `model` over `ids` in chunks and calls `visit` after each one. `visit` returns
    /// false to stop early (a cancelled job).
    public static func run(model: LanguageModel, ids: some Collection<Int32>, chunkLength: Int = chunkLength,
                           visit: (SignalChunk) -> Bool) {
        let config = model.config
        let letters: [Character] = config.cell == .lstm ? ["i", "f", "g", "o"] : config.cell == .gru ? ["r", "z", "n"] : []
        let gateIndex = Dictionary(uniqueKeysWithValues: letters.enumerated().map { ($1, $0) })
        let all = Array(ids)
        guard !all.isEmpty else { return }
        let graph = TrainingGraph(config: config, maxSteps: min(chunkLength, all.count), batch: 1, statesOnly: true)
        var random = RandomGenerator(seed: 0)
        var start = 0
        while start < all.count {
            let steps = min(graph.maxSteps, all.count - start)
            all[start..<start + steps].withUnsafeBufferPointer { inputs in
                _ = graph.forward(model: model, inputs: inputs, targets: nil, steps: steps, training: false, random: &random)
            }
            let chunk = SignalChunk(start: start, steps: steps, units: config.hidden, graph: graph, gateIndex: gateIndex)
            guard visit(chunk) else { return }
            graph.carryState()
            start += steps
        }
    }
}
