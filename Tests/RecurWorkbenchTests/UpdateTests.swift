// The reducer: key presses, clicks and snapshots replayed as messages, checked by the
// state and the effects they produce.
import Foundation
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

let testVocabulary = Vocabulary(level: .char, tokens: [" ", "a", "b", "e"])

func makeSnapshot(step: Int, state: TrainingState = .running, losses: [Double] = [], withModel: Bool = false) -> TrainingSnapshot {
    var random = RandomGenerator(seed: 1)
    let model = withModel ? LanguageModel(config: ModelConfig(cell: .lstm, vocabularySize: 4, embed: 3, hidden: 4), random: &random) : nil
    let probe = withModel ? HiddenStateProbe(tokens: ["a", " ", "b"], units: 2, activations: [1, -1, 0, 0.5, -0.5, 0.2]) : nil
    var snapshot = TrainingSnapshot(step: step, tokens: step * 100, epoch: 0.5,
                                    newLosses: losses.enumerated().map { LossPoint(step: step - losses.count + $0.offset + 1, tokens: 0, loss: $0.element) },
                                    newValidationLosses: [], gradientNorm: 1, tokensPerSecond: 1234, learningRate: 0.002,
                                    state: state, notice: nil, model: model, probe: probe, vocabulary: testVocabulary)
    // Time is data: a snapshot at step s was published s seconds after a fixed start.
    snapshot.time = Date(timeIntervalSinceReferenceDate: Double(step))
    if let model { snapshot.vectors = try? WordVectors(model: model, vocabulary: testVocabulary) }
    return snapshot
}

/// A sample drawn after the prime "a": "b", " ", "a", each with the candidates 'a' (0.7)
/// and 'e' (0.2), delivered to `state` for the current request.
func deliverInspectableSample(to state: inout AppState) {
    let choices = NextTokenDistribution(candidates: [.init(token: 1, probability: 0.7), .init(token: 3, probability: 0.2)], entropy: 0.8)
    let steps = [2, 0, 1].map { SampleStep(token: Int32($0), distribution: choices) }
    var result = SampleResult(request: state.sample.request, prime: [1], steps: steps, text: "ab a")
    result.context = [1]
    _ = update(&state, .sampleReady(result))
}

final class UpdateTests: XCTestCase {
    var state = AppState(size: Size(columns: 100, rows: 30), title: "test.txt")

    func request(temperature: Double, seed: UInt64 = 7, topK: Int = 0) -> SampleRequest {
        SampleRequest(temperature: temperature, topK: topK, topP: 1, prime: "", seed: seed)
    }

