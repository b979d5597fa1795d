// One writer per output: whoever trains into a checkpoint (or vectors) path holds a lock
// on it for as long as it runs, so a second Recur process refuses up front instead of
// writing over the first one's results. It is flock(2) on NAME.lock beside the file: the
// kernel drops it when the holder dies, so a killed run never leaves a stale lock.
import Foundation

/// An exclusive claim on an output path, held until `release()` (or deinit).
public final class OutputLock: @unchecked Sendable {
    /// The lock file, NAME.lock beside the output (symlinks followed to the real file).
    public let lockPath: String
    private var descriptor: Int32
    private let mutex = NSLock()

    /// Takes the lock, or throws a one-line refusal that names the holder's process id.
    public init(for path: String, what: String) throws {
        let resolved = try OutputFile.resolve(path).path
        let lockPath = (OutputFile.folder(of: resolved) as NSString)
            .appendingPathComponent(OutputFile.companionName(of: resolved, prefix: "", suffix: ".lock"))
        self.lockPath = lockPath
        func failure(_ reason: String) -> RecurError { .io("cannot lock the \(what) \(path) (\(lockPath)): \(reason)") }
        while true {
            let opened = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard opened >= 0 else { throw failure(String(cString: strerror(errno))) }
            guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
                let reason = errno
                let holder = OutputLock.holder(reading: opened)
                close(opened)
                guard reason == EWOULDBLOCK else { throw failure(String(cString: strerror(reason))) }
                throw RecurError.io("the \(what) \(path) is in use by another recur (\(holder.map { "PID \($0)" } ?? "its PID is not written yet")): wait for it to finish, or choose another path")
            }
            // A holder that released just before may have removed the file we opened; a
            // lock on a removed file guards nothing, so take the one now at the path.
            var held = stat(), named = stat()
            if fstat(opened, &held) == 0, stat(lockPath, &named) == 0, held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                let pid = Data("\(getpid())\n".utf8)
                ftruncate(opened, 0)
                _ = OutputFile.writeAll(pid, to: opened)
                descriptor = opened
                return
            }
            close(opened)
        }
    }

    /// The process id written in the lock file, if any.
    static func holder(reading descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Removes the lock file and drops the lock (idempotent). The file is removed while
    /// still locked, so that no other process can hold a lock on it that then guards nothing.
    public func release() {
        mutex.lock()
        defer { mutex.unlock() }
        guard descriptor >= 0 else { return }
        unlink(lockPath)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
