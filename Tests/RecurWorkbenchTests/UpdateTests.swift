// The reducer: key presses and snapshots replayed as messages, checked by the state and
// the effects they produce.
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

func makeSnapshot(step: Int, state: TrainingState = .running, losses: [Double] = [], withModel: Bool = false) -> TrainingSnapshot {
    let vocabulary = Vocabulary(level: .char, tokens: [" ", "a", "b", "e"])
    var random = RandomGenerator(seed: 1)
    let model = withModel ? LanguageModel(config: ModelConfig(cell: .lstm, vocabularySize: 4, embed: 3, hidden: 4), random: &random) : nil
    let probe = withModel ? HiddenStateProbe(tokens: ["a", " ", "b"], units: 2, activations: [1, -1, 0, 0.5, -0.5, 0.2]) : nil
    return TrainingSnapshot(step: step, tokens: step * 100, epoch: 0.5,
                            newLosses: losses.enumerated().map { LossPoint(step: step - losses.count + $0.offset + 1, tokens: 0, loss: $0.element) },
                            newValidationLosses: [], gradientNorm: 1, tokensPerSecond: 1234, learningRate: 0.002,
                            state: state, notice: nil, model: model, probe: probe, vocabulary: vocabulary)
}

final class UpdateTests: XCTestCase {
    var state = AppState(size: Size(columns: 100, rows: 30), title: "test.txt")

    func testPauseTogglesWithTheTrainingState() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, state: .running)))
        XCTAssertEqual(update(&state, .key(.character("p"))), [.session(.pause)])
        _ = update(&state, .snapshot(makeSnapshot(step: 1, state: .paused)))
        XCTAssertEqual(update(&state, .key(.character(" "))), [.session(.resume)])
        XCTAssertEqual(update(&state, .key(.character("s"))), [.session(.stepOnce)])
    }

    func testStepOnceIsIgnoredWhileRunning() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, state: .running)))
        XCTAssertEqual(update(&state, .key(.character("s"))), [])
    }

    func testSnapshotsAccumulateLossesAndRequestSamplesWithNewWeights() {
        XCTAssertEqual(update(&state, .snapshot(makeSnapshot(step: 2, losses: [3, 2.5]))), [])
        XCTAssertEqual(state.losses.map(\.loss), [3, 2.5])
        XCTAssertEqual(state.neighbourQuery, 3, "the first query is the letter e")
        let effects = update(&state, .snapshot(makeSnapshot(step: 3, losses: [2.4], withModel: true)))
        XCTAssertEqual(effects, [.drawSample(temperature: 0.8), .findNeighbours(query: 3)])
        XCTAssertEqual(state.losses.map(\.step), [1, 2, 3])
        XCTAssertEqual(state.weightsVersion, 1)
    }

    func testTemperatureStepsClampAndRedraw() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        XCTAssertEqual(update(&state, .key(.right)), [.drawSample(temperature: 0.85)])
        for _ in 0..<100 { _ = update(&state, .key(.left)) }
        XCTAssertEqual(state.temperature, 0.05)
        XCTAssertEqual(update(&state, .key(.left)), [], "already at the minimum")
        for _ in 0..<100 { _ = update(&state, .key(.right)) }
        XCTAssertEqual(state.temperature, 3.0)
    }

    func testNeighbourQueryCyclesThroughTheVocabulary() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        XCTAssertEqual(update(&state, .key(.down)), [.findNeighbours(query: 0)])
        XCTAssertEqual(update(&state, .key(.up)), [.findNeighbours(query: 3)])
        // A stale answer for another query is dropped.
        _ = update(&state, .neighboursReady(query: 1, neighbours: [Neighbour(id: 2, similarity: 0.5)], weightsVersion: 1))
        XCTAssertEqual(state.neighbours, [])
    }

    func testHelpClosesOnAnyKeyAndQuitWorksEverywhere() {
        XCTAssertEqual(update(&state, .key(.character("?"))), [])
        XCTAssertTrue(state.showingHelp)
        XCTAssertEqual(update(&state, .key(.escape)), [])
        XCTAssertFalse(state.showingHelp)
        XCTAssertEqual(update(&state, .key(.character("q"))), [.quit])
        var other = AppState(size: Size(columns: 10, rows: 5), title: "")
        XCTAssertEqual(update(&other, .quitRequested), [.quit])
    }
}
