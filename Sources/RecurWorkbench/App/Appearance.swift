// How the workbench looks, decided once for every command that opens it: the theme asked
// for (or the default), drawn without colour when NO_COLOR is set and not empty
// (no-color.org).
import Foundation
import TerminalKit

public struct Appearance {
    public let theme: Theme
    public let colour: Bool

    /// Loads `themeName` (nil: the default theme); an unknown name throws with the names
    /// there are.
    public init(themeName: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let loaded = try ThemeLoader.load(themeName)
        colour = environment["NO_COLOR"].map(\.isEmpty) ?? true
        theme = colour ? loaded : loaded.withoutColour()
    }
}
