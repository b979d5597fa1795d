// The interpretable-cell finder (Karpathy, Johnson & Fei-Fei 2015): for every layer,
// signal and unit, the Pearson correlation of its activation with every annotation track
// over a text run as one stream from a zero state. Sums are accumulated chunk by chunk in
// Double with the track means subtracted first, so a long text needs no (T, H) matrices
// and no large cancellations.

/// One unit's correlation with one track.
public struct CellCorrelation: Sendable, Equatable {
    /// 1-based, as the panes and the JSON count layers.
    public let layer: Int
    public let signal: ProbeSignal
    public let unit: Int
    public let track: String
    /// Pearson r in −1…1.
    public let r: Double
}

/// What the finder measured over a text.
public struct CellReport: Sendable {
    /// Every (layer, signal, unit, track) with a defined r, by |r| descending.
    public let cells: [CellCorrelation]
    /// Tracks that were constant over the text (no quotes in it, say): r is undefined.
    public let constantTracks: [String]
    public let tokens: Int
    /// Where the tracks started (inside a quotation, …): the probe, which is the start of
    /// the same text, is annotated from here too.
    public let start: AnnotationTrack.Start

    /// The best `count` entries, of one track when `track` is given.
    public func top(_ count: Int, track: String? = nil) -> [CellCorrelation] {
        Array(cells.lazy.filter { track == nil || $0.track == track }.prefix(count))
    }
}

public enum CellFinder {
    /// Correlates every unit of `model` with every track over `ids` (tokens of
    /// `vocabulary`), the tracks continuing from the text `preceding` it (the training
    /// text before a validation text). `progress` gets the fraction done after each chunk
    /// and returns false to cancel (the result is then nil).
    public static func correlate(model: LanguageModel, ids: some Collection<Int32>, preceding: some Sequence<Int32> = [Int32](),
                                 vocabulary: Vocabulary, progress: (Double) -> Bool = { _ in true }) -> CellReport? {
        let config = model.config, H = config.hidden
        let start = AnnotationTrack.Start(after: preceding, vocabulary: vocabulary)
        let tracks = AnnotationTrack.all(tokens: ids.map { vocabulary.tokens[Int($0)] }, level: vocabulary.level, from: start)
        let n = Double(ids.count)
        let K = tracks.count
        // Centred tracks: y − ȳ, and Σ(y − ȳ)².
        let means = tracks.map { $0.values.reduce(0.0) { $0 + Double($1) } / max(n, 1) }
        let centred = (0..<K).map { k in tracks[k].values.map { Double($0) - means[k] } }
        let trackSquares = centred.map { $0.reduce(0.0) { $0 + $1 * $1 } }
        let signals = ProbeSignal.available(for: config.cell)
        // Per (layer, signal): Σx (H), Σx² (H), Σx(y−ȳ) (K, H).
        let sourceCount = config.layers * signals.count
        var sums = [Double](repeating: 0, count: sourceCount * H)
        var squares = [Double](repeating: 0, count: sourceCount * H)
        var products = [Double](repeating: 0, count: sourceCount * K * H)
        var cancelled = false
        SignalStream.run(model: model, ids: ids) { chunk in
            for layer in 0..<config.layers {
                for (s, signal) in signals.enumerated() {
                    let source = layer * signals.count + s
                    let (values, stride) = chunk.row(layer: layer, signal: signal)
                    for t in 0..<chunk.steps {
                        let row = values + t * stride
                        let position = chunk.start + t
                        for unit in 0..<H {
                            let x = Double(row[unit])
                            sums[source * H + unit] += x
                            squares[source * H + unit] += x * x
                        }
                        for k in 0..<K {
                            let y = centred[k][position]
                            guard y != 0 else { continue }
                            let base = (source * K + k) * H
                            for unit in 0..<H { products[base + unit] += Double(row[unit]) * y }
                        }
                    }
                }
            }
            cancelled = !progress(Double(chunk.start + chunk.steps) / n)
            return !cancelled
        }
        guard !cancelled else { return nil }
        var cells: [CellCorrelation] = []
        for layer in 0..<config.layers {
            for (s, signal) in signals.enumerated() {
                let source = layer * signals.count + s
                for unit in 0..<H {
                    let sum = sums[source * H + unit]
                    // n · Var(x) = Σx² − (Σx)²/n
                    let spread = squares[source * H + unit] - sum * sum / n
                    guard spread > 1e-9 * n else { continue }
                    for k in 0..<K where trackSquares[k] > 0 {
                        // Σ(x − x̄)(y − ȳ) = Σx(y − ȳ), since Σ(y − ȳ) = 0.
                        let r = products[(source * K + k) * H + unit] / (spread * trackSquares[k]).squareRoot()
                        cells.append(CellCorrelation(layer: layer + 1, signal: signal, unit: unit, track: tracks[k].name,
                                                     r: min(max(r, -1), 1)))
                    }
                }
            }
        }
        cells.sort { abs($0.r) != abs($1.r) ? abs($0.r) > abs($1.r) : ($0.layer, $0.unit) < ($1.layer, $1.unit) }
        return CellReport(cells: cells, constantTracks: (0..<K).filter { trackSquares[$0] == 0 }.map { tracks[$0].name },
                          tokens: ids.count, start: start)
    }
}
