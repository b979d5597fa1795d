// A run folder (see DESIGN.md, "Outgrowing one machine"): the log, checkpoints named by
// step and written atomically, and the request files a trainer polls between steps. The
// names are the contract shared with `python -m recur_torch`; this file owns them.
import Foundation

/// A folder a run writes into, possibly on another machine and synced here.
public struct RunFolder: Sendable {
    /// The folder as the user named it (messages show it so).
    public let path: String

    /// Checks that `path` is a folder; it may be empty.
    public init(path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RecurError.io("\(path): no such folder")
        }
        guard isFolder.boolValue else { throw RecurError.io("\(path) is not a folder (recur watch takes the run's folder)") }
        self.path = path
    }

    public static let logName = "log.jsonl", pauseName = "pause", saveName = "save"

    public var logPath: String { file(RunFolder.logName) }
    public var pausePath: String { file(RunFolder.pauseName) }
    public var savePath: String { file(RunFolder.saveName) }

    /// The path of `name` in this folder.
    public func file(_ name: String) -> String { RunFolder.path(of: name, in: path) }

    /// The path of `name` in `folder`, as messages show it.
    public static func path(of name: String, in folder: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The step of a checkpoint's file name, "step-" and the step zero-padded to 8 digits
    /// (more past 99,999,999); nil for any other name (a temporary file `.step-….tmp-PID`,
    /// a backup, another file).
    public static func checkpointStep(_ name: String) -> Int? {
        guard name.hasPrefix("step-"), name.hasSuffix(".safetensors") else { return nil }
        let digits = name.dropFirst(5).dropLast(12)
        guard digits.count >= 8, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// The checkpoint name of the highest step among `names`.
    public static func newestCheckpoint(among names: [String]) -> (name: String, step: Int)? {
        names.compactMap { name in checkpointStep(name).map { (name: name, step: $0) } }
            .max { ($0.step, $0.name) < ($1.step, $1.name) }
    }

    /// Lists the folder. Throws a one-line reason when it has gone or cannot be read.
    public func scan() throws -> RunFolderScan {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) { throw RecurError.io("\(path) has gone") }
            if !isFolder.boolValue { throw RecurError.io("\(path) is no longer a folder") }
            throw RecurError.io("cannot list \(path): permission denied or unreadable")
        }
        var newest: CheckpointFile?
        if let found = RunFolder.newestCheckpoint(among: names) {
            var info = stat()
            // A file renamed away between the listing and here is found next time.
            if stat(file(found.name), &info) == 0 {
                #if canImport(Darwin)
                let stamp = info.st_mtimespec
                #else
                let stamp = info.st_mtim
                #endif
                let modified = Date(timeIntervalSince1970: Double(stamp.tv_sec) + Double(stamp.tv_nsec) / 1e9)
                newest = CheckpointFile(name: found.name, step: found.step, modified: modified, size: Int(info.st_size))
            }
        }
        let present = Set(names)
        return RunFolderScan(newest: newest, hasLog: present.contains(RunFolder.logName),
                             pauseRequested: present.contains(RunFolder.pauseName), saveRequested: present.contains(RunFolder.saveName))
    }

    /// Creates or removes a request file. `note` is the one line written into a created
    /// file (its content is not read). Throws a one-line reason (a read-only folder, …).
    public func perform(_ request: RunFolderRequest, note: String) throws {
        switch request {
        case .pause: try create(pausePath, note: note)
        case .save: try create(savePath, note: note)
        case .resume:
            guard unlink(pausePath) == 0 || errno == ENOENT else {
                throw RecurError.io("cannot remove \(pausePath): \(String(cString: strerror(errno)))")
            }
        }
    }

    private func create(_ path: String, note: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw RecurError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        if let problem = OutputFile.writeAll(Data((note + "\n").utf8), to: descriptor) {
            throw RecurError.io("cannot write \(path): \(problem)")
        }
    }
}
