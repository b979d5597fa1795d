// A timing trace of the workbench for benchmarks (Tests/Reference/workbench_speed.sh):
// with RECUR_TRACE=FILE set, keys, frames, job submissions and results are appended to
// FILE as JSON lines with a monotonic time in milliseconds. Off (and free) otherwise.
import Dispatch
import Foundation
import RecurEngine

/// The trace file, if RECUR_TRACE names one.
enum WorkbenchTrace {
    /// Written only on `queue`.
    nonisolated(unsafe) private static let stream: OutputFileStream? = ProcessInfo.processInfo.environment["RECUR_TRACE"]
        .flatMap { try? OutputFileStream(path: $0, what: "trace file") }
    private static let queue = DispatchQueue(label: "recur.workbench.trace")

    static var isOn: Bool { stream != nil }

    /// Appends `{"t": ms, "event": event, …fields}`; call sites check `isOn` first when
    /// building `fields` costs anything.
    static func record(_ event: String, _ fields: [String: Any] = [:]) {
        guard stream != nil else { return }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds) / 1e6
        var record = fields
        record["t"] = milliseconds
        record["event"] = event
        guard let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        queue.async { try? WorkbenchTrace.stream?.write(data + Data("\n".utf8)) }
    }
}
