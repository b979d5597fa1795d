// Watch mode's reducer: looks at a run folder, log records and checkpoints replayed as
// messages at fixed times, checked by the state, the effects and the frame they produce.
import Foundation
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class WatchTests: XCTestCase {
    func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds) }

    func file(_ step: Int, modified: Double = 0, size: Int = 4096) -> CheckpointFile {
        CheckpointFile(name: String(format: "step-%08d.safetensors", step), step: step, modified: at(modified), size: size)
    }

    func scan(_ newest: CheckpointFile?, log: Bool = true, pause: Bool = false, save: Bool = false) -> RunFolderScan {
        RunFolderScan(newest: newest, hasLog: log, pauseRequested: pause, saveRequested: save)
    }

    func watched(_ file: CheckpointFile) -> WatchedCheckpoint {
        var random = RandomGenerator(seed: UInt64(file.step))
        let model = LanguageModel(config: ModelConfig(cell: .lstm, vocabularySize: 4, embed: 3, hidden: 4), random: &random)
        return WatchedCheckpoint(file: file, model: model, vocabulary: testVocabulary,
                                 probe: HiddenStateProbe(tokens: ["a", " ", "b"], units: 2, activations: [1, -1, 0, 0.5, -0.5, 0.2]),
                                 vectors: try? WordVectors(model: model, vocabulary: testVocabulary))
    }

    func records(_ steps: ClosedRange<Int>, time: ((Int) -> Double)? = nil, validationEvery: Int = 0) -> [LogRecord] {
        steps.map { step in
            LogRecord(step: step, tokens: step * 100, loss: 4 - Double(step) / 100, gradientNorm: 0.5,
                      validationLoss: validationEvery > 0 && step % validationEvery == 0 ? 4.1 - Double(step) / 100 : nil, time: time?(step))
        }
    }

    func watching(size: Size = Size(columns: 100, rows: 30)) -> AppState {
        var state = AppState(size: size, title: "big")
        state.mode = .watch
        state.watch.folder = "runs/big"
        return state
    }

    func look(_ state: inout AppState, _ found: RunFolderScan, done: Int? = nil, time: Double = 0) -> [Effect] {
        update(&state, .folderScanned(.success(found), requestsDone: done ?? state.watch.requestsSent, time: at(time)))
    }

    func statusBar(_ state: AppState) -> String {
        var canvas = Canvas(size: Size(columns: 160, rows: 1))
        StatusBar(state: state).render(in: canvas.bounds, on: &canvas)
        return canvas.rows[0]
    }

    // MARK: - Checkpoints

    func testTheNewestCheckpointIsReadOnceAndRefreshesThePanes() {
        var state = watching()
        XCTAssertEqual(look(&state, scan(file(10))), [.readCheckpoint(file(10))])
        XCTAssertEqual(look(&state, scan(file(10)), time: 0.5), [], "already being read")
        let effects = update(&state, .checkpointRead(watched(file(10))))
        XCTAssertEqual(effects.first, .drawSample(state.sample.request), "a new sample from the new weights")
        XCTAssertTrue(effects.contains(.findNeighbours(positive: [3], negative: [])), "\(effects)")
        XCTAssertEqual(state.modelStep, 10)
        XCTAssertEqual(state.step, 10, "without log records the step is the checkpoint's")
        XCTAssertNotNil(state.probe)
        XCTAssertEqual(look(&state, scan(file(10)), time: 1), [], "shown already")
        XCTAssertEqual(look(&state, scan(file(20)), time: 1.5), [.readCheckpoint(file(20))])
        XCTAssertEqual(update(&state, .checkpointRead(watched(file(10)))), [], "a result for another file than the one asked for")
        XCTAssertEqual(state.modelStep, 10, "the weights shown stay")
        XCTAssertTrue(update(&state, .checkpointRead(watched(file(20)))).contains(.drawSample(state.sample.request)))
        XCTAssertEqual(state.modelStep, 20)
    }

    func testACheckpointThatFailsKeepsThePreviousWeightsAndIsTriedAgain() {
        var state = watching()
        _ = look(&state, scan(file(10)))
        _ = update(&state, .checkpointRead(watched(file(10))))
        let model = state.model
        XCTAssertEqual(look(&state, scan(file(20)), time: 1), [.readCheckpoint(file(20))])
        let reason = "runs/big/step-00000020.safetensors is not a Recur checkpoint: tensor decoder.bias is missing"
        XCTAssertEqual(update(&state, .checkpointFailed(file(20), reason: reason)), [])
        XCTAssertTrue(state.model === model, "the previous model stays")
        XCTAssertTrue(statusBar(state).contains(reason), statusBar(state))
        XCTAssertEqual(look(&state, scan(file(20)), time: 2), [], "not at once")
        XCTAssertEqual(look(&state, scan(file(20)), time: 1 + WatchState.retryInterval), [.readCheckpoint(file(20))], "later")
        _ = update(&state, .checkpointFailed(file(20), reason: reason))
        let copied = file(20, size: 8192)
        XCTAssertEqual(look(&state, scan(copied), time: 4.5), [.readCheckpoint(copied)], "at once when the file changes (a copy arriving)")
        _ = update(&state, .checkpointRead(watched(copied)))
        XCTAssertFalse(statusBar(state).contains("not a Recur checkpoint"), "the reason goes once it reads")
        _ = look(&state, scan(file(30)), time: 5)
        _ = update(&state, .checkpointFailed(file(30), reason: reason))
        _ = look(&state, scan(copied), time: 5.5)
        XCTAssertFalse(statusBar(state).contains("not a Recur checkpoint"), "the refused file was deleted: \(statusBar(state))")
    }

    // MARK: - The log

    func testLogRecordsGrowTheCurvesAndALaterRecordAtAnEarlierStepReplacesWhatFollowed() {
        var state = watching()
        _ = update(&state, .logRead(.success(LogBatch(records: records(1...30, validationEvery: 10))), time: at(0)))
        XCTAssertEqual(state.losses.map(\.step), Array(1...30))
        XCTAssertEqual(state.validationLosses.map(\.step), [10, 20, 30])
        XCTAssertEqual(state.step, 30)
        XCTAssertEqual(state.tokens, 3000)
        _ = update(&state, .logRead(.success(LogBatch(records: records(15...16))), time: at(1)))
        XCTAssertEqual(state.losses.map(\.step), Array(1...16), "a rollback: steps after 16 are gone")
        XCTAssertEqual(state.validationLosses.map(\.step), [10])
        _ = update(&state, .logRead(.success(LogBatch(records: records(5...6), restarted: true)), time: at(2)))
        XCTAssertEqual(state.losses.map(\.step), [5, 6], "a replaced log replaces the curve")
        XCTAssertEqual(state.step, 6)
        _ = update(&state, .logRead(.success(LogBatch(records: [], restarted: true)), time: at(3)))
        XCTAssertEqual(state.losses, [])
        XCTAssertEqual(state.step, 0, "an emptied log and no checkpoint: step 0")
    }

    func testTheLossHistoryStaysBoundedHoweverMuchArrivesAtOnce() {
        var state = watching()
        _ = update(&state, .logRead(.success(LogBatch(records: records(1...100_000, validationEvery: 10))), time: at(0)))
        XCTAssertLessThanOrEqual(state.losses.count, AppState.lossHistoryLimit)
        XCTAssertLessThanOrEqual(state.validationLosses.count, AppState.lossHistoryLimit)
        XCTAssertEqual(state.losses.first?.step, 1, "the whole run stays on the chart")
        XCTAssertEqual(state.losses.last?.step, 100_000)
        XCTAssertEqual(state.losses.suffix(AppState.lossHistoryLimit / 2).map(\.step), Array(98_001...100_000), "the recent half whole")
    }

    func testTokensPerSecondComeFromTheLogClockElseFromArrival() {
        var timed = watching()
        _ = update(&timed, .logRead(.success(LogBatch(records: records(1...10, time: { 1000 + Double($0) / 2 }))), time: at(0)))
        XCTAssertEqual(timed.tokensPerSecond, 200, accuracy: 1e-9, "100 tokens every half second of the trainer's clock")
        XCTAssertEqual(timed.losses.last?.elapsed ?? 0, 4.5, accuracy: 1e-9, "the time axis starts at the first record")

        var untimed = watching()
        _ = update(&untimed, .logRead(.success(LogBatch(records: records(1...10))), time: at(0)))
        XCTAssertEqual(untimed.tokensPerSecond, 0, "one arrival says nothing about speed")
        _ = update(&untimed, .logRead(.success(LogBatch(records: records(11...14))), time: at(2)))
        XCTAssertEqual(untimed.tokensPerSecond, 200, accuracy: 1e-9, "400 tokens arrived in 2 s")
    }

    func testTheMeterForgetsOldReadingsAndRestarts() {
        var meter = ThroughputMeter()
        meter.add(tokens: 0, time: 0)
        meter.add(tokens: 1000, time: 10)
        XCTAssertEqual(meter.tokensPerSecond, 100)
        meter.add(tokens: 1500, time: 50)
        meter.add(tokens: 5500, time: 60)
        XCTAssertEqual(meter.tokensPerSecond, 400, "readings older than 30 s before the newest are dropped")
        meter.add(tokens: 10, time: 61)
        XCTAssertEqual(meter.tokensPerSecond, 0, "fewer tokens: a new run, measured anew")
    }

    // MARK: - Requests

    func testPauseCreatesAndRemovesTheFileAndALookTakenBeforeDoesNotUndoIt() {
        var state = watching()
        _ = look(&state, scan(file(10)))
        XCTAssertEqual(update(&state, .key(.character("p"))), [.request(.pause)])
        XCTAssertTrue(statusBar(state).contains(" paused (runs/big/pause) "), statusBar(state))
        _ = look(&state, scan(file(10), pause: false), done: 0, time: 0.5)
        XCTAssertTrue(state.watch.pauseRequested, "a look from before the request")
        _ = look(&state, scan(file(10), pause: true), time: 0.6)
        XCTAssertEqual(update(&state, .key(.character(" "))), [.request(.resume)])
        XCTAssertTrue(statusBar(state).contains(" watching "), statusBar(state))
        _ = look(&state, scan(file(10), pause: false), time: 1)
        _ = look(&state, scan(file(10), pause: true), time: 1.5)
        XCTAssertTrue(statusBar(state).contains(" paused (runs/big/pause) "), "someone else paused it: \(statusBar(state))")
        XCTAssertEqual(update(&state, .key(.character("p"))), [.request(.resume)], "p removes it, whoever made it")
    }

    func testOnlyAPauseThisWatcherMadeIsItsToRemoveOnQuit() {
        var state = watching()
        _ = look(&state, scan(file(10), pause: true))
        XCTAssertFalse(state.watch.pauseMadeHere, "someone else's pause file")
        _ = update(&state, .key(.character("p")))
        XCTAssertFalse(state.watch.pauseMadeHere, "p removed it")
        _ = look(&state, scan(file(10)), time: 0.5)
        _ = update(&state, .key(.character("p")))
        XCTAssertTrue(state.watch.pauseMadeHere)
        _ = look(&state, scan(file(10), pause: false), done: 0, time: 1)
        XCTAssertTrue(state.watch.pauseMadeHere, "a look from before the request")
        _ = look(&state, scan(file(10), pause: true), time: 1.5)
        XCTAssertTrue(state.watch.pauseMadeHere)
        _ = look(&state, scan(file(10), pause: false), time: 2)
        _ = look(&state, scan(file(10), pause: true), time: 2.5)
        XCTAssertFalse(state.watch.pauseMadeHere, "removed by someone else, then made again: not this watcher's")
    }

    func testQuittingRemovesThePauseThisWatcherMadeAfterRequestsStillQueued() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recur-watch-quit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let watcher = FolderWatcher(folder: try RunFolder(path: folder)) { _ in }
        watcher.perform(.pause)
        let withdrawn = watcher.withdrawPause()
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/pause"))
        XCTAssertFalse(withdrawn.failed)
        XCTAssertTrue(withdrawn.line.hasPrefix("removed \(folder)/pause"), withdrawn.line)
    }

    func testSaveRequestedShowsUntilTheTrainerHasSavedANewerCheckpoint() {
        var state = watching()
        _ = look(&state, scan(file(10)))
        XCTAssertFalse(statusBar(state).contains("save requested"))
        XCTAssertEqual(update(&state, .key(.character("w"))), [.request(.save)])
        XCTAssertTrue(statusBar(state).contains("save requested"))
        _ = look(&state, scan(file(10), save: true), time: 0.5)
        _ = look(&state, scan(file(10), save: false), time: 1)
        XCTAssertTrue(statusBar(state).contains("save requested"), "the file is gone but no newer checkpoint is there yet")
        _ = look(&state, scan(file(20), save: false), time: 1.5)
        XCTAssertFalse(statusBar(state).contains("save requested"), statusBar(state))
        // Someone else's save file shows too.
        _ = look(&state, scan(file(20), save: true), time: 2)
        XCTAssertTrue(statusBar(state).contains("save requested"))
    }

    func testARequestThatFailsSaysWhyAndClaimsNothing() {
        var state = watching()
        _ = look(&state, scan(file(10)))
        _ = update(&state, .key(.character("w")))
        let reason = "cannot create runs/big/save: Read-only file system"
        _ = update(&state, .requestFailed(.save, reason: reason))
        _ = look(&state, scan(file(10)), time: 0.5)
        XCTAssertFalse(statusBar(state).contains("save requested"), statusBar(state))
        XCTAssertTrue(statusBar(state).contains(reason), statusBar(state))
        _ = update(&state, .key(.character("p")))
        _ = update(&state, .requestFailed(.pause, reason: "cannot create runs/big/pause: Read-only file system"))
        _ = look(&state, scan(file(10)), time: 1)
        XCTAssertTrue(statusBar(state).contains(" watching "), "the look after the request shows no pause file")
    }

    func testTrainingKeysSayWhyTheyDoNothingHere() {
        var state = watching()
        for key in ["s", "+", "-", "d"] {
            XCTAssertEqual(update(&state, .key(.character(Character(key)))), [], key)
            XCTAssertNotNil(state.notice, key)
        }
        XCTAssertEqual(state.notice, "gradient flow (d) is measured while training here, not on a watched run")
        XCTAssertFalse(state.hidden.showGradientFlow)
        XCTAssertEqual(update(&state, .key(.character("q"))), [.quit])
    }

    // MARK: - The status line

    func testTheStatusLineSaysWhatIsMissing() {
        var state = watching()
        _ = look(&state, scan(nil, log: false))
        XCTAssertTrue(statusBar(state).contains("waiting for runs/big/log.jsonl and a checkpoint"), statusBar(state))
        _ = look(&state, scan(nil, log: true), time: 0.5)
        XCTAssertTrue(statusBar(state).contains("waiting for a checkpoint (runs/big/step-NNNNNNNN.safetensors)"), statusBar(state))
        _ = update(&state, .key(.character("s")))
        _ = update(&state, .folderScanned(.failure(.io("runs/big has gone")), requestsDone: 0, time: at(1)))
        XCTAssertTrue(statusBar(state).contains("runs/big has gone"), "over the last key's answer: \(statusBar(state))")
        _ = update(&state, .key(.escape))
        _ = look(&state, scan(file(10)), time: 1.5)
        _ = update(&state, .logRead(.failure(.io("cannot read runs/big/log.jsonl: Permission denied")), time: at(2)))
        XCTAssertTrue(statusBar(state).contains("cannot read runs/big/log.jsonl: Permission denied"), statusBar(state))
        _ = update(&state, .logRead(.success(LogBatch(records: records(1...3), malformedLines: 2)), time: at(2.5)))
        XCTAssertFalse(statusBar(state).contains("Permission denied"))
        XCTAssertTrue(statusBar(state).contains("2 log lines skipped"), statusBar(state))
    }

    func testTheStatusLineShowsStepSpeedAndTheCheckpointsAge() {
        var state = watching()
        _ = update(&state, .logRead(.success(LogBatch(records: records(1...40, time: { Double($0) }))), time: at(0)))
        _ = look(&state, scan(file(40, modified: 0)), time: 65)
        let bar = statusBar(state)
        XCTAssertTrue(bar.hasPrefix(" recur watch  big  step 40  100 tok/s   watching   loss 3.600  checkpoint 40 · 1m05s old   "), bar)
        XCTAssertTrue(bar.hasSuffix("   ? help  q quit "), bar)
        _ = look(&state, scan(file(40, modified: 70)), time: 65)
        XCTAssertTrue(statusBar(state).contains("checkpoint 40 · 0s old"), "a clock ahead of ours is not a negative age")
    }

    // MARK: - Frames

    /// Watch mode with every pane drawn: a log, a checkpoint, a sample, neighbours, a
    /// pause requested and a save awaited.
    func scriptedWatch() -> AppState {
        var state = watching()
        _ = update(&state, .logRead(.success(LogBatch(records: records(1...120, time: { 1000 + Double($0) / 4 }, validationEvery: 40))), time: at(0)))
        _ = look(&state, scan(file(100, modified: -20)))
        _ = update(&state, .checkpointRead(watched(file(100, modified: -20))))
        let distribution = NextTokenDistribution(candidates: [.init(token: 1, probability: 0.6), .init(token: 3, probability: 0.3)], entropy: 0.9)
        var sample = SampleResult(request: state.sample.request, prime: [],
                                  steps: [1, 0, 2, 3, 3].map { SampleStep(token: $0, distribution: distribution) }, text: "a bee", step: 100)
        sample.context = [0]
        _ = update(&state, .sampleReady(sample))
        _ = update(&state, .neighboursReady(positive: [3], negative: [], neighbours: [Neighbour(id: 1, similarity: 0.75), Neighbour(id: 2, similarity: 0.5)]))
        _ = update(&state, .key(.character("p")))
        _ = update(&state, .key(.character("w")))
        _ = look(&state, scan(file(100, modified: -20), pause: true, save: true), time: 10)
        return state
    }

    func testScriptedWatchFrame() throws {
        try assertGolden(render(scriptedWatch()), "watch-100x30")
    }

    func testWatchHelpListsThisModesKeys() throws {
        var state = scriptedWatch()
        _ = update(&state, .key(.character("?")))
        let frame = render(state)
        XCTAssertTrue(frame.rows.contains { $0.contains("pause the run: create DIR/pause (again: remove it)") })
        try assertGolden(frame, "watch-help-100x30")
    }
}
