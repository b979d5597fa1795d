// Select and match (LSTMVis, Strobelt et al. 2017): the units of one layer's signal that
// stay above a threshold over every step of a selected span form a pattern; every other
// span of the same length is scored by how well the units on over all of it overlap the
// pattern, rewarding shared units and penalising extra ones:
//     score = (|P ∩ S| − |S \ P|) / |P|     (1: exactly the pattern; ≤ 0: no better than none)
// On-sets are kept as bit masks, one per step, so a long text costs H/8 bytes a token.

/// Which activations a match reads, and where a unit counts as on.
public struct SpanMatchSettings: Sendable, Equatable {
    /// 0-based layer.
    public var layer: Int
    public var signal: ProbeSignal
    public var threshold: Float

    public init(layer: Int, signal: ProbeSignal = .hidden, threshold: Float? = nil) {
        self.layer = layer
        self.signal = signal
        self.threshold = threshold ?? Self.defaultThreshold(for: signal)
    }

    /// Where a unit counts as on unless told: 0.3 for h, c and the tanh candidates (g, n),
    /// 0.5 for the sigmoid gates, whose values lie in 0…1.
    public static func defaultThreshold(for signal: ProbeSignal) -> Float {
        switch signal {
        case .hidden, .cell, .gate("g"), .gate("n"): 0.3
        case .gate: 0.5
        }
    }
}

/// A span whose on-units resemble the pattern.
public struct SpanMatchResult: Sendable, Equatable {
    /// Index of the span's first token in the text.
    public let start: Int
    public let length: Int
    public let score: Double
    /// How many pattern units are on over the whole span.
    public let shared: Int
}

/// The on-units of every step of a text, and matching against a selected span.
public struct OnUnitMasks: Sendable {
    public let steps: Int
    public let units: Int
    private let words: Int
    /// (T, ⌈H/64⌉) bits: unit u on at step t.
    private let bits: [UInt64]

    /// Runs `model` over `ids` as one stream and records which units of the chosen layer
    /// and signal are above the threshold at each step. nil when `progress` returns false
    /// (cancelled) or the model has no such layer or signal.
    public init?(model: LanguageModel, ids: some Collection<Int32>, settings: SpanMatchSettings,
                 progress: (Double) -> Bool = { _ in true }) {
        guard settings.layer >= 0, settings.layer < model.config.layers,
              ProbeSignal.available(for: model.config.cell).contains(settings.signal) else { return nil }
        let H = model.config.hidden
        let words = (H + 63) / 64
        var bits = [UInt64](repeating: 0, count: ids.count * words)
        var cancelled = false
        SignalStream.run(model: model, ids: ids) { chunk in
            let (values, stride) = chunk.row(layer: settings.layer, signal: settings.signal)
            for t in 0..<chunk.steps {
                let base = (chunk.start + t) * words
                for unit in 0..<H where values[t * stride + unit] > settings.threshold {
                    bits[base + unit / 64] |= 1 << UInt64(unit % 64)
                }
            }
            cancelled = !progress(Double(chunk.start + chunk.steps) / Double(ids.count))
            return !cancelled
        }
        guard !cancelled else { return nil }
        self.init(steps: ids.count, units: H, bits: bits)
    }

    /// Masks given directly (for tests): `bits` holds ⌈units/64⌉ words per step.
    public init(steps: Int, units: Int, bits: [UInt64]) {
        precondition(bits.count == steps * ((units + 63) / 64))
        self.steps = steps
        self.units = units
        self.words = (units + 63) / 64
        self.bits = bits
    }

    /// The units on at every step of `range`.
    public func pattern(over range: Range<Int>) -> [UInt64] {
        var mask = [UInt64](repeating: ~0, count: words)
        if units % 64 != 0 { mask[words - 1] = (1 << UInt64(units % 64)) - 1 }
        for t in range { for w in 0..<words { mask[w] &= bits[t * words + w] } }
        return mask
    }

    /// Units in a pattern.
    public static func count(_ mask: [UInt64]) -> Int { mask.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The best spans of `range`'s length by the LSTMVis score, best first; spans that
    /// overlap `range` or a better match are left out. Empty when the pattern is empty.
    public func matches(of range: Range<Int>, count: Int) -> [SpanMatchResult] {
        let pattern = pattern(over: range)
        let patternSize = Self.count(pattern)
        let length = range.count
        guard patternSize > 0, length > 0, length <= steps else { return [] }
        var scored: [SpanMatchResult] = []
        scored.reserveCapacity(steps - length + 1)
        var window = [UInt64](repeating: 0, count: words)
        for start in 0...(steps - length) {
            for w in 0..<words { window[w] = ~0 }
            for t in start..<start + length { for w in 0..<words { window[w] &= bits[t * words + w] } }
            var shared = 0, extra = 0
            for w in 0..<words {
                shared += (window[w] & pattern[w]).nonzeroBitCount
                extra += (window[w] & ~pattern[w]).nonzeroBitCount
            }
            scored.append(SpanMatchResult(start: start, length: length,
                                          score: Double(shared - extra) / Double(patternSize), shared: shared))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.start < $1.start }
        var chosen: [SpanMatchResult] = []
        var taken: [Range<Int>] = [range]
        for candidate in scored where chosen.count < count {
            let span = candidate.start..<candidate.start + length
            guard !taken.contains(where: { $0.overlaps(span) }) else { continue }
            chosen.append(candidate)
            taken.append(span)
        }
        return chosen
    }
}

extension Collection where Element == Int32, Index == Int {
    /// Where `span` first occurs as a run of tokens, or nil.
    public func firstOccurrence(of span: [Int32]) -> Int? {
        guard let first = span.first, span.count <= count else { return nil }
        var start = startIndex
        while start <= endIndex - span.count {
            if self[start] == first, span.indices.allSatisfy({ self[start + $0] == span[$0] }) { return start - startIndex }
            start += 1
        }
        return nil
    }
}
