// Follows a log file that another program appends to, by polling: each poll reads only
// the bytes appended since the last. A folder synced from a cluster has its files
// replaced (rsync renames a new copy over the old) or rewritten in place; either is
// noticed — another inode, a shorter file, or changed bytes just before the read
// position — and the file is then read again from its start.
import Foundation

/// Reads a growing log in pieces, remembering where it stopped.
public struct LogFollower {
    public let path: String
    /// The most read in one poll, so that a long log arrives in bounded pieces.
    public static let chunkLimit = 4 << 20
    /// Bytes before the read position kept to notice a file rewritten in place.
    static let fingerprintLength = 64

    private var tail = LogTail()
    private var offset: UInt64 = 0
    private var identity: (device: UInt64, inode: UInt64)?
    private var fingerprint = Data()

    public init(path: String) {
        self.path = path
    }

    /// The records appended since the last poll; nil while the file does not exist.
    /// Throws a one-line reason when the file exists but cannot be read.
    public mutating func poll() throws -> LogBatch? {
        guard let file = try ReadOnlyFile.open(path) else { return nil }
        let size = UInt64(file.size)
        let current = (device: file.device, inode: file.inode)
        var restarted = false
        let replaced = identity.map { $0.device != current.device || $0.inode != current.inode } ?? false
        let rewritten = try !replaced && size >= offset
            && file.read(at: Int(offset) - fingerprint.count, count: fingerprint.count) != fingerprint
        if replaced || size < offset || rewritten {
            restarted = identity != nil && (offset > 0 || replaced)
            tail = LogTail()
            offset = 0
            fingerprint = Data()
        }
        identity = current
        let malformedBefore = tail.malformedLines
        let count = Int(min(size - offset, UInt64(LogFollower.chunkLimit)))
        let bytes = try file.read(at: Int(offset), count: count)
        offset += UInt64(bytes.count)
        fingerprint = (fingerprint + bytes).suffix(LogFollower.fingerprintLength)
        let records = tail.consume(bytes)
        return LogBatch(records: records, restarted: restarted, more: offset < size, malformedLines: tail.malformedLines - malformedBefore)
    }
}
