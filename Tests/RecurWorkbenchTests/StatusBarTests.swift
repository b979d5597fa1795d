// The status bar at 120, 80 and 40 columns, compared with literal rows, and checked at
// every width that no figure is ever cut, the state always shows, and a notice never
// takes the step and the state with it.
import XCTest
import Foundation
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class StatusBarTests: XCTestCase {
    static let divergence = "diverged at step 123456: the loss is NaN; lowered the learning rate and went back to the last checkpoint"

    /// A language model mid-run: step 123456, loss 2.5, lr 0.002, 1234 tok/s, 3m05s in.
    func training(title: String = "tale.txt") -> AppState {
        var state = AppState(size: Size(columns: 120, rows: 30), title: title)
        _ = update(&state, .snapshot(makeSnapshot(step: 123456, state: .running, losses: [2.5])))
        state.elapsed = 185
        return state
    }

    func bar(_ state: AppState, columns: Int) -> String { canvas(state, columns: columns).rows[0] }

    func canvas(_ state: AppState, columns: Int) -> Canvas {
        var canvas = Canvas(size: Size(columns: columns, rows: 1))
        StatusBar(state: state).render(in: canvas.bounds, on: &canvas)
        return canvas
    }

    /// The bar with the notice's cells blanked, so that its words are not read as figures.
    func figures(_ canvas: Canvas) -> String {
        String(String.UnicodeScalarView((0..<canvas.size.columns).map { canvas[$0, 0].role == .warning ? " " : canvas[$0, 0].scalar }))
    }

    /// The word after `name` on the bar ("lr" → "2.0e-03"), nil when the field is not shown.
    func value(of name: String, in row: String) -> String? {
        let words = row.split(separator: " ")
        guard let index = words.firstIndex(of: Substring(name)), index + 1 < words.count else { return nil }
        return String(words[index + 1])
    }

    func testAt120ColumnsEveryFieldShows() {
        XCTAssertEqual(bar(training(), columns: 120),
                       " recur  tale.txt  step 123456  1234 tok/s   running   epoch 0.50  3m05s  lr 2.0e-03  loss 2.500          ? help  q quit ")
        // The time of the last save needs room that the name and then the keys give up.
        var state = training()
        state.lastSaved = Calendar.current.date(from: DateComponents(year: 2026, month: 11, day: 30, hour: 14, minute: 3, second: 27))
        XCTAssertEqual(bar(state, columns: 120),
                       " tale.txt  step 123456  1234 tok/s   running   epoch 0.50  lr 2.0e-03  loss 2.500  saved 14:03:27        ? help  q quit ")
    }

    func testAt80ColumnsTheLeastImportantFieldsGoWhole() {
        // The name, the keys, the elapsed time and the title go, in that order; the learning
        // rate stays whole (it was cut to "2.0e-0" here).
        XCTAssertEqual(bar(training(), columns: 80),
                       " step 123456  1234 tok/s   running   lr 2.0e-03  loss 2.500      ? help  q quit ")
        // However long the title, the figures stay.
        XCTAssertEqual(bar(training(title: "a-rather-long-corpus-name.txt"), columns: 80),
                       " step 123456  1234 tok/s   running   lr 2.0e-03  loss 2.500      ? help  q quit ")
    }

    /// tok/s is the figure people watch: it outlasts the loss and the learning rate.
    func testAt40ColumnsTheStateStepAndSpeedRemain() {
        XCTAssertEqual(bar(training(), columns: 40), " step 123456  1234 tok/s   running      ")
    }

    func testALongNoticeKeepsTheStepAndTheStateAndTakesTheRoomLeft() {
        var state = training()
        state.trainingNotice = StatusBarTests.divergence
        // The title, the time, the keys and the name make way for the whole of it; the
        // figures do not.
        XCTAssertEqual(bar(state, columns: 120),
                       " step 123456  1234 tok/s   running   diverged at step 123456: the loss is NaN; lowered the lea…  lr 2.0e-03  loss 2.500 ")
        // The epoch makes way for its first twelve columns and more.
        XCTAssertEqual(bar(state, columns: 80),
                       " step 123456  1234 tok/s   running   diverged at step …  lr 2.0e-03  loss 2.500 ")
        XCTAssertEqual(bar(state, columns: 40), " step 123456   running   diverged at s… ")
    }

    func testAShortNoticeFitsBetweenTheFields() {
        var state = training()
        state.notice = "saving to run.ckpt"
        XCTAssertEqual(bar(state, columns: 120),
                       " tale.txt  step 123456  1234 tok/s   running   saving to run.ckpt  epoch 0.50  lr 2.0e-03  loss 2.500    ? help  q quit ")
    }

    /// At every width from 0 to 160, with and without a notice: the state shows (from the
    /// width it needs), no figure is cut, and what shows is the most important fields.
    func testNoFigureIsEverCutAtAnyWidth() {
        for notice in [nil, "saving to run.ckpt", StatusBarTests.divergence] {
            var state = training(title: "a-rather-long-corpus-name.txt")
            state.notice = notice
            let line = StatusBar(state: state).line
            for columns in 0...160 {
                let drawn = canvas(state, columns: columns)
                let row = drawn.rows[0], figures = figures(drawn)
                let context = "\(columns) columns, notice \(notice ?? "none"): '\(row)'"
                XCTAssertEqual(row.count, columns, context)
                if columns >= 1 + " running ".count + 1 { XCTAssertTrue(row.contains(" running "), context) }
                if columns >= 1 + "step 123456   running ".count + 1 {
                    XCTAssertEqual(value(of: "step", in: figures), "123456", context)
                }
                for (name, shown) in [("lr", "2.0e-03"), ("loss", "2.500"), ("epoch", "0.50")] {
                    if let found = value(of: name, in: figures) { XCTAssertEqual(found, shown, "\(name): \(context)") }
                }
                // Every segment but the notice is a whole field, inside the bar.
                let segments = line.layout(width: columns)
                for segment in segments where segment.role != .warning {
                    XCTAssertTrue(line.fields.contains { $0.text == segment.text }, "'\(segment.text)': \(context)")
                }
                for segment in segments where columns >= 1 + " running ".count + 1 {
                    XCTAssertLessThanOrEqual(segment.x + Canvas.width(of: segment.text), columns - StatusLine.margin, context)
                }
                // Without a notice, a field shows only if every more important one does.
                if notice == nil {
                    let shown = Set(segments.map(\.text))
                    for field in line.fields where shown.contains(field.text) {
                        for other in line.fields where other.priority > field.priority {
                            XCTAssertTrue(shown.contains(other.text), "'\(other.text)' dropped before '\(field.text)': \(context)")
                        }
                    }
                }
            }
        }
    }

    func testEveryModeKeepsItsStateAndMainFigureAt60Columns() {
        var word2vec = training()
        word2vec.mode = .word2vec
        word2vec.trainingState = .stopped
        word2vec.checkpointPath = "/tmp/out/vectors.txt"
        XCTAssertEqual(bar(word2vec, columns: 60), " epoch 123456  50%  1234 words/s   done      ? help  q quit ")
        var vectors = AppState(size: Size(columns: 60, rows: 20), title: "glove.txt")
        vectors.mode = .vectors
        XCTAssertEqual(bar(vectors, columns: 60), " recur vectors  glove.txt  0 words × 0       ? help  q quit ")
        // Without a state label, the notice follows the last field; the name and keys make way.
        vectors.notice = "nothing is training"
        XCTAssertEqual(bar(vectors, columns: 60), " 0 words × 0  nothing is training            ? help  q quit ")
    }

    /// p, space and s show at once what they asked for (the session answers after the
    /// step under way: seconds at a large vocabulary), until a snapshot shows it done;
    /// q shows that it is quitting while the step ends.
    func testARequestShowsAtOnceUntilASnapshotShowsItDone() {
        var state = training()
        _ = update(&state, .key(.character("p")))
        XCTAssertTrue(bar(state, columns: 120).contains(" pausing… "), bar(state, columns: 120))
        // A snapshot posted before the session handled the pause does not clear it.
        _ = update(&state, .snapshot(makeSnapshot(step: 123457, state: .running)))
        XCTAssertTrue(bar(state, columns: 120).contains(" pausing… "), bar(state, columns: 120))
        _ = update(&state, .snapshot(makeSnapshot(step: 123457, state: .paused)))
        XCTAssertTrue(bar(state, columns: 120).contains(" paused "), bar(state, columns: 120))
        XCTAssertNil(state.requestedState)

        _ = update(&state, .key(.character("s")))
        XCTAssertTrue(bar(state, columns: 120).contains(" stepping… "), bar(state, columns: 120))
        _ = update(&state, .snapshot(makeSnapshot(step: 123457, state: .paused)))
        XCTAssertTrue(bar(state, columns: 120).contains(" stepping… "), "a snapshot of the step before cleared it")
        _ = update(&state, .snapshot(makeSnapshot(step: 123458, state: .paused)))
        XCTAssertNil(state.requestedState)

        _ = update(&state, .key(.character(" ")))
        XCTAssertTrue(bar(state, columns: 120).contains(" resuming… "), bar(state, columns: 120))
        _ = update(&state, .snapshot(makeSnapshot(step: 123458, state: .running)))
        XCTAssertTrue(bar(state, columns: 120).contains(" running "), bar(state, columns: 120))

        _ = update(&state, .key(.character("q")))
        XCTAssertTrue(bar(state, columns: 40).contains(" quitting… "), bar(state, columns: 40))
    }
}
