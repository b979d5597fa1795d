// Which palette a theme is drawn with: a theme written in the 16 ANSI colours keeps to
// their indices on a 256-colour terminal, so it sends no 256-colour escapes.
import Foundation
import XCTest
@testable import TerminalKit

final class ColorPaletteTests: XCTestCase {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

    func theme(_ name: String) throws -> Theme {
        try Theme(name: name, text: String(contentsOf: ColorPaletteTests.themes.appendingPathComponent("\(name).theme"), encoding: .utf8))
    }

    func testTheANSI16ThemeUsesOnlyTheSixteenColoursEvenWhere256Exist() throws {
        let ansi16 = try theme("ansi16")
        let depth = ColorDepth.xterm256.drawing(ansi16)
        XCTAssertEqual(depth, .ansi16)
        for role in StyleRole.all {
            let style = ansi16.style(for: role)
            for colour in [style.foreground, style.background].compactMap({ $0 }) {
                let index = try XCTUnwrap(depth.index(for: colour))
                XCTAssertLessThan(index, 16, "\(role) would be sent as 38;5;\(index)")
                XCTAssertEqual(ColorDepth.ansiColours[index], colour, "\(role) maps exactly")
            }
        }
    }

    func testAThemeOfOtherColoursKeepsThe256Palette() throws {
        XCTAssertEqual(ColorDepth.xterm256.drawing(try theme("default")), .xterm256)
        XCTAssertEqual(ColorDepth.ansi8.drawing(try theme("default")), .ansi8, "never more colours than the terminal has")
    }
}
