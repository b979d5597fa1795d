// The unit finder, span selection and matching in the hidden-state pane, and saliency in
// the sampling inspector: keys and results replayed through `update`, then drawn.
import Foundation
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class UnitViewTests: XCTestCase {
    var state = AppState(size: Size(columns: 100, rows: 30), title: "test.txt")

    override func setUp() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
    }

    func hiddenFrame() -> Canvas {
        var canvas = Canvas(size: Size(columns: 48, rows: 14))
        HiddenStatePane(probe: state.probe, model: state.model?.config, view: state.hidden, gradientFlow: nil)
            .render(in: Rect(size: canvas.size), on: &canvas, focused: true)
        return canvas
    }

    func testTheFinderListsUnitsAndShowsOneWithItsTrack() throws {
        XCTAssertEqual(update(&state, .key(.character("c"))), [.findCells])
        XCTAssertEqual(state.focus, .hidden, "c focuses the hidden-state pane")
        _ = update(&state, .cellsProgress(0.5))
        XCTAssertEqual(state.hidden.finder?.progress, 0.5)
        try assertGolden(hiddenFrame(), "hidden-finder-computing-48x14")
        let ids: [Int32] = (0..<60).map { [1, 2, 0, 3, 3, 0][$0 % 6] }
        let report = CellFinder.correlate(model: state.model!, ids: ids, vocabulary: testVocabulary)!
        _ = update(&state, .cellsReady(report, step: 1))
        XCTAssertEqual(state.hidden.finder?.entries.count, min(report.cells.count, UnitFinderView.listLength))
        try assertGolden(hiddenFrame(), "hidden-finder-48x14")
        _ = update(&state, .key(.down))
        XCTAssertEqual(update(&state, .key(.enter)), [])
        let chosen = report.cells[1]
        XCTAssertNil(state.hidden.finder, "Enter closes the list")
        XCTAssertEqual(state.hidden.layer, chosen.layer - 1)
        XCTAssertEqual(state.hidden.signal, chosen.signal)
        XCTAssertEqual(state.hidden.cursor, chosen.unit)
        XCTAssertEqual(state.hidden.track?.name, chosen.track)
        try assertGolden(hiddenFrame(), "hidden-track-48x14")
        _ = update(&state, .key(.escape))
        XCTAssertNil(state.hidden.track, "Esc drops the track")
        // A report that arrives after the list was closed is not shown.
        _ = update(&state, .cellsReady(report, step: 2))
        XCTAssertNil(state.hidden.finder)
    }

    func testWatchModeSaysWhereToFindUnitsInstead() {
        state.mode = .watch
        XCTAssertEqual(update(&state, .key(.character("c"))), [])
        XCTAssertNil(state.hidden.finder)
        XCTAssertTrue(state.notice?.contains("recur cells --checkpoint") == true, state.notice ?? "")
        XCTAssertEqual(update(&state, .key(.character("b"))), [])
        XCTAssertTrue(state.notice?.contains("recur match --checkpoint") == true, state.notice ?? "")
    }

    func testASelectedSpanIsMatchedAndStaleMatchesAreDropped() throws {
        state.focus = .hidden
        _ = update(&state, .key(.character("b")))
        XCTAssertEqual(state.hidden.selection, SpanSelection(anchor: 0, cursor: 0))
        XCTAssertEqual(update(&state, .key(.right)), [], "→ extends the span, not the temperature")
        _ = update(&state, .key(.right))
        _ = update(&state, .key(.right))
        XCTAssertEqual(state.hidden.selection?.range, 0..<3, "clamped to the probe's 3 tokens")
        XCTAssertEqual(state.sample.temperature, 0.8)
        let request = SpanMatchRequest(range: 0..<3, settings: SpanMatchSettings(layer: 0, signal: .hidden, threshold: 0.3))
        XCTAssertEqual(update(&state, .key(.enter)), [.matchSpan(request)])
        try assertGolden(hiddenFrame(), "hidden-matching-48x14")
        var stale = request
        stale.range = 1..<3
        _ = update(&state, .matchesReady(SpanMatches(request: stale, patternUnits: 1, entries: [], span: "x")))
        XCTAssertNil(state.hidden.matches, "matches of another selection are dropped")
        let entries = [SpanMatchEntry(start: 40, score: 1, before: "the cat ", span: "a b", after: " sat"),
                       SpanMatchEntry(start: 9, score: 0.5, before: "on\n", span: "a e", after: " mat")]
        _ = update(&state, .matchesReady(SpanMatches(request: request, patternUnits: 2, entries: entries, span: "a b")))
        XCTAssertEqual(state.hidden.matches?.entries, entries)
        XCTAssertNil(state.hidden.matching)
        try assertGolden(hiddenFrame(), "hidden-matches-48x14")
        _ = update(&state, .key(.escape))
        XCTAssertNil(state.hidden.selection)
        XCTAssertNil(state.hidden.matches)
        _ = update(&state, .key(.right))
        XCTAssertEqual(state.sample.temperature, 0.85, "without a selection → is the temperature again")
    }

    func testSaliencyFollowsTheInspectorsCursor() throws {
        state.focus = .sample
        _ = update(&state, .key(.character("e")))
        XCTAssertEqual(state.notice, "e shows saliency in the inspector: press n first")
        deliverInspectableSample(to: &state)
        _ = update(&state, .key(.character("n")))
        XCTAssertEqual(update(&state, .key(.character("e"))), [.explain(SaliencyRequest(ids: [1], target: 1))])
        XCTAssertEqual(update(&state, .key(.right)), [.explain(SaliencyRequest(ids: [1, 2], target: 1))], "prime + the token before the cursor")
        XCTAssertEqual(update(&state, .key(.down)), [.explain(SaliencyRequest(ids: [1, 2], target: 3))], "the picked candidate")
        let model = state.model!
        let old = SaliencyRequest(ids: [1, 2], target: 1)
        _ = update(&state, .saliencyReady(old, Saliency(model: model, ids: [1, 2], vocabulary: testVocabulary, target: 1)))
        XCTAssertNil(state.sample.currentSaliency, "a result for another candidate is dropped")
        let current = SaliencyRequest(ids: [1, 2], target: 3)
        let saliency = Saliency(model: model, ids: [1, 2], vocabulary: testVocabulary, target: 3)
        _ = update(&state, .saliencyReady(current, saliency))
        XCTAssertEqual(state.sample.currentSaliency?.scores, saliency.scores)
        var canvas = Canvas(size: Size(columns: 48, rows: 14))
        SamplePane(view: state.sample, vocabulary: testVocabulary, entry: nil).render(in: Rect(size: canvas.size), on: &canvas, focused: true)
        try assertGolden(canvas, "sample-saliency-48x14")
        XCTAssertEqual(update(&state, .key(.character("e"))), [], "e again turns it off")
        XCTAssertNil(state.sample.currentSaliency)
    }
}
