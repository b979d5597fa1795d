// The cell buffer: writing, clipping, boxes — compared as literal rows.
import XCTest
@testable import TerminalKit

final class CanvasTests: XCTestCase {
    func testWriteClipsAtTheRowEnd() {
        var canvas = Canvas(size: Size(columns: 6, rows: 1))
        let end = canvas.write("abcdefgh", x: 2, y: 0)
        XCTAssertEqual(canvas.rows, ["  abcd"])
        XCTAssertEqual(end, 6)
    }

    func testWriteOutsideTheGridIsDropped() {
        var canvas = Canvas(size: Size(columns: 3, rows: 2))
        canvas.write("xyz", x: -1, y: 0)
        canvas.write("zz", x: 0, y: 5)
        XCTAssertEqual(canvas.rows, ["yz ", "   "])
    }

    func testControlCharactersAreMadeVisible() {
        var canvas = Canvas(size: Size(columns: 5, rows: 1))
        canvas.write("a\tb\nc", x: 0, y: 0)
        XCTAssertEqual(canvas.rows, ["a·b·c"])
    }

    func testWideCharactersTakeTwoCells() {
        var canvas = Canvas(size: Size(columns: 6, rows: 1))
        let end = canvas.write("猫a犬b", x: 0, y: 0)
        XCTAssertEqual(canvas.rows, ["猫a犬b"])
        XCTAssertEqual(canvas[1, 0].scalar, Canvas.continuation)
        XCTAssertEqual(canvas[2, 0].scalar, "a")
        XCTAssertEqual(end, 6)
        // Only one cell left: a space instead of half a character.
        var narrow = Canvas(size: Size(columns: 3, rows: 1))
        narrow.write("ab猫", x: 0, y: 0)
        XCTAssertEqual(narrow.rows, ["ab "])
        // Combining marks stand alone; a cell that must stay one column shows a placeholder.
        XCTAssertEqual(Canvas.printable("\u{301}"), "◌")
        XCTAssertEqual(Canvas.printable("猫"), "□")
        XCTAssertEqual(Canvas.printable("é"), "é")
    }

    func testBoxWithTitle() {
        var canvas = Canvas(size: Size(columns: 12, rows: 4))
        canvas.box(Rect(x: 0, y: 0, width: 12, height: 4), title: "Loss")
        XCTAssertEqual(canvas.rows, [
            "┌ Loss ────┐",
            "│          │",
            "│          │",
            "└──────────┘",
        ])
        XCTAssertEqual(canvas[2, 0].role, .title)
        XCTAssertEqual(canvas[0, 0].role, .border)
    }

    func testZeroSizedCanvasAndTinyBox() {
        var canvas = Canvas(size: Size(columns: 0, rows: 0))
        canvas.box(Rect(x: 0, y: 0, width: 5, height: 5), title: "x")
        XCTAssertEqual(canvas.rows, [])
        var small = Canvas(size: Size(columns: 1, rows: 1))
        small.box(Rect(x: 0, y: 0, width: 1, height: 1))
        XCTAssertEqual(small.rows, [" "])
    }
}

final class RectTests: XCTestCase {
    func testSplits() {
        let rect = Rect(x: 2, y: 1, width: 10, height: 7)
        XCTAssertEqual(rect.splitTop(3).top, Rect(x: 2, y: 1, width: 10, height: 3))
        XCTAssertEqual(rect.splitTop(3).rest, Rect(x: 2, y: 4, width: 10, height: 4))
        XCTAssertEqual(rect.splitBottom(1).bottom, Rect(x: 2, y: 7, width: 10, height: 1))
        XCTAssertEqual(rect.splitHorizontally(fraction: 0.6).left, Rect(x: 2, y: 1, width: 6, height: 7))
        XCTAssertEqual(rect.splitHorizontally(fraction: 0.6).right, Rect(x: 8, y: 1, width: 4, height: 7))
        XCTAssertEqual(rect.splitTop(20).rest.height, 0)
        XCTAssertEqual(rect.inset(by: 1), Rect(x: 3, y: 2, width: 8, height: 5))
        XCTAssertEqual(Rect(x: 0, y: 0, width: 1, height: 1).inset(by: 1).width, 0)
    }

    func testTextWidthCountsWideCharactersTwice() {
        XCTAssertEqual(Canvas.width(of: "abc"), 3)
        XCTAssertEqual(Canvas.width(of: "猫a"), 3)
        XCTAssertEqual(Canvas.width(of: ""), 0)
        var canvas = Canvas(size: Size(columns: 8, rows: 1))
        XCTAssertEqual(canvas.write("猫a犬", x: 1, y: 0), 1 + Canvas.width(of: "猫a犬"))
    }

    func testShortenedKeepsAPrefixAndAnEllipsis() {
        XCTAssertEqual(Canvas.shortened("should", toWidth: 6), "should")
        XCTAssertEqual(Canvas.shortened("should", toWidth: 5), "shou…")
        XCTAssertEqual(Canvas.shortened("should", toWidth: 4, keeping: 3), "sho…")
        XCTAssertNil(Canvas.shortened("should", toWidth: 3, keeping: 3))
        XCTAssertEqual(Canvas.shortened("should", toWidth: 2), "s…")
        XCTAssertNil(Canvas.shortened("should", toWidth: 1))
        XCTAssertNil(Canvas.shortened("should", toWidth: 0, keeping: 0))
        // A wide character that would straddle the end is left out whole.
        XCTAssertEqual(Canvas.shortened("a猫猫", toWidth: 4), "a猫…")
        XCTAssertEqual(Canvas.shortened("猫猫猫", toWidth: 4), "猫…")
    }
}
