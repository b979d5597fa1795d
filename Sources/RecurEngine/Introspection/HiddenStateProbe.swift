// What the units do over a piece of text: the model is run from a zero state over the
// probe tokens (batch 1) and, for every layer, h_t — and for an LSTM c_t and the i/f/g/o
// gates, for a GRU the r/z/n gates — recorded at every step.

/// Which per-unit quantity of a layer.
public enum ProbeSignal: Hashable, Sendable, CustomStringConvertible {
    case hidden
    case cell
    /// A gate by its PyTorch letter: i f g o (LSTM), r z n (GRU).
    case gate(Character)

    public var description: String {
        switch self {
        case .hidden: "h"
        case .cell: "c"
        case .gate(let letter): String(letter)
        }
    }

    /// The signal named as `description` names it ("h", "c", or a gate letter), if
    /// `cell` has it.
    public init?(name: String, cell: CellKind) {
        guard let signal = Self.available(for: cell).first(where: { $0.description == name }) else { return nil }
        self = signal
    }

    /// The signals a cell has, in display order.
    public static func available(for cell: CellKind) -> [ProbeSignal] {
        switch cell {
        case .rnn: [.hidden]
        case .lstm: [.hidden, .cell, .gate("i"), .gate("f"), .gate("g"), .gate("o")]
        case .gru: [.hidden, .gate("r"), .gate("z"), .gate("n")]
        }
    }
}

/// Per-unit activations over T probe tokens, for every layer and signal.
public struct HiddenStateProbe: Sendable, Equatable {
    /// The probe's tokens as text, one entry per time step.
    public let tokens: [String]
    public let units: Int
    public let layers: Int
    public let signals: [ProbeSignal]
    /// (T, H) row-major per layer and signal.
    private let matrices: [Int: [ProbeSignal: [Float]]]

    /// A probe of one layer's hidden state only (for tests and simple callers).
    public init(tokens: [String], units: Int, activations: [Float]) {
        self.tokens = tokens
        self.units = units
        layers = 1
        signals = [.hidden]
        matrices = [0: [.hidden: activations]]
    }

    /// Runs `model` over `ids` (batch 1, zero start) and records every signal of every layer.
    public init(model: LanguageModel, ids: [Int32], vocabulary: Vocabulary) {
        let config = model.config, H = config.hidden, T = ids.count
        tokens = ids.map { vocabulary.tokens[Int($0)] }
        units = H
        layers = config.layers
        signals = ProbeSignal.available(for: config.cell)
        guard T > 0 else {
            matrices = [:]
            return
        }
        let graph = TrainingGraph(config: config, maxSteps: T, batch: 1, statesOnly: true)
        var random = RandomGenerator(seed: 0)
        ids.withUnsafeBufferPointer { inputs in
            _ = graph.forward(model: model, inputs: inputs, targets: nil, steps: T, training: false, random: &random)
        }
        var matrices: [Int: [ProbeSignal: [Float]]] = [:]
        let letters: [Character] = config.cell == .lstm ? ["i", "f", "g", "o"] : ["r", "z", "n"]
        for layer in 0..<config.layers {
            var byLayer: [ProbeSignal: [Float]] = [.hidden: Array(UnsafeBufferPointer(start: graph.layerOutputs(layer), count: T * H))]
            if let cells = graph.layerCells(layer) { byLayer[.cell] = Array(UnsafeBufferPointer(start: cells, count: T * H)) }
            if let gates = graph.layerGates(layer) {
                let G = config.gateWidth
                for (index, letter) in letters.enumerated() {
                    var values = [Float](repeating: 0, count: T * H)
                    for t in 0..<T { for unit in 0..<H { values[t * H + unit] = gates[t * G + index * H + unit] } }
                    byLayer[.gate(letter)] = values
                }
            }
            matrices[layer] = byLayer
        }
        self.matrices = matrices
    }

    public var steps: Int { tokens.count }

    /// (T, H) values of `signal` in `layer` (default: the last layer's h).
    public func matrix(layer: Int? = nil, signal: ProbeSignal = .hidden) -> [Float]? {
        matrices[layer ?? layers - 1]?[signal]
    }

    /// The last layer's h_t for a unit.
    public func activation(step: Int, unit: Int) -> Float { matrix()![step * units + unit] }
}
