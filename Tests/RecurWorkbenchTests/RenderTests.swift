// Whole frames rendered from states, compared with literal rows where the layout is
// fixed and searched for content where it depends on data.
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class RenderTests: XCTestCase {
    func testTooSmallScreenSaysSoAndHowToQuit() {
        let canvas = render(AppState(size: Size(columns: 24, rows: 5), title: ""))
        XCTAssertEqual(canvas.rows, [
            "                        ",
            "   terminal too small   ",
            "    24×5, need 60×18    ",
            "        q quits         ",
            "                        ",
        ])
    }

    /// A validation under way says how far it has read: before the first point, and
    /// beside the last one.
    func testTheLossPaneShowsAValidationUnderWay() {
        func header(validation: [LossPoint], progress: Double?) -> String {
            var canvas = Canvas(size: Size(columns: 66, rows: 8))
            LossPane(losses: [LossPoint(step: 3, tokens: 300, loss: 4.5)], validationLosses: validation, view: LossView(),
                     evaluationInterval: 200, validationProgress: progress).render(in: canvas.bounds, on: &canvas, focused: false)
            return canvas.rows[1]
        }
        XCTAssertEqual(header(validation: [], progress: 0.4), "│train 4.500  first validation: 40% read                         │")
        XCTAssertEqual(header(validation: [], progress: nil), "│train 4.500  first validation at step 200 or after 10 s         │")
        XCTAssertEqual(header(validation: [LossPoint(step: 2, tokens: 200, loss: 4.6)], progress: 0.25),
                       "│train 4.500  val 4.600  best 4.600  ppl 99.48  validating 25%   │")
    }

    func testLayoutAt100By30() throws {
        let layout = try XCTUnwrap(WorkbenchLayout(size: Size(columns: 100, rows: 30)))
        XCTAssertEqual(layout.status, Rect(x: 0, y: 29, width: 100, height: 1))
        XCTAssertEqual(layout.panes[.loss], Rect(x: 0, y: 0, width: 60, height: 15))
        XCTAssertEqual(layout.panes[.hidden], Rect(x: 0, y: 15, width: 60, height: 14))
        XCTAssertEqual(layout.panes[.neighbours], Rect(x: 60, y: 0, width: 40, height: 13))
        XCTAssertEqual(layout.panes[.sample], Rect(x: 60, y: 13, width: 40, height: 16))
        XCTAssertNil(WorkbenchLayout(size: Size(columns: 59, rows: 30)))
    }

    func testFrameShowsEveryPaneWithLiveData() {
        var state = AppState(size: Size(columns: 100, rows: 30), title: "tale.txt")
        _ = update(&state, .snapshot(makeSnapshot(step: 12, state: .paused, losses: [3, 2.5, 2.2], withModel: true)))
        let distribution = NextTokenDistribution(candidates: [.init(token: 1, probability: 0.6), .init(token: 3, probability: 0.3)], entropy: 0.9)
        _ = update(&state, .sampleReady(SampleResult(request: state.sample.request, prime: [1],
                                                     steps: [SampleStep(token: 0, distribution: distribution)], text: "a bee ate")))
        _ = update(&state, .neighboursReady(positive: [3], negative: [], neighbours: [Neighbour(id: 1, similarity: 0.75)]))
        let canvas = render(state)
        let rows = canvas.rows
        XCTAssertEqual(rows[0].prefix(8), "┏ Loss ━", "the focused pane has a heavy border")
        XCTAssertTrue(rows[1].contains("train 2.200"), rows[1])
        XCTAssertEqual(rows[15].prefix(40), "┌ Hidden state · LSTM 4×1 · layer 1 · h ")
        // The heatmap's first unit row (the cursor's): values 1, 0, −0.5 at steps a, ␣, b.
        XCTAssertEqual(String(rows[16].dropFirst(1).prefix(8)), "▶0   █·▒")
        XCTAssertEqual(canvas[6, 16].role, .heat(4))
        XCTAssertEqual(canvas[8, 16].role, .heat(-2))
        // The probe text under it, coloured by the cursor unit.
        XCTAssertEqual(String(rows[26].dropFirst(1).prefix(8)), "     a␣b")
        XCTAssertEqual(canvas[6, 26].role, .heat(4))
        XCTAssertEqual(canvas[8, 26].role, .heat(-2))
        XCTAssertTrue(rows[27].contains("unit 0 · ↑↓ unit"), rows[27])
        XCTAssertTrue(rows[1].contains("nearest to 'e'"), rows[1])
        XCTAssertTrue(rows[2].contains("'a'   0.750 ███"), rows[2])
        XCTAssertTrue(rows[14].contains("temperature 0.80 ├"), rows[14])
        XCTAssertTrue(rows[15].contains("no prime (after \" \") · top-k off"), rows[15])
        XCTAssertTrue(rows[16].contains("next token · entropy 0.90 nats"), rows[16])
        XCTAssertTrue(rows[17].contains("'a'   0.600 "), rows[17])
        XCTAssertTrue(rows[19].contains("a bee ate"), rows[19])
        // At 100 columns the program's name is the one field without room.
        XCTAssertEqual(rows[29], " tale.txt  step 12  1234 tok/s   paused   epoch 0.50  0s  lr 2.0e-03  loss 2.200     ? help  q quit ")
    }

    /// At 80 columns the state still shows, ahead of the less important figures.
    /// A validation loss that reads a slice of the validation text says which, in the
    /// loss pane's legend; one that reads it all says nothing more.
    func testTheLossPaneNamesTheValidationSlice() {
        var state = AppState(size: Size(columns: 120, rows: 30), title: "big.txt")
        var snapshot = makeSnapshot(step: 12, state: .paused, losses: [3, 2.5, 2.2])
        snapshot.evaluationSlice = "first 200K of 1.7M validation tokens"
        _ = update(&state, .snapshot(snapshot))
        XCTAssertTrue(render(state).rows.contains { $0.contains("━ val, first 200K of 1.7M validation tokens") },
                      render(state).rows.joined(separator: "\n"))
        snapshot.evaluationSlice = nil
        _ = update(&state, .snapshot(snapshot))
        XCTAssertFalse(render(state).rows.contains { $0.contains("validation tokens") })
    }

    func testTheStateShowsOnANarrowStatusBar() {
        var state = AppState(size: Size(columns: 80, rows: 24), title: "a-rather-long-corpus-name.txt")
        _ = update(&state, .snapshot(makeSnapshot(step: 123456, state: .paused, losses: [2.5])))
        XCTAssertTrue(render(state).rows[23].contains(" paused "), render(state).rows[23])
    }

    func testExpandedPaneTakesTheScreen() {
        var state = AppState(size: Size(columns: 80, rows: 24), title: "")
        state.focus = .sample
        _ = update(&state, .key(.character("f")))
        let rows = render(state).rows
        XCTAssertEqual(rows[0].prefix(10), "┏ Sample ━")
        XCTAssertEqual(rows[22].prefix(1), "┗")
        XCTAssertEqual(rows[0].suffix(1), "┓", "the pane spans the full width")
        _ = update(&state, .key(.escape))
        XCTAssertEqual(render(state).rows[0].prefix(8), "┌ Loss ─", "unfocused: a light border")
    }

    /// `?` lists every key of the mode it is pressed in, whole, at 100×40.
    func testHelpOverlayListsTheKeysOfEachMode() {
        for mode in [WorkbenchMode.languageModel, .word2vec, .vectors, .race, .watch] {
            var state = AppState(size: Size(columns: 100, rows: 40), title: "")
            state.mode = mode
            _ = update(&state, .key(.character("?")))
            let text = render(state).rows.joined(separator: "\n")
            for binding in KeyMap.sections(for: mode).flatMap(\.bindings) {
                XCTAssertTrue(text.contains(binding.label), "\(mode): \(binding.label)")
            }
        }
        XCTAssertTrue(Overlay.helpRows(for: .word2vec, width: 70).contains { $0.text.contains("write the vectors") })
        XCTAssertFalse(Overlay.helpRows(for: .word2vec, width: 70).contains { $0.label == "← →" }, "no language-model keys in word2vec mode")
    }
}
