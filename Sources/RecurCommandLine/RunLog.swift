// The JSON-lines log of a run that may continue an earlier one: a log that ends at the
// step the run resumes from is appended to, so `recur watch` draws the whole curve; any
// other log is kept as a backup (NAME.1.jsonl) before a new one starts, never truncated.
import Foundation
import RecurEngine

enum RunLog {
    /// Opens `path` for a run whose next record is step `step + 1`. Returns the stream and,
    /// when an old log was appended to or kept, a line saying so.
    static func open(_ path: String, continuingFrom step: Int) throws -> (stream: OutputFileStream, note: String?) {
        let (resolved, target) = try OutputFile.resolve(path)
        var info = stat()
        guard target == .regular, stat(resolved, &info) == 0, info.st_size > 0 else {
            return (try OutputFileStream(path: path, what: "log file"), nil)
        }
        let (last, endsWithNewline) = lastRecord(of: resolved)
        guard let last else {
            let backup = try OutputFile.keepAsBackup(path)
            return (try OutputFileStream(path: path, what: "log file"),
                    "kept the previous log as \((backup as NSString).lastPathComponent) (it holds no records)")
        }
        if step > 0 && last.step == step {
            let stream = try OutputFileStream(path: path, what: "log file", append: true)
            // A writer killed mid-line left a piece of a record: the next one starts on its own line.
            if !endsWithNewline { try stream.write(Data("\n".utf8)) }
            return (stream, "appending to \(path), which ends at step \(step)")
        }
        let backup = try OutputFile.keepAsBackup(path)
        return (try OutputFileStream(path: path, what: "log file"),
                "kept the previous log as \((backup as NSString).lastPathComponent) (it ends at step \(last.step); this run continues from step \(step))")
    }

    /// The last whole record of the log at `path` (read from its tail, so a long log costs
    /// no more than a short one), and whether the file ends with a newline.
    static func lastRecord(of path: String) -> (record: LogRecord?, endsWithNewline: Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (nil, true) }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let window = UInt64(2 * LogTail.lineLimit)
        let start = size > window ? size - window : 0
        guard (try? handle.seek(toOffset: start)) != nil, var bytes = try? handle.readToEnd() else { return (nil, true) }
        // Reading from the middle of a line: the piece before the first newline is not a record.
        if start > 0, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) { bytes = bytes[bytes.index(after: newline)...] }
        var tail = LogTail()
        return (tail.consume(bytes).last, bytes.last.map { $0 == UInt8(ascii: "\n") } ?? true)
    }
}
