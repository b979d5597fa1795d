// The result of work (a checkpoint, vectors) is never lost to a full disk or a file size
// limit: it is refused before the work starts when it cannot fit, and written somewhere
// else, with the error saying where, when the disk fills up meanwhile.
import Foundation

extension OutputFile {
    /// Writes files that hold the result of work like `writeTogether`; when they cannot be
    /// written where asked, writes them to a rescue folder (`recur-rescued-PID` in the
    /// temporary folder, else in the home folder) and throws an error that names both the
    /// failure and where the files went.
    public static func writeKeepingWork(_ outputs: [Output]) throws {
        let failure: RecurError
        do {
            try writeTogether(outputs)
            return
        } catch let error as RecurError {
            failure = error
        }
        if let rescued = rescue(outputs) {
            throw RecurError.io("\(failure); saved to \(rescued.joined(separator: " and ")) instead")
        }
        throw unsaved(failure)
    }

    /// The error for files written neither where asked nor in a rescue folder.
    static func unsaved(_ failure: RecurError) -> RecurError {
        .io("\(failure), and no rescue folder (\(rescueFolders.joined(separator: ", "))) could take it either")
    }

    /// Where rescued files go, in the order tried.
    static var rescueFolders: [String] {
        let name = "recur-rescued-\(getpid())"
        return [NSTemporaryDirectory(), NSHomeDirectory()].map { ($0 as NSString).appendingPathComponent(name) }
    }

    /// The paths the outputs were written to in the first rescue folder that took them all.
    static func rescue(_ outputs: [Output]) -> [String]? {
        for folder in rescueFolders {
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { continue }
            let moved = outputs.map { Output(pieces: $0.pieces, to: (folder as NSString).appendingPathComponent(($0.path as NSString).lastPathComponent), what: $0.what) }
            if (try? writeTogether(moved)) != nil { return moved.map(\.path) }
        }
        return nil
    }

    /// Fails now if a file of at least `bytes` bytes could not be written at `path`: over
    /// the process's file size limit (`ulimit -f`), or more than the free space of its
    /// folder. Call it before work starts, with a lower bound of the file's size.
    public static func checkRoom(for path: String, bytes: Int, what: String) throws {
        // A FIFO or a device has neither a size limit nor free space to speak of.
        guard let (resolved, target) = try? resolve(path), target != .special else { return }
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
        #else
        let resource = RLIMIT_FSIZE
        #endif
        if getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max, UInt64(bytes) > UInt64(limit.rlim_cur) {
            throw RecurError.io("the \(what) \(path) needs at least \(bytes.formatted(.number)) bytes, over the file size limit of \(UInt64(limit.rlim_cur).formatted(.number)) bytes (ulimit -f)")
        }
        var space = statvfs()
        guard statvfs(folder(of: resolved), &space) == 0 else { return }
        let free = UInt64(space.f_bavail) * UInt64(space.f_frsize)
        if UInt64(bytes) > free {
            throw RecurError.io("the \(what) \(path) needs at least \(bytes.formatted(.number)) bytes, and its folder has \(free.formatted(.number)) free")
        }
    }
}
