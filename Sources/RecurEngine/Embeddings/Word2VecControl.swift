// Steering a word2vec run from another thread: pause, one slice at a time, stop. The
// worker threads train the corpus in chunks (about 10,000 words, taken in order) and ask
// here before each one, so a pause takes effect within a slice and nothing is lost.

import Foundation

/// Pause, single steps and stop for a running `Word2VecTrainer.train`.
public final class Word2VecControl: @unchecked Sendable {
    private let condition = NSCondition()
    private var paused: Bool
    private var stopped = false
    /// Bumped by `step()`; each worker trains one slice per bump while paused.
    private var stepGeneration = 0

    public init(paused: Bool = false) {
        self.paused = paused
    }

    public var isPaused: Bool { condition.withLock { paused && !stopped } }
    public var isStopped: Bool { condition.withLock { stopped } }

    public func pause() { condition.withLock { paused = true } }

    public func resume() {
        condition.withLock { paused = false }
        condition.broadcast()
    }

    /// While paused: every worker trains one more slice, then waits again.
    public func step() {
        condition.withLock { stepGeneration += 1 }
        condition.broadcast()
    }

    /// Ends the run: workers stop at their next slice (the trainer also interrupts the
    /// slice in progress).
    public func stop() {
        condition.withLock { stopped = true }
        condition.broadcast()
    }

    /// The step generation now: a worker starting out has consumed every earlier step.
    var currentGeneration: Int { condition.withLock { stepGeneration } }

    /// Blocks a worker between slices while paused. True when it may train its next slice
    /// (running, or a step was asked for since `consumed`), false once stopped.
    func waitForSlice(consumed: inout Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopped { return false }
            if !paused { return true }
            if stepGeneration > consumed {
                consumed = stepGeneration
                return true
            }
            condition.wait()
        }
    }
}
