// The job lanes: a newer job replaces the waiting one (which never starts) and cancels
// the running one; lanes do not wait for each other.
import Foundation
import XCTest
@testable import RecurWorkbench

final class JobRunnerTests: XCTestCase {
    /// 50 sample requests while one runs: at most one waits at any time, the superseded
    /// ones never start, and the last one runs.
    func testABurstLeavesAtMostOneJobWaiting() {
        let runner = JobRunner()
        let started = NSLock()
        nonisolated(unsafe) var starts: [Int] = []
        let firstRunning = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        runner.submit(.sample) { token in
            firstRunning.signal()
            release.wait()
            XCTAssertTrue(token.isCancelled, "a newer job cancels the running one")
        }
        firstRunning.wait()
        var mostWaiting = 0
        for index in 1...50 {
            runner.submit(.sample) { _ in
                started.withLock { starts.append(index) }
                if index == 50 { done.signal() }
            }
            mostWaiting = max(mostWaiting, runner.waiting(.sample))
        }
        XCTAssertEqual(mostWaiting, 1)
        release.signal()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(started.withLock { starts }, [50], "superseded jobs never start")
    }

    /// A neighbour query does not wait behind a long sample: lanes run independently.
    func testLanesDoNotWaitForEachOther() {
        let runner = JobRunner()
        let release = DispatchSemaphore(value: 0), answered = DispatchSemaphore(value: 0)
        runner.submit(.sample) { _ in release.wait() }
        runner.submit(.neighbours) { _ in answered.signal() }
        XCTAssertEqual(answered.wait(timeout: .now() + 5), .success)
        release.signal()
    }
}
