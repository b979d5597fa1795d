// What the hidden-state and sample panes show about what units and tokens do: the
// interpretable-cell finder's list, a span selected in the probe text and the spans that
// match it, and the inspector's saliency. Plain values that `update` changes.
import RecurEngine

/// The unit finder (key c): units by |r| with the annotation tracks of the text.
struct UnitFinderView {
    /// nil while it is being computed.
    var report: CellReport?
    /// Fraction of the text read so far.
    var progress = 0.0
    var selection = 0
    /// The training step of the weights it measured.
    var step = 0
    /// Entries the list offers.
    static let listLength = 40

    var entries: [CellCorrelation] { report?.top(Self.listLength) ?? [] }
}

/// A span of the probe text being selected (b, then ←→; Enter matches it).
struct SpanSelection: Equatable {
    var anchor: Int
    var cursor: Int
    var range: Range<Int> { min(anchor, cursor)..<max(anchor, cursor) + 1 }
}

/// Everything a span match depends on besides the weights.
struct SpanMatchRequest: Equatable, Sendable {
    /// Tokens of the validation text (the probe is its start).
    var range: Range<Int>
    var settings: SpanMatchSettings
}

/// One matching span with its context, as text.
struct SpanMatchEntry: Equatable, Sendable {
    var start: Int
    var score: Double
    var before: String
    var span: String
    var after: String
}

/// The spans that match a selection.
struct SpanMatches: Sendable {
    var request: SpanMatchRequest
    /// How many units are on over the whole selection (0: nothing to match).
    var patternUnits: Int
    var entries: [SpanMatchEntry]
    /// The selection as text.
    var span: String
}

/// The inspector's saliency: which earlier tokens matter to one prediction (key e).
struct SaliencyRequest: Equatable, Sendable {
    /// Every token fed before the predicted one.
    var ids: [Int32]
    /// The candidate explained.
    var target: Int32
}

struct SaliencyView {
    var request: SaliencyRequest
    /// One score per entry of `request.ids` (the earliest may be cut: see `Saliency`).
    var scores: [Double]
    var probability: Double
}

extension SampleView {
    /// What the inspector explains: the highlighted candidate at the cursor, after
    /// everything fed before it.
    var saliencyRequest: SaliencyRequest? {
        guard inspecting, steps.indices.contains(cursor) else { return nil }
        let candidates = steps[cursor].distribution.candidates
        guard candidates.indices.contains(alternative) else { return nil }
        return SaliencyRequest(ids: contextIDs + steps.prefix(cursor).map(\.token), target: candidates[alternative].token)
    }

    /// The saliency shown: the last result, when it explains what the inspector points at.
    var currentSaliency: SaliencyView? {
        guard explaining, let saliency, saliency.request == saliencyRequest else { return nil }
        return saliency
    }
}
