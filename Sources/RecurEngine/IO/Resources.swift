// Finds the project's bundled files (samples/, themes/) whether recur runs from the
// repository (`swift run`) or as a built binary under .build/.
import Foundation

/// Locations of bundled samples and themes.
public enum Resources {
    /// Folders that may hold `name` (samples or themes), most specific first:
    /// $RECUR_HOME/name, ./name, and the repository above the executable.
    public static func candidateFolders(_ name: String) -> [String] {
        var folders: [String] = []
        if let home = ProcessInfo.processInfo.environment["RECUR_HOME"] { folders.append(home + "/" + name) }
        folders.append(FileManager.default.currentDirectoryPath + "/" + name)
        // .build/<triple>/<configuration>/recur → four levels up is the repository.
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            folders.append(directory.appendingPathComponent(name).path)
            directory.deleteLastPathComponent()
        }
        return folders
    }

    /// The first existing `folder/file`, or nil.
    public static func locate(_ file: String, in folder: String) -> String? {
        candidateFolders(folder).map { $0 + "/" + file }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The corpus the workbench opens when none is given.
    public static var defaultCorpus: String? { locate("default.txt", in: "samples") }
}
