// The workbench's background work, a lane per kind of job (see `Lane`: samples, each
// race model's sample, neighbours, the map, files, n-gram floors, the unit finder, span
// matching, saliency, a watched run's checkpoint). Each lane holds at most one job waiting: a newer job replaces the
// waiting one, which then never starts, and cancels the running one, which notices at
// its next check (long jobs work in slices and check between them). So a burst of 50
// slider steps leaves at most one sample job queued, and a neighbour query never waits
// behind a 600-token sample: they are in different lanes.
import Dispatch
import Foundation

/// Runs jobs in lanes; a newer job in a lane supersedes the older ones.
final class JobRunner: @unchecked Sendable {
    enum Lane: Hashable, Sendable {
        case sample, neighbours, map, files, baselines
        /// The unit finder, span matching and saliency.
        case units, match, saliency
        /// Watch mode: reading and probing a run folder's newest checkpoint.
        case checkpoint
        case raceSample(Int)
    }

    /// What a running job polls to learn that a newer one has replaced it.
    final class Token: @unchecked Sendable {
        private let lock = NSLock()
        private var cancelled = false
        var isCancelled: Bool { lock.withLock { cancelled } }
        func cancel() { lock.withLock { cancelled = true } }
    }

    typealias Job = @Sendable (Token) -> Void

    private final class LaneState: @unchecked Sendable {
        let queue: DispatchQueue
        var waiting: Job?
        var running: Token?
        var draining = false
        init(label: String, qos: DispatchQoS) { queue = DispatchQueue(label: label, qos: qos) }
    }

    private let lock = NSLock()
    private var lanes: [Lane: LaneState] = [:]

    private func lane(_ lane: Lane) -> LaneState {
        if let existing = lanes[lane] { return existing }
        // What the user waits for runs ahead of training; the map and files behind it.
        let qos: DispatchQoS = switch lane {
        case .sample, .neighbours, .raceSample, .units, .match, .saliency: .userInitiated
        case .map, .files, .baselines, .checkpoint: .utility
        }
        let created = LaneState(label: "recur.workbench.\(lane)", qos: qos)
        lanes[lane] = created
        return created
    }

    /// Queues `job` in `lane`, replacing a job still waiting there (it never starts) and
    /// cancelling the one running (it stops at its next check).
    func submit(_ laneID: Lane, _ job: @escaping Job) {
        let state: LaneState = lock.withLock {
            let state = lane(laneID)
            state.waiting = job
            state.running?.cancel()
            return state
        }
        let start: Bool = lock.withLock {
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if WorkbenchTrace.isOn { WorkbenchTrace.record("submit", ["lane": "\(laneID)", "waiting": waiting(laneID)]) }
        if start { state.queue.async { self.drain(state) } }
    }

    /// Runs the lane's waiting job, then the next one submitted meanwhile, until none waits.
    private func drain(_ state: LaneState) {
        while true {
            let next: (Job, Token)? = lock.withLock {
                guard let job = state.waiting else {
                    state.draining = false
                    state.running = nil
                    return nil
                }
                state.waiting = nil
                let token = Token()
                state.running = token
                return (job, token)
            }
            guard let (job, token) = next else { return }
            job(token)
        }
    }

    /// Jobs waiting (not running) in `lane`: 0 or 1.
    func waiting(_ laneID: Lane) -> Int {
        lock.withLock { lanes[laneID]?.waiting == nil ? 0 : 1 }
    }

    /// Whether `lane` has a job running or waiting.
    func isBusy(_ laneID: Lane) -> Bool {
        lock.withLock { lanes[laneID].map { $0.waiting != nil || $0.running != nil } ?? false }
    }
}
