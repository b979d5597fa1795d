// What the hidden-state and sample panes show about what units and tokens do: the
// interpretable-cell finder's list, a span selected in the probe text and the spans that
// match it, and the inspector's saliency. Plain values that `update` changes.
import RecurEngine

/// The unit finder (key c): units by |r| with the annotation tracks of the text.
public struct UnitFinderView {
    /// nil while it is being computed.
    public var report: CellReport?
    /// Fraction of the text read so far.
    public var progress = 0.0
    public var selection = 0
    /// The training step of the weights it measured.
    public var step = 0
    /// Entries the list offers.
    public static let listLength = 40

    public var entries: [CellCorrelation] { report?.top(Self.listLength) ?? [] }
}

/// A span of the probe text being selected (b, then ←→; Enter matches it).
public struct SpanSelection: Equatable {
    public var anchor: Int
    public var cursor: Int
    public var range: Range<Int> { min(anchor, cursor)..<max(anchor, cursor) + 1 }
}

/// Everything a span match depends on besides the weights.
public struct SpanMatchRequest: Equatable, Sendable {
    /// Tokens of the validation text (the probe is its start).
    public var range: Range<Int>
    public var settings: SpanMatchSettings
}

/// One matching span with its context, as text.
public struct SpanMatchEntry: Equatable, Sendable {
    public var start: Int
    public var score: Double
    public var before: String
    public var span: String
    public var after: String
}

/// The spans that match a selection.
public struct SpanMatches: Sendable {
    public var request: SpanMatchRequest
    /// How many units are on over the whole selection (0: nothing to match).
    public var patternUnits: Int
    public var entries: [SpanMatchEntry]
    /// The selection as text.
    public var span: String
}

/// The inspector's saliency: which earlier tokens matter to one prediction (key e).
public struct SaliencyRequest: Equatable, Sendable {
    /// Every token fed before the predicted one.
    public var ids: [Int32]
    /// The candidate explained.
    public var target: Int32
}

public struct SaliencyView {
    public var request: SaliencyRequest
    /// One score per entry of `request.ids` (the earliest may be cut: see `Saliency`).
    public var scores: [Double]
    public var probability: Double
}

extension SampleView {
    /// What the inspector explains: the highlighted candidate at the cursor, after
    /// everything fed before it.
    public var saliencyRequest: SaliencyRequest? {
        guard inspecting, steps.indices.contains(cursor) else { return nil }
        let candidates = steps[cursor].distribution.candidates
        guard candidates.indices.contains(alternative) else { return nil }
        return SaliencyRequest(ids: contextIDs + steps.prefix(cursor).map(\.token), target: candidates[alternative].token)
    }

    /// The saliency shown: the last result, when it explains what the inspector points at.
    public var currentSaliency: SaliencyView? {
        guard explaining, let saliency, saliency.request == saliencyRequest else { return nil }
        return saliency
    }
}
