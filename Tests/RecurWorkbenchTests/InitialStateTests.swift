// How each mode opens: AppState.initial is the state the app starts from, so replays
// that begin from it begin where the workbench does.
import Foundation
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class InitialStateTests: XCTestCase {
    let size = Size(columns: 100, rows: 30)

    func configuration(_ source: WorkbenchSource, paused: Bool = false, notice: String? = nil) -> WorkbenchConfiguration {
        WorkbenchConfiguration(source: source, title: "test", theme: .monochrome, colour: false, startPaused: paused,
                               checkpointPath: "run.safetensors", startNotice: notice)
    }

    /// Vectors from a file: the neighbours pane in focus with the first word as the query,
    /// so the first keys act on those vectors at once.
    func testVectorsOpenOnTheNeighboursOfTheFirstWord() throws {
        let words = (0..<100).map { "w\($0)" }
        let vectors = try WordVectors(words: words, dimension: 2, vectors: (0..<200).map { Float($0 % 7) })
        var state = AppState.initial(for: configuration(.vectors(vectors), notice: "opened"), size: size)
        XCTAssertEqual(state.mode, .vectors)
        XCTAssertEqual(state.focus, .neighbours)
        XCTAssertEqual(state.vocabulary?.tokens, words)
        XCTAssertEqual(state.neighbours.positive, [0])
        XCTAssertEqual(state.frequentTokens, (0..<80).map { Int32($0) }, "the map shows the first 80 words")
        XCTAssertEqual(state.notice, "opened")
        XCTAssertEqual(state.exitNotices, ["opened"])
        // Replayed from here: Tab reaches the map, whose t asks for the next projection
        // of these vectors at once.
        _ = update(&state, .key(.tab))
        XCTAssertEqual(state.focus, .map)
        XCTAssertEqual(update(&state, .key(.character("t"))), [.computeMap])
        XCTAssertEqual(state.neighbours.method, .tsne)
        XCTAssertEqual(update(&state, .key(.character("p"))), [])
        XCTAssertEqual(state.notice, "nothing trains in vectors mode: these vectors came from a file")
    }

    /// word2vec opens paused or running as asked, its loss counted in words, on the
    /// neighbours pane.
    func testWord2VecOpensPausedWhenAsked() throws {
        let corpus = try Word2VecCorpus(text: String(repeating: "a b c d e f\n", count: 20), minCount: 1, lowercase: false)
        let trainer = try Word2VecTrainer(corpus: corpus, settings: Word2VecSettings())
        var state = AppState.initial(for: configuration(.word2vec(trainer), paused: true), size: size)
        XCTAssertEqual(state.mode, .word2vec)
        XCTAssertEqual(state.trainingState, .paused)
        XCTAssertEqual(state.loss.axis, .tokens)
        XCTAssertEqual(state.focus, .neighbours)
        XCTAssertEqual(state.frequentTokens.count, corpus.words.count)
        XCTAssertEqual(state.checkpointPath, "run.safetensors")
        XCTAssertEqual(update(&state, .key(.character("p"))), [.word2vec(.resume)])
        XCTAssertEqual(AppState.initial(for: configuration(.word2vec(trainer)), size: size).trainingState, .running)
    }

    /// A race knows its vocabulary and its entries before the first snapshot, and draws
    /// its frame from that alone.
    func testARaceOpensWithAnEntryPerModel() {
        let state = AppState.initial(for: configuration(.race(trainers: [], names: ["lstm", "gru"], vocabulary: testVocabulary)), size: size)
        XCTAssertEqual(state.mode, .race)
        XCTAssertEqual(state.race.map(\.name), ["lstm", "gru"])
        XCTAssertEqual(state.vocabulary, testVocabulary)
        XCTAssertTrue(render(state).rows.joined().contains("lstm"), "the race's frame names its models")
    }

    /// A language model's map shows the corpus's 40 most frequent tokens.
    func testALanguageModelMapsItsMostFrequentTokens() throws {
        let corpus = Corpus(text: String(repeating: "the fox ran to the river. ", count: 20), level: .char)
        var random = RandomGenerator(seed: 1)
        let model = LanguageModel(config: ModelConfig(cell: .gru, vocabularySize: corpus.vocabulary.count, embed: 3, hidden: 4), random: &random)
        let trainer = try Trainer(model: model, corpus: corpus, config: TrainingConfig(sequenceLength: 8, batch: 2, seed: 1))
        let state = AppState.initial(for: configuration(.languageModel(trainer: trainer, corpus: corpus)), size: size)
        XCTAssertEqual(state.mode, .languageModel)
        XCTAssertEqual(state.frequentTokens, corpus.mostFrequent(40))
        XCTAssertEqual(state.trainingState, .paused, "paused until the session's first snapshot says otherwise")
    }

    func testWatchOpensOnItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let state = AppState.initial(for: configuration(.watch(try RunFolder(path: folder))), size: size)
        XCTAssertEqual(state.mode, .watch)
        XCTAssertEqual(state.watch.folder, folder)
    }
}
