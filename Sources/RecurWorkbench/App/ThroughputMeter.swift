// Tokens per second of a run seen only through its log: from the log's own clock (the
// `time` key) when the trainer writes one, else from when the lines arrived here.

/// The rate of a token counter over the last half minute of its readings.
struct ThroughputMeter: Equatable {
    /// Readings older than this (before the newest) no longer count, beyond the two a rate needs.
    static let window = 30.0
    static let capacity = 64

    private struct Reading: Equatable {
        var tokens: Int
        var time: Double
    }
    private var readings: [Reading] = []

    init() {}

    /// Notes that `tokens` had been trained at `time` (seconds). A reading from before the
    /// last one, or with fewer tokens (a restarted run), starts the meter anew.
    mutating func add(tokens: Int, time: Double) {
        if let last = readings.last, time < last.time || tokens < last.tokens { readings.removeAll() }
        if let last = readings.last, time == last.time {
            readings[readings.count - 1].tokens = tokens
        } else {
            readings.append(Reading(tokens: tokens, time: time))
        }
        let newest = readings[readings.count - 1].time
        let stale = readings.prefix { $0.time < newest - ThroughputMeter.window }.count
        readings.removeFirst(min(stale, max(readings.count - 2, 0)))
        if readings.count > ThroughputMeter.capacity { readings.removeFirst(readings.count - ThroughputMeter.capacity) }
    }

    /// 0 until two readings at different times exist.
    var tokensPerSecond: Double {
        guard let first = readings.first, let last = readings.last, last.time > first.time else { return 0 }
        return Double(last.tokens - first.tokens) / (last.time - first.time)
    }
}
