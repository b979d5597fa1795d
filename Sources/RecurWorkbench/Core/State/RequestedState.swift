// What p or s asked of a language model's session, shown in the status bar until a
// snapshot shows it done: the session handles a command between steps, and at V = 226k
// with the full softmax a step takes seconds, so the key must show at once that it was heard.
import RecurEngine

enum RequestedState: Equatable, Sendable {
    case pausing, resuming
    /// s: one step from this one.
    case stepping(from: Int)

    /// The status bar's state label while the request is pending.
    var label: String {
        switch self {
        case .pausing: "pausing…"
        case .resuming: "resuming…"
        case .stepping: "stepping…"
        }
    }

    /// Whether `snapshot` shows the request done (or overtaken: a run that diverged or stopped).
    func isShown(by snapshot: TrainingSnapshot) -> Bool {
        switch self {
        case .pausing: snapshot.state != .running
        case .resuming: snapshot.state != .paused
        case .stepping(let from): snapshot.step != from || snapshot.state == .diverged || snapshot.state == .stopped
        }
    }
}
