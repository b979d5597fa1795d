// Whole frames compared with golden files: every pane at three sizes (0×0, 1×1 and a
// usable one), and the full screen after a scripted sequence of messages replayed into
// `update`, with time injected through the snapshots. A failure prints the rows that
// differ; RECUR_UPDATE_GOLDENS=1 rewrites the files (then read the diff before committing).
import Foundation
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

let goldensFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

/// Compares `canvas` with Goldens/NAME.txt, or writes it when RECUR_UPDATE_GOLDENS is set.
func assertGolden(_ canvas: Canvas, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = goldensFolder.appendingPathComponent("\(name).txt")
    let actual = canvas.rows.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["RECUR_UPDATE_GOLDENS"] != nil {
        try FileManager.default.createDirectory(at: goldensFolder, withIntermediateDirectories: true)
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        return XCTFail("no golden \(name).txt: run with RECUR_UPDATE_GOLDENS=1 to write it", file: file, line: line)
    }
    guard expected != actual else { return }
    let expectedRows = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualRows = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var report = ["\(name): the frame differs from its golden file"]
    for row in 0..<max(expectedRows.count, actualRows.count) {
        let want = row < expectedRows.count ? String(expectedRows[row]) : "(none)"
        let got = row < actualRows.count ? String(actualRows[row]) : "(none)"
        if want != got { report += ["row \(row):", "  expected |\(want)|", "  actual   |\(got)|"] }
    }
    XCTFail(report.joined(separator: "\n"), file: file, line: line)
}

final class GoldenFrameTests: XCTestCase {

    /// A state with data in every pane, built only through `update`, at fixed times.
    static func scriptedState(size: Size) -> AppState {
        var state = AppState(size: size, title: "tale.txt")
        var snapshot = makeSnapshot(step: 12, state: .paused, losses: [3, 2.5, 2.2], withModel: true)
        snapshot.newValidationLosses = [LossPoint(step: 12, tokens: 1200, loss: 2.4)]
        snapshot.evaluationInterval = 200
        _ = update(&state, .snapshot(snapshot))
        let distribution = NextTokenDistribution(candidates: [.init(token: 1, probability: 0.6), .init(token: 3, probability: 0.3)], entropy: 0.9)
        var result = SampleResult(request: state.sample.request, prime: [],
                                  steps: [1, 0, 2, 3, 3].map { SampleStep(token: $0, distribution: distribution) }, text: "a bee", step: 12)
        result.context = [0]
        _ = update(&state, .sampleReady(result))
        _ = update(&state, .neighboursReady(positive: [3], negative: [], neighbours: [Neighbour(id: 1, similarity: 0.75), Neighbour(id: 2, similarity: 0.5)]))
        _ = update(&state, .baselinesReady([1: 3.1, 2: 2.45, 3: 2.3]))
        _ = update(&state, .mapReady([MapPoint(label: "a", x: 0, y: 0), MapPoint(label: "bee", x: 1, y: 1), MapPoint(label: "e", x: 0.5, y: 0.2)]))
        return state
    }

    func testEveryPaneAtThreeSizes() throws {
        let state = GoldenFrameTests.scriptedState(size: Size(columns: 100, rows: 30))
        let panes: [(String, (Rect, inout Canvas) -> Void)] = [
            ("loss", { LossPane(losses: state.losses, validationLosses: state.validationLosses, view: state.loss, evaluationInterval: 200,
                                level: .char, floor: state.bestBaseline).render(in: $0, on: &$1, focused: true) }),
            ("hidden", { HiddenStatePane(probe: state.probe, model: state.model?.config, view: state.hidden, gradientFlow: nil).render(in: $0, on: &$1, focused: false) }),
            ("neighbours", { NeighboursPane(vocabulary: state.vocabulary, view: state.neighbours, entry: nil).render(in: $0, on: &$1, focused: false) }),
            ("sample", { SamplePane(view: state.sample, vocabulary: state.vocabulary, entry: nil).render(in: $0, on: &$1, focused: false) }),
            ("map", { MapPane(points: state.neighbours.map, method: state.neighbours.method).render(in: $0, on: &$1, focused: false) }),
            ("status", { area, canvas in StatusBar(state: state).render(in: area, on: &canvas) }),
        ]
        for (name, draw) in panes {
            for size in [Size(columns: 0, rows: 0), Size(columns: 1, rows: 1), Size(columns: 48, rows: 14)] {
                var canvas = Canvas(size: size)
                draw(Rect(size: size), &canvas)
                try assertGolden(canvas, "\(name)-\(size.columns)x\(size.rows)")
            }
        }
    }

    /// A script of messages — snapshots, a sample, keys that change views and focus — into
    /// one frame.
    func testScriptedSessionFrame() throws {
        var state = GoldenFrameTests.scriptedState(size: Size(columns: 100, rows: 30))
        for key: Key in [.character("l"), .tab, .tab, .character("v"), .right] { _ = update(&state, .key(key)) }
        try assertGolden(render(state), "scripted-100x30")
    }

    /// Samples follow new weights at most every 5 s of snapshot time: the clock is data.
    func testSampleRefreshFollowsInjectedTime() {
        var state = AppState(size: Size(columns: 100, rows: 30), title: "")
        XCTAssertEqual(update(&state, .snapshot(makeSnapshot(step: 1, withModel: true))).first, .drawSample(state.sample.request))
        XCTAssertFalse(update(&state, .snapshot(makeSnapshot(step: 4, withModel: true))).contains(.drawSample(state.sample.request)),
                       "3 s later: no new sample")
        XCTAssertTrue(update(&state, .snapshot(makeSnapshot(step: 7, withModel: true))).contains(.drawSample(state.sample.request)),
                      "6 s after the last one: a new sample")
    }
}
