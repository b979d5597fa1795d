// An input is never an output by accident: a corpus, a checkpoint to resume or a vectors
// file is not replaced by a log, vectors or a checkpoint unless the user names it as that
// output. Paths are compared as files (device and inode, symlinks followed), not as text.
import Foundation

extension OutputFile {
    /// Throws when an output names the same file as an input or another output. Each
    /// entry is the flag the user typed and its path; paths that do not exist yet cannot
    /// be the same file as an input and are compared as resolved paths among outputs.
    public static func checkDistinct(outputs: [(flag: String, path: String)], inputs: [(flag: String, path: String)]) throws {
        func identity(_ path: String) -> String? {
            var info = stat()
            if stat(path, &info) == 0 { return "\(info.st_dev):\(info.st_ino)" }
            return (try? resolve(path)).map { URL(fileURLWithPath: $0.path).standardizedFileURL.path }
        }
        var seen: [(flag: String, path: String, identity: String)] = []
        for input in inputs {
            if let key = identity(input.path) { seen.append((input.flag, input.path, key)) }
        }
        for output in outputs {
            guard let key = identity(output.path) else { continue }
            if let earlier = seen.first(where: { $0.identity == key }) {
                throw RecurError.invalidArgument("\(output.flag) \(output.path) is the same file as \(earlier.flag) \(earlier.path), which it would replace: choose another path")
            }
            seen.append((output.flag, output.path, key))
        }
    }
}
