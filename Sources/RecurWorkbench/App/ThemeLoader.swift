// Picks the theme: a name from themes/, a path to a theme file, or the default.
import Foundation
import RecurEngine
import TerminalKit

enum ThemeLoader {
    /// Loads `nameOrPath` (nil: "default"). A name is looked up as themes/NAME.theme.
    /// An unknown name or a bad file throws with the reason.
    static func load(_ nameOrPath: String?) throws -> Theme {
        let request = nameOrPath ?? "default"
        let path: String
        if request.contains("/") || request.hasSuffix(".theme") {
            path = request
        } else if let found = Resources.locate(request + ".theme", in: "themes") {
            path = found
        } else {
            // Without the themes folder (a binary copied elsewhere) the default still works.
            if nameOrPath == nil { return Theme.monochrome }
            let known = availableThemes()
            throw ThemeError(description: "unknown theme '\(request)'" + (known.isEmpty ? "" : "; available: \(known.joined(separator: ", "))"))
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ThemeError(description: "cannot read theme file \(path)")
        }
        return try Theme(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, text: text)
    }

    /// Names of the themes in the first themes folder found.
    static func availableThemes() -> [String] {
        for folder in Resources.candidateFolders("themes") {
            if let files = try? FileManager.default.contentsOfDirectory(atPath: folder) {
                let names = files.filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) }.sorted()
                if !names.isEmpty { return names }
            }
        }
        return []
    }
}
