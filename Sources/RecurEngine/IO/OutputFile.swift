// Every file Recur writes at a path the user named: checkpoints, vectors, logs. A
// regular file is replaced atomically (temporary file beside the target, fsync, rename,
// fsync of the folder); a symlink is followed to the file it names; a FIFO, a device or
// any other non-regular file is written in place and never replaced.
import Foundation

/// Writing to user-named paths without destroying what is there.
public enum OutputFile {
    /// What a path names once symlinks are followed.
    public enum Target: Sendable {
        case missing, regular, directory, special
    }

    /// The path writes land on: symlinks followed to their final target, which need not
    /// exist yet (a dangling link is written through, as `>` in a shell does).
    public static func resolve(_ path: String) throws -> (path: String, target: Target) {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                if errno == ENOENT { return (current, .missing) }
                throw RecurError.io("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(current, &buffer, Int(PATH_MAX))
                guard length > 0 else { throw RecurError.io("cannot write \(path): \(String(cString: strerror(errno)))") }
                let link = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = link.hasPrefix("/") ? link : (folder(of: current) as NSString).appendingPathComponent(link)
            case S_IFREG: return (current, .regular)
            case S_IFDIR: return (current, .directory)
            default: return (current, .special)
            }
        }
        throw RecurError.io("cannot write \(path): too many levels of symbolic links")
    }

    /// Whether `path` (symlinks followed) is a regular file: something a run may reopen.
    public static func isRegularFile(_ path: String) -> Bool {
        if case .regular = (try? resolve(path))?.target { return true }
        return false
    }

    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The temporary name a writer in this process uses beside `path`.
    static func temporaryPath(for path: String) -> String {
        (folder(of: path) as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-\(getpid())")
    }

    /// Fails now, with the reason, if `path` could not be written later: call it before
    /// work starts, so an hour of training never ends in "cannot write". Probes a regular
    /// or missing target by creating (and removing) the temporary file beside it, which
    /// also catches read-only file systems; a FIFO or device is only checked with access(2),
    /// since opening a FIFO would wait for its reader.
    public static func checkWritable(_ path: String, what: String) throws {
        guard !path.isEmpty else { throw RecurError.invalidArgument("the \(what) path is empty") }
        let (resolved, target) = try resolve(path)
        switch target {
        case .directory:
            throw RecurError.io("cannot write the \(what) \(path): it is a directory")
        case .special:
            guard access(resolved, W_OK) == 0 else {
                throw RecurError.io("cannot write the \(what) \(path): \(String(cString: strerror(errno)))")
            }
        case .missing, .regular:
            var isFolder: ObjCBool = false
            let folder = folder(of: resolved)
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw RecurError.io("cannot write the \(what) \(path): the folder \(folder) does not exist")
            }
            let probe = temporaryPath(for: resolved)
            let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw RecurError.io("cannot write the \(what) \(path): \(String(cString: strerror(errno)))")
            }
            close(descriptor)
            unlink(probe)
        }
    }

    /// Writes `data` to `path`: atomically for a regular (or new) file, in place for a
    /// FIFO, device or other special file. Temporary files of writers that were killed
    /// before they renamed are removed first.
    public static func write(_ data: Data, to path: String, what: String) throws {
        func failure(_ reason: String) -> RecurError { .io("cannot write the \(what) \(path): \(reason)") }
        let (resolved, target) = try resolve(path)
        switch target {
        case .directory:
            throw failure("it is a directory")
        case .special:
            let descriptor = open(resolved, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
            defer { close(descriptor) }
            if let problem = writeAll(data, to: descriptor) { throw failure(problem) }
        case .missing, .regular:
            removeAbandonedTemporaries(beside: resolved)
            let temporary = temporaryPath(for: resolved)
            // A replaced file keeps its permissions; a new one gets 0666 less the umask.
            var existing = stat()
            let mode: mode_t = target == .regular && stat(resolved, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666
            unlink(temporary)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            guard descriptor >= 0 else { throw failure(String(cString: strerror(errno))) }
            if target == .regular { fchmod(descriptor, mode) }
            var problem = writeAll(data, to: descriptor)
            if problem == nil, !flushToDisk(descriptor) { problem = String(cString: strerror(errno)) }
            if close(descriptor) != 0, problem == nil { problem = String(cString: strerror(errno)) }
            if problem == nil, rename(temporary, resolved) != 0 { problem = String(cString: strerror(errno)) }
            if let problem {
                unlink(temporary)
                throw failure(problem)
            }
            // The rename is durable only once the folder's entry is on disk.
            let folderDescriptor = open(folder(of: resolved), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folderDescriptor >= 0 {
                fsync(folderDescriptor)
                close(folderDescriptor)
            }
        }
    }

    /// Writes every byte, retrying short writes and EINTR; the reason on failure.
    /// Puts a file's data on the disk itself before the rename makes it current. On Darwin
    /// fsync only hands the data to the drive, whose cache may lose it at a power cut;
    /// F_FULLFSYNC asks the drive to flush too (fsync is the fallback for file systems
    /// that refuse it, e.g. network shares).
    static func flushToDisk(_ descriptor: Int32) -> Bool {
        #if canImport(Darwin)
        if fcntl(descriptor, F_FULLFSYNC) == 0 { return true }
        #endif
        return fsync(descriptor) == 0
    }

    static func writeAll(_ data: Data, to descriptor: Int32) -> String? {
        data.withUnsafeBytes { raw -> String? in
            guard var next = raw.baseAddress else { return nil }
            var left = raw.count
            while left > 0 {
                let written = Foundation.write(descriptor, next, min(left, 1 << 30))
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                left -= written
                next += written
            }
            return nil
        }
    }

    /// Removes `.NAME.tmp-PID` files beside `path` whose process no longer runs: what a
    /// writer killed between creating and renaming its temporary file left behind.
    static func removeAbandonedTemporaries(beside path: String) {
        let folder = folder(of: path)
        let prefix = ".\((path as NSString).lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((folder as NSString).appendingPathComponent(name)) }
        }
    }
}

extension OutputFile {
    /// How many older files `keepAsBackup` keeps beside a path (runs, vectors).
    public static let backupGenerations = 3

    /// Moves the file at `path` aside before a new one takes its place (a new run's
    /// checkpoint, word2vec's vectors): NAME.1.EXT
    /// (the previous .1 becomes .2, and so on; the oldest of `backupGenerations` goes).
    /// A symlink's target is what moves. Returns the backup's path.
    public static func keepAsBackup(_ path: String) throws -> String {
        let (resolved, _) = try OutputFile.resolve(path)
        func generation(_ number: Int) -> String {
            let name = resolved as NSString
            let ext = name.pathExtension
            return ext.isEmpty ? "\(resolved).\(number)" : "\(name.deletingPathExtension).\(number).\(ext)"
        }
        for number in stride(from: backupGenerations - 1, through: 1, by: -1) where FileManager.default.fileExists(atPath: generation(number)) {
            guard rename(generation(number), generation(number + 1)) == 0 else {
                throw RecurError.io("cannot keep a backup of \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard rename(resolved, generation(1)) == 0 else {
            throw RecurError.io("cannot keep a backup of \(path): \(String(cString: strerror(errno)))")
        }
        return generation(1)
    }
}

/// A file written line by line as work goes on (the training log): opened through
/// symlinks, truncated if it is a regular file, written in place if it is a FIFO or a
/// device. Write failures (a full disk, a FIFO whose reader left) are thrown.
public final class OutputFileStream {
    public let path: String
    private var descriptor: Int32

    public init(path: String, what: String) throws {
        self.path = path
        if case .directory = try OutputFile.resolve(path).target {
            throw RecurError.io("cannot write the \(what) \(path): it is a directory")
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw RecurError.io("cannot write the \(what) \(path): \(String(cString: strerror(errno)))") }
    }

    public func write(_ data: Data) throws {
        if let problem = OutputFile.writeAll(data, to: descriptor) {
            throw RecurError.io("cannot write \(path): \(problem)")
        }
    }

    public func close() {
        guard descriptor >= 0 else { return }
        Foundation.close(descriptor)
        descriptor = -1
    }

    deinit { close() }
}
