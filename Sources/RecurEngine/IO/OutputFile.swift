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

    /// The longest file name most Linux file systems accept, in bytes.
    static let nameLimit = 255

    /// `prefix` + NAME + `suffix`, the name of a file beside `path` that belongs to it (its
    /// temporary, its lock). When that would pass `nameLimit`, NAME is cut on a character
    /// boundary and a hash of the whole name keeps two long names apart, so that a legal
    /// 255-byte output name still has a legal temporary. `reserve` bytes are kept free
    /// for what a caller appends (a process id).
    static func companionName(of path: String, prefix: String, suffix: String, reserve: Int = 0) -> String {
        let name = (path as NSString).lastPathComponent
        guard prefix.utf8.count + name.utf8.count + suffix.utf8.count + reserve > nameLimit else { return prefix + name + suffix }
        let hash = name.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        let tag = "~" + String(hash, radix: 16)
        var room = nameLimit - prefix.utf8.count - suffix.utf8.count - reserve - tag.utf8.count
        var kept = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            room -= String(scalar).utf8.count
            guard room >= 0 else { break }
            kept.append(scalar)
        }
        return prefix + String(kept) + tag + suffix
    }

    /// Digits a process id can take, kept free in temporary names.
    private static let processIDDigits = 10

    /// The start of the temporary names of every writer beside `path`.
    static func temporaryPrefix(for path: String) -> String {
        companionName(of: path, prefix: ".", suffix: ".tmp-", reserve: processIDDigits)
    }

    /// The temporary name a writer in this process uses beside `path`.
    static func temporaryPath(for path: String) -> String {
        (folder(of: path) as NSString).appendingPathComponent(temporaryPrefix(for: path) + "\(getpid())")
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
        try writeTogether([Output(data, to: path, what: what)])
    }

    /// One file of a set that `writeTogether` writes.
    public struct Output {
        /// Hands the file's bytes, piece by piece, to a sink that returns why it failed
        /// (nil: written); returns the first failure. It may run more than once (a rescue
        /// writes the set again elsewhere), producing the same bytes each time.
        public typealias Pieces = ((Data) -> String?) -> String?
        public var pieces: Pieces
        public var path: String
        /// What the file is, for errors ("checkpoint", "vectors file").
        public var what: String

        public init(_ data: Data, to path: String, what: String) {
            self.init(pieces: { sink in sink(data) }, to: path, what: what)
        }

        /// A file made piece by piece, so that a large one (word vectors as text) is never
        /// whole in memory.
        public init(pieces: @escaping Pieces, to path: String, what: String) {
            self.pieces = pieces
            self.path = path
            self.what = what
        }

        /// Writes every piece to `descriptor`; the reason on failure.
        func write(to descriptor: Int32) -> String? {
            pieces { OutputFile.writeAll($0, to: descriptor) }
        }
    }

    /// A file written to its temporary, waiting to be renamed into place.
    private struct Staged {
        var output: Output
        var resolved: String
        var temporary: String
    }

    /// Writes files that belong together (a projector's vectors.tsv and metadata.tsv): each
    /// goes to its temporary and is fsynced, and only when every one is whole on disk are
    /// they renamed into place. A full disk or a size limit therefore leaves the old files,
    /// never half a set. Special files (a FIFO, a device) cannot be staged and are written
    /// in place, after the regular ones are staged.
    public static func writeTogether(_ outputs: [Output]) throws {
        var staged: [Staged] = []
        var inPlace: [(output: Output, resolved: String)] = []
        func abandon() { for file in staged { unlink(file.temporary) } }
        for output in outputs {
            func failure(_ reason: String) -> RecurError { .io("cannot write the \(output.what) \(output.path): \(reason)") }
            let (resolved, target): (String, Target)
            do { (resolved, target) = try resolve(output.path) } catch { abandon(); throw error }
            switch target {
            case .directory:
                abandon()
                throw failure("it is a directory")
            case .special:
                inPlace.append((output, resolved))
            case .missing, .regular:
                removeAbandonedTemporaries(beside: resolved)
                let temporary = temporaryPath(for: resolved)
                // A replaced file keeps its permissions; a new one gets 0666 less the umask.
                var existing = stat()
                let mode: mode_t = target == .regular && stat(resolved, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666
                unlink(temporary)
                let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
                guard descriptor >= 0 else {
                    let reason = String(cString: strerror(errno))
                    abandon()
                    throw failure(reason)
                }
                staged.append(Staged(output: output, resolved: resolved, temporary: temporary))
                if target == .regular { fchmod(descriptor, mode) }
                var problem = output.write(to: descriptor)
                if problem == nil, !flushToDisk(descriptor) { problem = String(cString: strerror(errno)) }
                if close(descriptor) != 0, problem == nil { problem = String(cString: strerror(errno)) }
                if let problem {
                    abandon()
                    throw failure(problem)
                }
            }
        }
        for (output, resolved) in inPlace {
            let descriptor = open(resolved, O_WRONLY | O_CLOEXEC)
            let problem = descriptor < 0 ? String(cString: strerror(errno)) : output.write(to: descriptor)
            if descriptor >= 0 { close(descriptor) }
            if let problem {
                abandon()
                throw RecurError.io("cannot write the \(output.what) \(output.path): \(problem)")
            }
        }
        for (index, file) in staged.enumerated() where rename(file.temporary, file.resolved) != 0 {
            let reason = String(cString: strerror(errno))
            for later in staged[index...] { unlink(later.temporary) }
            throw RecurError.io("cannot write the \(file.output.what) \(file.output.path): \(reason)")
        }
        // The renames are durable only once the folders' entries are on disk.
        for folder in Set(staged.map { folder(of: $0.resolved) }) {
            let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if folderDescriptor >= 0 {
                fsync(folderDescriptor)
                close(folderDescriptor)
            }
        }
    }

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

    /// Writes every byte, retrying short writes and EINTR; the reason on failure.
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
        let prefix = temporaryPrefix(for: path)
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
/// symlinks, truncated (or appended to) if it is a regular file, written in place if it
/// is a FIFO or a device. Write failures (a full disk, a FIFO whose reader left) are thrown.
public final class OutputFileStream {
    public let path: String
    private var descriptor: Int32

    public init(path: String, what: String, append: Bool = false) throws {
        self.path = path
        if case .directory = try OutputFile.resolve(path).target {
            throw RecurError.io("cannot write the \(what) \(path): it is a directory")
        }
        descriptor = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o666)
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