    func testPauseTogglesWithTheTrainingState() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, state: .running)))
        XCTAssertEqual(update(&state, .key(.character("p"))), [.session(.pause)])
        _ = update(&state, .snapshot(makeSnapshot(step: 1, state: .paused)))
        XCTAssertEqual(update(&state, .key(.character(" "))), [.session(.resume)])
        XCTAssertEqual(update(&state, .key(.character("s"))), [.session(.stepOnce)])
    }

    func testPauseExplainsItselfWhereNothingCanPause() {
        state.mode = .vectors
        XCTAssertEqual(update(&state, .key(.character("p"))), [])
        XCTAssertEqual(state.notice, "nothing trains in vectors mode: these vectors came from a file")
    }

    /// In the map, t cycles PCA → t-SNE → UMAP → PCA, clears the old map and asks for the
    /// new one (when there are vectors to map).
    func testTCyclesTheMapThroughPCATSNEAndUMAP() throws {
        state.mode = .vectors
        state.focus = .map
        XCTAssertEqual(update(&state, .key(.character("t"))), [], "no vectors yet: nothing to compute")
        XCTAssertEqual(state.neighbours.method, .tsne)
        state.vectors = try WordVectors(words: ["a", "b", "c", "d"], dimension: 2, vectors: [0, 1, 1, 0, 1, 1, 0, 0])
        state.neighbours.map = [MapPoint(label: "a", x: 0, y: 0)]
        XCTAssertEqual(update(&state, .key(.character("t"))), [.computeMap])
        XCTAssertEqual(state.neighbours.method, .umap)
        XCTAssertEqual(state.neighbours.map, [], "the t-SNE map is not shown under UMAP's name")
        XCTAssertEqual(update(&state, .key(.character("t"))), [.computeMap])
        XCTAssertEqual(state.neighbours.method, .pca)
    }

    /// word2vec pauses and resumes between slices, steps one slice while paused, and says
    /// what is left to do once it has finished.
    func testWord2VecPausesStepsAndFinishes() {
        state.mode = .word2vec
        state.trainingState = .running
        XCTAssertEqual(update(&state, .key(.character("p"))), [.word2vec(.pause)])
        XCTAssertEqual(update(&state, .key(.character("s"))), [], "no step while running")
        let paused = EmbeddingProgress(newLosses: [LossPoint(step: 1, tokens: 5000, loss: 3)], fraction: 0.25, epoch: 2,
                                       wordsPerSecond: 0, elapsed: 1, vectors: nil, finished: false, paused: true)
        _ = update(&state, .embeddingProgress(paused))
        XCTAssertEqual(state.trainingState, .paused)
        XCTAssertEqual(update(&state, .key(.character("s"))), [.word2vec(.step)])
        XCTAssertEqual(update(&state, .key(.character("p"))), [.word2vec(.resume)])
        var done = paused
        done.finished = true
        done.paused = false
        _ = update(&state, .embeddingProgress(done))
        XCTAssertEqual(update(&state, .key(.character("p"))), [])
        XCTAssertEqual(state.notice, "word2vec has finished; w writes the vectors, q quits (writing them)")
    }

    func testStepOnceIsIgnoredWhileRunningAndSaveNeedsAPath() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, state: .running)))
        XCTAssertEqual(update(&state, .key(.character("s"))), [])
        XCTAssertEqual(update(&state, .key(.character("w"))), [])
        XCTAssertEqual(state.notice, "nowhere to save: start with --checkpoint PATH")
        state.checkpointPath = "x.safetensors"
        XCTAssertEqual(update(&state, .key(.character("w"))), [.session(.save)])
        XCTAssertEqual(state.notice, "saving to x.safetensors", "w names the file")
        state.mode = .vectors
        XCTAssertEqual(update(&state, .key(.character("w"))), [])
        XCTAssertEqual(state.notice, "nothing to save: these vectors came from a file")
        state.mode = .word2vec
        XCTAssertEqual(update(&state, .key(.character("w"))), [.writeVectors])
    }

    /// A reopened run's first snapshot carries its history: the whole curve, the
    /// validation losses and the sample it showed come back; later snapshots add to them.
    func testAReopenedRunShowsItsHistory() {
        var history = RunHistory()
        for step in 1...30 { history.recordTraining(step: step, tokens: step * 10, loss: 4 - Double(step) / 10) }
        history.recordValidation(step: 20, tokens: 200, loss: 2.5)
        history.sample = "a bee"
        history.sampleStep = 25
        var snapshot = makeSnapshot(step: 30)
        snapshot.history = history
        snapshot.evaluationInterval = 20
        _ = update(&state, .snapshot(snapshot))
        XCTAssertEqual(state.losses.map(\.step), Array(1...30))
        XCTAssertEqual(state.validationLosses.map(\.loss), [2.5])
        XCTAssertEqual(state.sample.text, "a bee")
        XCTAssertEqual(state.sample.step, 25)
        XCTAssertEqual(state.evaluationInterval, 20)
        _ = update(&state, .snapshot(makeSnapshot(step: 31, losses: [1])))
        XCTAssertEqual(state.losses.map(\.step).last, 31, "training goes on from the restored curve")
    }

    /// A drawn sample names its step and is handed to the session, so the checkpoint keeps it.
    func testSamplesCarryTheirStepIntoTheRun() {
        state.mode = .languageModel
        let result = SampleResult(request: state.sample.request, prime: [0], steps: [], text: "ab", step: 1200)
        XCTAssertEqual(update(&state, .sampleReady(result)), [.session(.noteSample(text: "ab", step: 1200))])
        XCTAssertEqual(state.sample.step, 1200)
    }

    func testSnapshotsAccumulateLossesAndRequestSamplesWithNewWeights() {
        XCTAssertEqual(update(&state, .snapshot(makeSnapshot(step: 2, losses: [3, 2.5]))), [])
        XCTAssertEqual(state.losses.map(\.loss), [3, 2.5])
        XCTAssertEqual(state.neighbours.positive, [3], "the first query is the letter e")
        let effects = update(&state, .snapshot(makeSnapshot(step: 3, losses: [2.4], withModel: true)))
        XCTAssertEqual(effects, [.drawSample(request(temperature: 0.8)), .findNeighbours(positive: [3], negative: [])])
        XCTAssertEqual(state.losses.map(\.step), [1, 2, 3])
        // New weights a moment later refresh the neighbours but not yet the sample.
        XCTAssertEqual(update(&state, .snapshot(makeSnapshot(step: 4, withModel: true))), [.findNeighbours(positive: [3], negative: [])])
        XCTAssertEqual(state.modelStep, 4, "the newest weights are the ones shown")
    }

    func testTemperatureStepsClampAndRedraw() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        XCTAssertEqual(update(&state, .key(.right)), [.drawSample(request(temperature: 0.85))])
        for _ in 0..<100 { _ = update(&state, .key(.left)) }
        XCTAssertEqual(state.sample.temperature, 0.05)
        XCTAssertEqual(update(&state, .key(.left)), [], "already at the minimum")
        for _ in 0..<100 { _ = update(&state, .key(.right)) }
        XCTAssertEqual(state.sample.temperature, 3.0)
    }

    func testTypingATemperature() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        state.focus = .sample
        _ = update(&state, .key(.character("=")))
        for character in "1.25" { _ = update(&state, .key(.character(character))) }
        XCTAssertEqual(update(&state, .key(.enter)), [.drawSample(request(temperature: 1.25))])
        XCTAssertNil(state.entry)
    }

    /// k and t take typed values; a value out of range is an error, not a clamp.
    func testSampleKeysResampleAndTakeTypedTopKAndTopP() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        state.focus = .sample
        XCTAssertEqual(update(&state, .key(.character("r"))), [.drawSample(request(temperature: 0.8, seed: 8))])
        XCTAssertEqual(update(&state, .key(.character("k"))), [])
        XCTAssertEqual(state.entry, .topK(""))
        _ = update(&state, .key(.character("3")))
        XCTAssertEqual(update(&state, .key(.enter)), [.drawSample(request(temperature: 0.8, seed: 8, topK: 3))])
        _ = update(&state, .key(.character("k")))
        for character in "99" { _ = update(&state, .key(.character(character))) }
        XCTAssertEqual(update(&state, .key(.enter)), [])
        XCTAssertEqual(state.notice, "top-k must be a whole number from 0 (off) to 4 (got 399)", "the entry starts from the current value")
        XCTAssertEqual(state.sample.topK, 3)
        _ = update(&state, .key(.character("t")))
        for character in "0.5" { _ = update(&state, .key(.character(character))) }
        _ = update(&state, .key(.enter))
        XCTAssertEqual(state.sample.topP, 0.5)
        _ = update(&state, .key(.character("=")))
        _ = update(&state, .key(.character("5")))
        XCTAssertEqual(update(&state, .key(.enter)), [])
        XCTAssertEqual(state.notice, "temperature must be a number from 0.05 to 3.00 (got 5)")
        XCTAssertEqual(state.sample.temperature, 0.8, "5 is refused, not clamped to 3")
    }

    /// A pane's own key acts on it from anywhere and focuses it; a key whose pane this
    /// mode lacks says so.
    func testPaneKeysAnswerWhereverTheFocusIs() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        XCTAssertEqual(state.focus, .loss)
        XCTAssertEqual(update(&state, .key(.character("r"))), [.drawSample(request(temperature: 0.8, seed: 8))])
        XCTAssertEqual(state.focus, .sample, "r resampled and focused the sample pane")
        _ = update(&state, .key(.character("v")))
        XCTAssertEqual(state.focus, .hidden)
        XCTAssertTrue(state.hidden.sortByVariance)
        state.mode = .word2vec
        state.focus = .loss
        XCTAssertEqual(update(&state, .key(.character("r"))), [])
        XCTAssertEqual(state.notice, "r works in the Sample pane, which word2vec mode does not show")
        XCTAssertEqual(state.focus, .loss)
    }

    /// Tab lists the candidates and cycles through them.
    func testCompletionListsAndCycles() {
        state.vocabulary = Vocabulary(level: .word, tokens: ["<unk>", "the", "fox", "forest", "fog"])
        _ = update(&state, .key(.character("/")))
        for character in "fo" { _ = update(&state, .key(.character(character))) }
        _ = update(&state, .key(.tab))
        XCTAssertEqual(state.entry, .neighbourQuery("fox"))
        XCTAssertEqual(state.completion?.candidates, ["fox", "forest", "fog"])
        _ = update(&state, .key(.tab))
        XCTAssertEqual(state.entry, .neighbourQuery("forest"))
        _ = update(&state, .key(.tab))
        _ = update(&state, .key(.tab))
        XCTAssertEqual(state.entry, .neighbourQuery("fox"), "it cycles")
        let rows = render(state).rows.joined(separator: "\n")
        XCTAssertTrue(rows.contains("Tab fox forest fog"), rows)
        _ = update(&state, .key(.character("e")))
        XCTAssertNil(state.completion, "typing ends the cycle")
    }

    func testAStaleSampleIsDropped() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        _ = update(&state, .key(.right))
        _ = update(&state, .sampleReady(SampleResult(request: request(temperature: 0.8), prime: [1], steps: [], text: "old")))
        XCTAssertEqual(state.sample.text, "")
        _ = update(&state, .sampleReady(SampleResult(request: request(temperature: 0.85), prime: [1], steps: [], text: "new")))
        XCTAssertEqual(state.sample.text, "new")
    }

    /// The inspector walks the drawn tokens; Enter explores from the cursor with the
    /// chosen alternative without touching the prime; K keeps the exploration as the
    /// prime, Esc goes back.
    func testTheSamplingInspectorRedrawsFromAnAlternative() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        state.focus = .sample
        deliverInspectableSample(to: &state)
        _ = update(&state, .key(.character("n")))
        XCTAssertTrue(state.sample.inspecting)
        XCTAssertEqual(update(&state, .key(.right)), [], "→ moves the cursor, not the temperature")
        XCTAssertEqual(state.sample.cursor, 1)
        XCTAssertEqual(state.sample.temperature, 0.8)
        _ = update(&state, .key(.down))
        XCTAssertEqual(state.sample.alternative, 1)
        let effects = update(&state, .key(.enter))
        XCTAssertEqual(state.sample.prime, "", "the prime is untouched")
        XCTAssertEqual(effects, [.drawSample(SampleRequest(temperature: 0.8, topK: 0, topP: 1, prime: "", seed: 7, context: [1, 2, 3]))],
                       "context: prime + the token before the cursor + the alternative")
        XCTAssertFalse(state.sample.inspecting)
        XCTAssertEqual(update(&state, .key(.escape)), [.drawSample(SampleRequest(temperature: 0.8, topK: 0, topP: 1, prime: "", seed: 7))])
        XCTAssertNil(state.sample.exploring, "Esc goes back to the prime")
        state.sample.exploring = [1, 2, 3]
        _ = update(&state, .key(.character("K")))
        XCTAssertEqual(state.sample.prime, "abe", "K keeps the exploration as the prime")
        XCTAssertNil(state.sample.exploring)
    }

    func testNeighbourQueriesHopsAndAnalogies() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        XCTAssertEqual(update(&state, .key(.character("/"))), [])
        XCTAssertEqual(state.focus, .neighbours)
        _ = update(&state, .key(.character("a")))
        XCTAssertEqual(update(&state, .key(.enter)), [.findNeighbours(positive: [1], negative: [])])
        // A stale answer for another query is dropped; the current one is kept.
        _ = update(&state, .neighboursReady(positive: [2], negative: [], neighbours: [Neighbour(id: 3, similarity: 0.5)]))
        XCTAssertEqual(state.neighbours.results, [])
        _ = update(&state, .neighboursReady(positive: [1], negative: [], neighbours: [Neighbour(id: 3, similarity: 0.5), Neighbour(id: 2, similarity: 0.4)]))
        _ = update(&state, .key(.down))
        XCTAssertEqual(update(&state, .key(.enter)), [.findNeighbours(positive: [2], negative: [])], "Enter hops to the selected neighbour")
        _ = update(&state, .key(.character("/")))
        for character in "a - b + e" { _ = update(&state, .key(.character(character))) }
        XCTAssertEqual(update(&state, .key(.enter)), [.findNeighbours(positive: [1, 3], negative: [2])])
        _ = update(&state, .key(.character("/")))
        for character in "zz" { _ = update(&state, .key(.character(character))) }
        XCTAssertEqual(update(&state, .key(.enter)), [])
        XCTAssertEqual(state.notice, "'zz' is not in the vocabulary")
    }

    /// A pinned query shows how its neighbours moved since the epoch began; at the next
    /// epoch the current list becomes the new baseline.
    func testPinnedNeighboursShowTheirDriftPerEpoch() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        state.focus = .neighbours
        _ = update(&state, .neighboursReady(positive: [3], negative: [], neighbours: [Neighbour(id: 1, similarity: 0.9), Neighbour(id: 2, similarity: 0.8)]))
        _ = update(&state, .key(.character("P")))
        XCTAssertEqual(state.neighbours.pinnedBaseline[3], [1, 2])
        _ = update(&state, .neighboursReady(positive: [3], negative: [], neighbours: [Neighbour(id: 2, similarity: 0.9), Neighbour(id: 0, similarity: 0.7)]))
        let rows = render(state).rows.joined(separator: "\n")
        XCTAssertTrue(rows.contains("'b' ↑1"), rows)
        XCTAssertTrue(rows.contains("'␣' new"), rows)
        XCTAssertTrue(rows.contains("left since epoch 0: 'a'"), rows)
        // Epoch 1 begins: the list of the end of epoch 0 becomes the baseline.
        var next = makeSnapshot(step: 50, withModel: true)
        next.epoch = 1.1
        _ = update(&state, .snapshot(next))
        XCTAssertEqual(state.neighbours.baselineEpoch, 1)
        XCTAssertEqual(state.neighbours.pinnedBaseline[3], [2, 0])
    }

    func testCompletionFromTheVocabulary() {
        let words = Vocabulary(level: .word, tokens: ["<unk>", "the", "fox", "forest", "fog"])
        var completion: Completion?
        XCTAssertEqual(complete("king - fo", in: words, completion: &completion), "king - fox")
        completion = nil
        XCTAssertEqual(complete("xyz", in: words, completion: &completion), "xyz")
        XCTAssertNil(completion)
    }

    func testLossAndHiddenKeysActOnTheFocusedPane() {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        _ = update(&state, .key(.character("l")))
        _ = update(&state, .key(.character("x")))
        _ = update(&state, .key(.character("[")))
        XCTAssertEqual(state.loss, LossView(logarithmic: true, axis: .tokens, recentOnly: false, smoothing: 0.9))
        _ = update(&state, .key(.tab))
        XCTAssertEqual(state.focus, .hidden)
        _ = update(&state, .key(.down))
        _ = update(&state, .key(.down))
        XCTAssertEqual(state.hidden.cursor, 1, "the cursor stops at the last unit")
        _ = update(&state, .key(.character("v")))
        XCTAssertTrue(state.hidden.sortByVariance)
    }

    func testClicksFocusPanesAndTheSliderSetsTheTemperature() throws {
        _ = update(&state, .snapshot(makeSnapshot(step: 1, withModel: true)))
        let layout = try XCTUnwrap(WorkbenchLayout(size: state.size))
        let sampleArea = try XCTUnwrap(layout.panes[.sample])
        _ = update(&state, .key(.mouse(MouseEvent(x: sampleArea.x + 3, y: sampleArea.y + 5, kind: .press))))
        XCTAssertEqual(state.focus, .sample)
        let track = try XCTUnwrap(SamplePane.track(in: sampleArea))
        let effects = update(&state, .key(.mouse(MouseEvent(x: track.maxX - 1, y: track.y, kind: .drag))))
        XCTAssertEqual(state.sample.temperature, 3.0)
        XCTAssertEqual(effects, [.drawSample(request(temperature: 3.0))])
    }

    func testHelpClosesOnAnyKeyAndQuitWorksEverywhere() {
        XCTAssertEqual(update(&state, .key(.character("?"))), [])
        XCTAssertEqual(state.overlay, .help)
        XCTAssertEqual(update(&state, .key(.escape)), [])
        XCTAssertNil(state.overlay)
        XCTAssertEqual(update(&state, .key(.character("q"))), [.quit])
        var other = AppState(size: Size(columns: 10, rows: 5), title: "")
        XCTAssertEqual(update(&other, .quitRequested), [.quit])
    }
}
