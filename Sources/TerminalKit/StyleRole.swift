// The semantic roles that cells are drawn in. Widgets name a role; the theme decides
// the colour, so a theme file can restyle everything without touching code.

/// What a cell means, which the theme turns into colours and attributes.
public enum StyleRole: Hashable, Sendable {
    case text, muted, title, border, focusedBorder, axis
    case trainLoss, smoothedLoss, validationLoss
    case sliderTrack, sliderKnob, bar, selection
    case status, statusRunning, statusPaused, warning
    /// Heat ramp: negative levels −4…−1, zero 0, positive 1…4.
    case heat(Int)

    /// Every role, in the order themes list them.
    public static let all: [StyleRole] = [
        .text, .muted, .title, .border, .focusedBorder, .axis, .trainLoss, .smoothedLoss, .validationLoss,
        .sliderTrack, .sliderKnob, .bar, .selection, .status, .statusRunning, .statusPaused, .warning,
    ] + (-heatLevels...heatLevels).map { .heat($0) }

    /// The number of heat levels on each side of zero.
    static let heatLevels = 4

    /// The key that names the role in a theme file.
    var themeKey: String {
        switch self {
        case .text: "text"
        case .muted: "muted"
        case .title: "title"
        case .border: "border"
        case .focusedBorder: "focused-border"
        case .axis: "axis"
        case .trainLoss: "train-loss"
        case .smoothedLoss: "smoothed-loss"
        case .validationLoss: "val-loss"
        case .sliderTrack: "slider-track"
        case .sliderKnob: "slider-knob"
        case .bar: "bar"
        case .selection: "selection"
        case .status: "status"
        case .statusRunning: "status-running"
        case .statusPaused: "status-paused"
        case .warning: "warning"
        case .heat(let level): level < 0 ? "heat-negative-\(-level)" : level == 0 ? "heat-zero" : "heat-positive-\(level)"
        }
    }
}
