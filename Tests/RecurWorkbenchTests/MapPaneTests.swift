// The map's layout and pane in small canvases, compared with literal rows, and a seeded
// property check that no label overlaps another, covers a dot or leaves its area.
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class MapPaneTests: XCTestCase {
    /// Draws `points` laid out in the whole of a `columns` × `rows` canvas.
    func plot(_ points: [MapPoint], columns: Int, rows: Int) -> (rows: [String], layout: MapLayout) {
        var canvas = Canvas(size: Size(columns: columns, rows: rows))
        let layout = MapLayout(points: points, area: canvas.bounds)
        layout.draw(on: &canvas)
        return (canvas.rows, layout)
    }

    /// x and y are chosen so that x is the column (the points span the width) and the
    /// largest y is the top row.
    func point(_ label: String, _ x: Float, _ y: Float) -> MapPoint { MapPoint(label: label, x: x, y: y) }

    func testTheMoreFrequentLabelWinsAndTheNextIsShortenedToTheGap() {
        // "could" is at the right edge: it goes left, and stops a cell before "should".
        let (rows, layout) = plot([point("should", 0, 0), point("could", 12, 0)], columns: 13, rows: 1)
        XCTAssertEqual(rows, ["•should cou…•"])
        XCTAssertEqual(layout.hidden, 0)
    }

    func testALabelWithoutRoomForThreeCharactersIsLeftOutAndCounted() {
        let (rows, layout) = plot([point("should", 0, 0), point("could", 9, 0)], columns: 10, rows: 1)
        XCTAssertEqual(rows, ["•should  •"])
        XCTAssertEqual(layout.hidden, 1)
    }

    func testADotBlocksTheLabelOfAnEarlierPointButIsNeverCovered() {
        // "under" cannot pass the dot of "savoured"; its right side keeps three characters.
        let (rows, layout) = plot([point("under", 0, 0), point("savoured", 5, 0), point("x", 15, 0)], columns: 16, rows: 1)
        XCTAssertEqual(rows, ["•und…•savoured •"])
        XCTAssertEqual(layout.hidden, 1, "x has neither side free")
    }

    func testALabelAtTheRightEdgeGoesLeftAndStaysInside() {
        let (rows, layout) = plot([point("left", 0, 0), point("edge", 9, 1)], columns: 10, rows: 2)
        XCTAssertEqual(rows, [
            "     edge•",
            "•left     ",
        ])
        XCTAssertEqual(layout.labels.map(\.x), [1, 5])
    }

    func testWideCharactersAreCountedAsTwoCells() {
        let (rows, _) = plot([point("猫猫", 0, 0), point("犬", 8, 0)], columns: 9, rows: 1)
        XCTAssertEqual(rows, ["•猫猫 犬•"])
    }

    func testZeroAndOneCellAreasDrawNothingOutside() {
        let points = [point("alpha", 0, 0), point("beta", 1, 1), point("gamma", 2, 0.5)]
        var canvas = Canvas(size: Size(columns: 3, rows: 3))
        let empty = MapLayout(points: points, area: Rect(x: 1, y: 1, width: 0, height: 0))
        empty.draw(on: &canvas)
        XCTAssertEqual(canvas.rows, ["   ", "   ", "   "])
        XCTAssertEqual(empty.hidden, 3)
        let single = MapLayout(points: points, area: Rect(x: 1, y: 1, width: 1, height: 1))
        single.draw(on: &canvas)
        XCTAssertEqual(canvas.rows, ["   ", " • ", "   "])
        XCTAssertEqual(single.hidden, 3)
        // The whole pane at sizes too small for its box or for anything inside it.
        for size in [Size(columns: 0, rows: 0), Size(columns: 1, rows: 1), Size(columns: 2, rows: 2), Size(columns: 3, rows: 3)] {
            var pane = Canvas(size: size)
            MapPane(points: points, method: .pca).render(in: pane.bounds, on: &pane, focused: false)
            XCTAssertEqual(pane.rows.count, size.rows)
        }
    }

    func testPointsWithoutFiniteCoordinatesAreCountedAsHidden() {
        let (rows, layout) = plot([point("nan", .nan, 0), point("ok", 0, 0), point("inf", 1, .infinity)], columns: 4, rows: 1)
        XCTAssertEqual(rows, ["•ok "])
        XCTAssertEqual(layout.hidden, 2)
    }

    func testTheHeaderSaysWhatTheMapShowsAndWhatIsHidden() {
        XCTAssertEqual(MapPane.title(method: .pca, words: 80, hidden: 12),
                       "Map · PCA of the 80 most frequent words · 12 labels hidden · t switches")
        XCTAssertEqual(MapPane.title(method: .tsne, words: 80, hidden: 0), "Map · t-SNE (perplexity 26.3) of the 80 most frequent words · t switches")
        XCTAssertEqual(MapPane.title(method: .umap, words: 80, hidden: 0), "Map · UMAP (15 neighbours, min_dist 0.1) of the 80 most frequent words · t switches")
        XCTAssertEqual(MapPane.title(method: .umap, words: 8, hidden: 0, width: 50), "Map · UMAP (7 neighbours, min_dist 0.1) of 8 words")
        XCTAssertEqual(MapPane.title(method: .umap, words: 80, hidden: 0, width: 30), "Map · UMAP of 80 words", "the parameters give way before the count")
        XCTAssertEqual(MapPane.title(method: .pca, words: 1, hidden: 1), "Map · PCA of the 1 most frequent word · 1 label hidden · t switches")
        // A narrower pane words it shorter rather than cut the count.
        XCTAssertEqual(MapPane.title(method: .pca, words: 80, hidden: 9, width: 44), "Map · PCA of 80 words · 9 labels hidden")
        XCTAssertEqual(MapPane.title(method: .pca, words: 80, hidden: 9, width: 31), "Map · PCA · 80 words · 9 hidden")
        XCTAssertEqual(MapPane.title(method: .pca, words: 80, hidden: 0, width: 31), "Map · PCA of 80 words")
        var canvas = Canvas(size: Size(columns: 62, rows: 4))
        MapPane(points: [point("should", 0, 1), point("could", 59, 1), point("far", 59, 0), point("near", 58, 0)], method: .pca)
            .render(in: canvas.bounds, on: &canvas, focused: false)
        XCTAssertEqual(canvas.rows, [
            "┌ Map · PCA of the 4 most frequent words · 1 label hidden ───┐",
            "│•should                                               could•│",
            "│                                                      near••│",
            "└────────────────────────────────────────────────────────────┘",
        ])
    }

    func testAnEmptyMapSaysItIsComputing() {
        var canvas = Canvas(size: Size(columns: 30, rows: 3))
        MapPane(points: [], method: .tsne).render(in: canvas.bounds, on: &canvas, focused: false)
        XCTAssertEqual(canvas.rows, [
            "┌ Map · t-SNE · t switches ──┐",
            "│computing the map…          │",
            "└────────────────────────────┘",
        ])
    }

    /// Random maps in random areas of a larger canvas: labels are placed or counted, never
    /// overlap or touch, never cover a dot, and nothing is drawn outside the area.
    func testRandomMapsKeepLabelsApartAndInside() {
        var random = RandomGenerator(seed: 2026)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz'猫é")
        var whole = 0, shortened = 0, hidden = 0
        for trial in 0..<500 {
            let canvasSize = Size(columns: 50, rows: 16)
            let area = Rect(x: Int.random(in: 0...6, using: &random), y: Int.random(in: 0...3, using: &random),
                            width: Int.random(in: 0...44, using: &random), height: Int.random(in: 0...12, using: &random))
            let points = (0..<Int.random(in: 0...60, using: &random)).map { _ in
                let label = String((0..<Int.random(in: 1...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                // Some points share coordinates exactly, as tokens with equal vectors do.
                let x = Float(Int.random(in: 0...20, using: &random)) * Float.random(in: 0.9...1, using: &random)
                return MapPoint(label: label, x: x, y: Float.random(in: -3...3, using: &random))
            }
            let layout = MapLayout(points: points, area: area)
            let context = "trial \(trial), \(area), \(points.count) points"
            XCTAssertEqual(layout.labels.count + layout.hidden, points.count, context)
            hidden += layout.hidden
            shortened += layout.labels.filter { $0.text.hasSuffix("…") }.count
            whole += layout.labels.filter { !$0.text.hasSuffix("…") }.count

            var owner = [[Int?]](repeating: [Int?](repeating: nil, count: canvasSize.columns), count: canvasSize.rows)
            for dot in layout.dots {
                XCTAssertTrue(area.contains(x: dot.x, y: dot.y), "dot outside: \(context)")
            }
            let dotCells = Set(layout.dots.map { $0.y * canvasSize.columns + $0.x })
            for (index, label) in layout.labels.enumerated() {
                XCTAssertEqual(label.width, Canvas.width(of: label.text), context)
                XCTAssertTrue(label.x >= area.x && label.x + label.width <= area.maxX && area.contains(x: label.x, y: label.y),
                              "label '\(label.text)' outside: \(context)")
                if label.text.hasSuffix("…") {
                    XCTAssertGreaterThanOrEqual(label.text.unicodeScalars.count - 1, MapLayout.minimumKept, context)
                }
                // One blank cell either side of a label keeps it from reading into the next.
                for column in label.x - 1...label.x + label.width where column >= 0 && column < canvasSize.columns {
                    let inside = column >= label.x && column < label.x + label.width
                    if inside {
                        XCTAssertFalse(dotCells.contains(label.y * canvasSize.columns + column), "label '\(label.text)' covers a dot: \(context)")
                    }
                    if let other = owner[label.y][column], other != index {
                        XCTFail("labels '\(layout.labels[other].text)' and '\(label.text)' touch: \(context)")
                    }
                    if inside { owner[label.y][column] = index }
                }
            }
            var canvas = Canvas(size: canvasSize)
            layout.draw(on: &canvas)
            for y in 0..<canvasSize.rows {
                for x in 0..<canvasSize.columns where !area.contains(x: x, y: y) {
                    XCTAssertEqual(canvas[x, y], Cell(), "drawn outside at (\(x), \(y)): \(context)")
                }
            }
            for dot in layout.dots { XCTAssertEqual(canvas[dot.x, dot.y].scalar, "•", context) }
        }
        // The maps must have exercised every outcome, or the checks above prove little.
        XCTAssertTrue(whole > 1000 && shortened > 100 && hidden > 1000, "whole \(whole), shortened \(shortened), hidden \(hidden)")
    }
}
