// Widgets rendered into small canvases and compared with literal rows.
import XCTest
@testable import TerminalKit

final class WidgetTests: XCTestCase {
    func testSliderPlacesTheKnobProportionally() {
        var canvas = Canvas(size: Size(columns: 24, rows: 1))
        Slider(label: "t", value: 1.5, range: 0...3).render(in: canvas.bounds, on: &canvas)
        XCTAssertEqual(canvas.rows, ["t 1.50 ├───────●───────┤"])
        var low = Canvas(size: Size(columns: 24, rows: 1))
        Slider(label: "t", value: -5, range: 0...3).render(in: low.bounds, on: &low)
        XCTAssertEqual(low.rows, ["t -5.00 ├●─────────────┤"])
    }

    func testHeatmapUsesDensityAndRoleBySign() {
        var canvas = Canvas(size: Size(columns: 5, rows: 1))
        Heatmap(rows: 1, columns: 5, values: [-1, -0.3, 0, 0.6, 2]).render(in: canvas.bounds, on: &canvas)
        XCTAssertEqual(canvas.rows, ["█░·▒█"])
        XCTAssertEqual(canvas[0, 0].role, .heat(-4))
        XCTAssertEqual(canvas[3, 0].role, .heat(2))
        XCTAssertEqual(canvas[4, 0].role, .heat(4))
    }

    func testBarListScalesBarsWithEighths() {
        var canvas = Canvas(size: Size(columns: 20, rows: 2))
        BarList(items: [.init(label: "fox", value: 1), .init(label: "owl", value: 0.5)], maximum: 1, selected: 1)
            .render(in: canvas.bounds, on: &canvas)
        XCTAssertEqual(canvas.rows, [
            "fox   1.000 ████████",
            "owl   0.500 ████    ",
        ])
        XCTAssertEqual(canvas[0, 1].role, .selection)
    }

    func testTextWrapsAtWordsAndCutsLongWords() {
        XCTAssertEqual(TextBlock.wrap("the quick brown fox", width: 9), ["the quick", "brown fox"])
        XCTAssertEqual(TextBlock.wrap("abcdefghij k", width: 4), ["abcd", "efgh", "ij k"])
        XCTAssertEqual(TextBlock.wrap("a\n\nb", width: 4), ["a", "", "b"])
    }

    func testLineChartDrawsAFallingLineWithAxes() {
        var canvas = Canvas(size: Size(columns: 16, rows: 4))
        let chart = LineChart(series: [ChartSeries(points: [(0, 3), (1, 2), (2, 1)], role: .trainLoss)])
        chart.render(in: canvas.bounds, on: &canvas)
        XCTAssertEqual(canvas.rows, [
            "   3.00┤⠑⠤⡀     ",
            "   2.00┤  ⠈⠒⢄⡀  ",
            "   1.00┤     ⠈⠢⢄",
            "       └0      2",
        ])
        XCTAssertEqual(canvas[8, 0].role, .trainLoss)
    }

    func testLineChartWithoutDataSaysSo() {
        var canvas = Canvas(size: Size(columns: 16, rows: 3))
        LineChart(series: [ChartSeries(points: [], role: .trainLoss)]).render(in: canvas.bounds, on: &canvas)
        XCTAssertEqual(canvas.rows[1], " no data yet    ")
    }
}

final class ThemeTests: XCTestCase {
    static let complete = StyleRole.all.map { "\($0.themeKey) fg=#102030" }.joined(separator: "\n")

    func testParsesRolesColoursAndAttributes() throws {
        let theme = try Theme(name: "t", text: "# comment\n" + Self.complete + "\ntitle fg=#ffffff bg=#000000 bold reverse")
        XCTAssertEqual(theme.style(for: .title), CellStyle(foreground: RGB(255, 255, 255), background: RGB(0, 0, 0), bold: true, reverse: true))
        XCTAssertEqual(theme.style(for: .heat(-2)).foreground, RGB(0x10, 0x20, 0x30))
        XCTAssertNil(theme.withoutColour().style(for: .title).foreground)
        XCTAssertTrue(theme.withoutColour().style(for: .title).bold)
    }

    func testErrorsNameTheLine() {
        XCTAssertThrowsError(try Theme(name: "t", text: "titel fg=#ffffff")) { XCTAssertTrue("\($0)".contains("line 1: unknown role 'titel'"), "\($0)") }
        XCTAssertThrowsError(try Theme(name: "t", text: Self.complete + "\ntext fg=red")) { XCTAssertTrue("\($0)".contains("not a #rrggbb"), "\($0)") }
        XCTAssertThrowsError(try Theme(name: "t", text: "text fg=#ffffff")) { XCTAssertTrue("\($0)".contains("does not define"), "\($0)") }
    }

    func testTheBundledThemesParse() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".theme") }
        XCTAssertTrue(files.contains("default.theme"))
        for file in files {
            XCTAssertNoThrow(try Theme(name: file, text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)), file)
        }
    }

    func testPaletteMapping() {
        XCTAssertEqual(ColorDepth.xterm256.index(for: RGB(255, 0, 0)), 196)
        XCTAssertEqual(ColorDepth.xterm256.index(for: RGB(128, 128, 128)), 244)
        XCTAssertEqual(ColorDepth.ansi8.index(for: RGB(250, 10, 10)), 1)
        XCTAssertEqual(ColorDepth.ansi16.index(for: RGB(250, 10, 10)), 9)
        XCTAssertNil(ColorDepth.none.index(for: RGB(1, 2, 3)))
    }
}
