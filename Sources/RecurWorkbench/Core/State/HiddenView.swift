// The hidden-state pane's settings: layer, signal, cursor, and the unit views open in it.
import RecurEngine

/// How the hidden-state pane draws.
struct HiddenView {
    /// nil: the last layer.
    var layer: Int?
    var signal: ProbeSignal = .hidden
    /// Position of the highlighted unit in display order.
    var cursor = 0
    var sortByVariance = false
    /// Show the gradient flow through time instead of the activations.
    var showGradientFlow = false
    /// The unit finder's list, while it is open (c).
    var finder: UnitFinderView?
    /// The annotation track drawn under the heatmap, the r it was chosen for, and where
    /// the text it annotates starts (inside a quotation, …).
    var track: (name: String, r: Double, start: AnnotationTrack.Start)?
    /// A span of the probe text being selected, and the matches of the last one.
    var selection: SpanSelection?
    var matching: SpanMatchRequest?
    var matches: SpanMatches?

    /// The finder's list or a span's matches take the heatmap's place.
    var showsUnitList: Bool { finder != nil || matching != nil || matches != nil }
}
