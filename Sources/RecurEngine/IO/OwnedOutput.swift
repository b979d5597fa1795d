// An output a run writes again and again (a checkpoint every few minutes, on `w` and on
// quit): locked against other Recur writers while the run lives, watched for
// changes by anything else (a file replaced behind its back is kept, not overwritten),
// and rescued elsewhere when the disk is full.
import Foundation

/// A path this process trains into.
public final class OwnedOutput: @unchecked Sendable {
    public let path: String
    /// What the file is, for messages ("checkpoint").
    public let what: String
    /// nil for a FIFO or a device, which is written in place and is no run's home.
    private let lock: OutputLock?
    private let mutex = NSLock()
    /// The file as this process last saw it: when it claimed the path, or after its last
    /// write. nil when nothing was there.
    private var lastSeen: FileIdentity?

    /// Locks `path` (or throws a refusal naming the holder) and checks it can be written.
    public init(path: String, what: String) throws {
        try OutputFile.checkWritable(path, what: what)
        self.path = path
        self.what = what
        lock = try OutputFile.resolve(path).target == .special ? nil : OutputLock(for: path, what: what)
        lastSeen = FileIdentity(of: path)
    }

    /// Takes the file now at the path as this run's own: after a reopened run moved an
    /// older file aside, or continues the one there.
    public func adoptCurrentFile() {
        mutex.lock()
        defer { mutex.unlock() }
        lastSeen = FileIdentity(of: path)
    }

    /// Writes `data`. A file another program put there since this run last saw it is first
    /// kept as a backup (NAME.1.EXT); the returned line says so, for the user. A write that
    /// fails is rescued (see `OutputFile.writeKeepingWork`); when no rescue folder takes it
    /// either (a file size limit applies everywhere), `lighter` — the same state in fewer
    /// bytes — is tried at the path and then in a rescue folder. Any failure is thrown with
    /// where the state went.
    @discardableResult
    public func write(_ data: Data, lighter: (() throws -> (data: Data, left: String))? = nil) throws -> String? {
        mutex.lock()
        defer { mutex.unlock() }
        var note: String?
        if let current = FileIdentity(of: path), current != lastSeen {
            let backup = try OutputFile.keepAsBackup(path)
            note = "another program changed \((path as NSString).lastPathComponent); kept its version as \((backup as NSString).lastPathComponent)"
        }
        let output = OutputFile.Output(data, to: path, what: what)
        let failure: RecurError
        do {
            try OutputFile.writeTogether([output])
            lastSeen = FileIdentity(of: path)
            return note
        } catch let error as RecurError {
            failure = error
        }
        if let rescued = OutputFile.rescue([output]) { throw RecurError.io("\(failure); saved to \(rescued[0]) instead") }
        guard let lighter else { throw OutputFile.unsaved(failure) }
        let (light, left) = try lighter()
        if (try? OutputFile.writeTogether([OutputFile.Output(light, to: path, what: what)])) != nil {
            lastSeen = FileIdentity(of: path)
            throw RecurError.io("\(failure); saved it there without \(left) instead (\(light.count.formatted(.number)) bytes)")
        }
        if let rescued = OutputFile.rescue([OutputFile.Output(light, to: path, what: what)]) {
            throw RecurError.io("\(failure); saved it without \(left) to \(rescued[0]) instead")
        }
        throw OutputFile.unsaved(failure)
    }

    /// Drops the lock; call before exit (a process that dies drops it too).
    public func release() { lock?.release() }
}

/// Who a regular file is at one moment: a replaced file has another inode, a file
/// rewritten in place another size or modification time.
struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int

    /// nil when nothing is at `path` or it is not a regular file (a FIFO has no versions).
    init?(of path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        // dev_t is UInt64 on Linux and Int32 on Darwin: keep its bits, never trap.
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modifiedSeconds = info.st_mtimespec.tv_sec
        modifiedNanoseconds = info.st_mtimespec.tv_nsec
        #else
        modifiedSeconds = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
        #endif
    }
}
