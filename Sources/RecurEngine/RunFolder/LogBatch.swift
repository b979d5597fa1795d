// What one read of a growing log brought.

/// Records read from a log since the previous read.
public struct LogBatch: Sendable, Equatable {
    /// The complete lines that arrived, as records, in file order.
    public var records: [LogRecord]
    /// The file was replaced or truncated (a sync, a new run): these records are read
    /// from its start, and what was read before no longer holds.
    public var restarted: Bool
    /// More bytes wait beyond this batch (a long log is read in bounded pieces).
    public var more: Bool
    /// Lines skipped since the previous batch because they were not records.
    public var malformedLines: Int

    public init(records: [LogRecord], restarted: Bool = false, more: Bool = false, malformedLines: Int = 0) {
        self.records = records
        self.restarted = restarted
        self.more = more
        self.malformedLines = malformedLines
    }
}
