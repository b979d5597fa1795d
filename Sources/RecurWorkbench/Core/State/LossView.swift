// The loss pane's settings: what its x axis counts, log scale, smoothing, the recent window.

/// What the loss chart's x axis counts.
enum LossAxis: String, CaseIterable, Sendable {
    case steps, tokens, time
}

/// How the loss pane draws.
struct LossView: Equatable {
    var logarithmic = false
    var axis: LossAxis = .steps
    /// Only the most recent `recentWindow` steps instead of the whole run.
    var recentOnly = false
    /// Weight of the past in the moving average of the training loss (0: raw).
    var smoothing = 0.95
    static let recentWindow = 300
}
