// The largest sizes Recur accepts, whether they come from the command line or from a
// file someone else wrote. They keep every size, product and offset inside Int and
// inside the Int32 the C kernels take, and every allocation below what a workstation has.
// README's "Limits" section lists them.

/// Upper bounds on model and training sizes.
public enum ModelLimits {
    /// --embed and --hidden.
    public static let width = 65_536
    /// --layers.
    public static let layers = 64
    /// Clusters of the adaptive softmax (entries of --cutoffs).
    public static let clusters = 64
    /// Tokens in a vocabulary.
    public static let vocabulary = 4_000_000
    /// Parameters of a model (weights are indexed with Int32 in the kernels).
    public static let parameters = Int(Int32.max)
    /// --seq.
    public static let sequenceLength = 100_000
    /// --batch.
    public static let batch = 65_536
    /// Working memory of one training graph (activations and their gradients for
    /// --seq × --batch rows): 4 GiB keeps every buffer under 2^30 floats.
    public static let workspaceBytes = 4 << 30

    /// Bytes a training graph of `config` needs for `steps` × `batch` rows, counted as
    /// TrainingGraph allocates them (dropout masks included), or nil past Int's range.
    public static func workspaceBytes(_ config: ModelConfig, steps: Int, batch: Int) -> Int? {
        let H = config.hidden, G = config.gateWidth, L = config.layers, E = config.embed
        // Per row: embedding, per-layer outputs, cells, tanh(c), gates, GRU parts, dropout
        // copies and masks, probabilities, and the backward buffers; with norm layer each
        // layer's normalised W_ih x, W_hh h and c (and a float each for their row
        // statistics), and two backward buffers.
        let normalised = config.norm == .layer
        let perLayer = 3 * H + 2 * G + 2 * H + (normalised ? 2 * G + H + 3 : 0)
        var (perRow, overflow) = perLayer.multipliedReportingOverflow(by: L)
        guard !overflow else { return nil }
        (perRow, overflow) = perRow.addingReportingOverflow(2 * E + config.outputRowWidth + 2 * G + 2 * H + max(E, H) + (normalised ? G + H : 0))
        guard !overflow else { return nil }
        let (rows, rowsOverflow) = (steps + 1).multipliedReportingOverflow(by: batch)
        let (floats, floatsOverflow) = rows.multipliedReportingOverflow(by: perRow)
        guard !rowsOverflow, !floatsOverflow, floats <= Int.max / 4 else { return nil }
        return floats * 4
    }

    /// Throws unless `value` is in `range`; `name` is the flag or field to blame.
    static func check(_ value: Int, in range: ClosedRange<Int>, _ name: String) throws {
        guard range.contains(value) else {
            throw RecurError.invalidArgument(range.upperBound == Int.max
                ? "\(name) must be at least \(range.lowerBound) (got \(value))"
                : "\(name) must be from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }

    /// The graph for `steps` × `batch` rows of `config` fits the workspace limit.
    static func checkWorkspace(_ config: ModelConfig, steps: Int, batch: Int, names: (String) -> String) throws {
        let bytes = workspaceBytes(config, steps: steps, batch: batch)
        guard let bytes, bytes <= workspaceBytes else {
            let size = bytes.map { String(format: "%.1f GiB", Double($0) / Double(1 << 30)) } ?? "more than fits in memory"
            throw RecurError.invalidArgument("\(names("seq")) \(steps) × \(names("batch")) \(batch) would need \(size) of working memory for this model; the limit is 4 GiB")
        }
    }
}
