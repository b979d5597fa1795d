// Ctrl-C, SIGTERM or a hang-up (a dropped ssh session) ask a headless run to stop at its
// next check, so that what it trained is still written: one owner for `recur train` and
// `recur embed`.
import Foundation

/// The stop signals of a headless run, caught while `catching` runs.
enum StopSignals {
    /// Set from the signal handler; read between steps.
    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    static let numbers = [SIGINT, SIGTERM, SIGHUP]

    /// Runs `body` with the stop signals caught (the default action is put back after);
    /// `body` polls the closure it is given to learn whether one has arrived.
    static func catching<Result>(_ body: (_ stopRequested: @escaping () -> Bool) throws -> Result) rethrows -> Result {
        received = 0
        for number in numbers { signal(number) { _ in StopSignals.received = 1 } }
        defer { for number in numbers { signal(number, SIG_DFL) } }
        return try body { StopSignals.received != 0 }
    }
}
