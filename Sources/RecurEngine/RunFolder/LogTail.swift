// The JSON-lines log cut into records as its bytes arrive: a line counts once its newline
// has arrived (the last line of a log being written is usually incomplete), a line that is
// not a record is skipped and counted, and a line longer than any record can be is
// dropped as it streams, so a log of garbage cannot grow memory.
import Foundation

/// Turns appended log bytes into records; keeps the incomplete last line for the next call.
public struct LogTail {
    /// Longer lines are not records (a record is about a hundred bytes): they are dropped.
    public static let lineLimit = 64 << 10

    /// The bytes after the last newline seen.
    private var pending = Data()
    /// Inside a line longer than `lineLimit`, dropped up to its newline.
    private var discarding = false
    private let decoder = JSONDecoder()
    /// Lines skipped because they were not records, since the start.
    public private(set) var malformedLines = 0

    public init() {}

    /// The records of the lines `bytes` completes, in order.
    public mutating func consume(_ bytes: Data) -> [LogRecord] {
        var records: [LogRecord] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = bytes[start..<newline]
            start = bytes.index(after: newline)
            if discarding {
                discarding = false
                continue
            }
            let line = pending.isEmpty ? Data(piece) : pending + piece
            pending.removeAll(keepingCapacity: true)
            if let record = LogRecord(line: line, decoder: decoder) {
                records.append(record)
            } else if line.contains(where: { !Self.isSpace($0) }) {
                malformedLines += 1
            }
        }
        if !discarding {
            pending.append(bytes[start...])
            if pending.count > LogTail.lineLimit {
                pending = Data()
                discarding = true
                malformedLines += 1
            }
        }
        return records
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
