// Every mode × every key: a key the mode's help lists acts (changes what is drawn, asks
// for work, or says why not), and any other key says that it does nothing. Both come
// from KeyMap, the table the help overlay draws, so help and behaviour cannot drift.
import Foundation
import XCTest
import RecurEngine
import TerminalKit
@testable import RecurWorkbench

final class KeyMapTests: XCTestCase {
    static let modes: [WorkbenchMode] = [.languageModel, .race, .word2vec, .vectors, .watch]

    /// A paused run with data in every pane, as `mode` would have it.
    func fixture(_ mode: WorkbenchMode) -> AppState {
        var state = GoldenFrameTests.scriptedState(size: Size(columns: 120, rows: 40))
        state.mode = mode
        // Two layers of 30 units with h, c and gates, the cursor mid-way, so ↑↓, g and L can move.
        var random = RandomGenerator(seed: 2)
        let model = LanguageModel(config: ModelConfig(cell: .lstm, vocabularySize: 4, embed: 3, hidden: 30, layers: 2), random: &random)
        state.probe = HiddenStateProbe(model: model, ids: [1, 0, 2, 3], vocabulary: testVocabulary)
        state.hidden.cursor = 15
        state.neighbours.results = [Neighbour(id: 1, similarity: 0.75), Neighbour(id: 2, similarity: 0.5), Neighbour(id: 0, similarity: 0.2)]
        state.neighbours.selection = 1
        switch mode {
        case .race:
            state.race = [RaceEntry(name: "lstm"), RaceEntry(name: "gru")]
            state.race[0].sample = "a bee"
            state.race[1].sample = "be a"
            state.race[0].model = state.model
            for index in state.race.indices {
                state.race[index].losses = (1...400).map { step -> LossPoint in
                    let loss: Double = 3 - Double(step) / 200 + Double(step % 7) / 10
                    return LossPoint(step: step, tokens: step * 100, loss: loss)
                }
            }
        case .watch:
            state.watch.folder = "runs/big"
        case .word2vec, .vectors:
            state.focus = PaneID.neighbours
        case .languageModel:
            break
        }
        // A span selected in the probe, so that Enter in the hidden-state pane can act.
        if mode == .languageModel { state.hidden.selection = SpanSelection(anchor: 0, cursor: 1) }
        return state
    }

    /// Everything a key can change that a user sees or that starts work.
    func acted(_ before: AppState, _ after: AppState, _ effects: [Effect]) -> Bool {
        !effects.isEmpty || after.notice != nil || render(before) != render(after)
    }

    func testEveryListedKeyActsOrSaysWhyInEveryMode() {
        for mode in KeyMapTests.modes {
            for binding in KeyMap.sections(for: mode).flatMap(\.bindings) {
                for key in binding.keys {
                    var state = fixture(mode)
                    if let pane = binding.pane { state.focus = pane }
                    if key == .right || key == .left, binding.pane == nil { state.hidden.selection = nil }
                    // Esc closes what is open: here, the expanded pane.
                    if key == .escape { state.expanded = true }
                    let before = state
                    let effects = update(&state, .key(key))
                    let name = "\(mode) · \(KeyMap.name(of: key)) (\(binding.label))"
                    XCTAssertTrue(acted(before, state, effects), "\(name) did nothing and said nothing")
                    if let refusal = binding.refusal {
                        XCTAssertEqual(state.notice, refusal, name)
                        XCTAssertEqual(effects, [], "\(name) is refused, so it must not act")
                    }
                    // A text entry it opened is drawn, and what is typed shows.
                    if state.entry != nil {
                        _ = update(&state, .key(.character("7")))
                        let prompt = String(state.entry!.prompt.prefix(9))
                        let frame = render(state).rows.joined(separator: "\n")
                        XCTAssertTrue(frame.contains(prompt), "\(name): the entry '\(prompt)' is not drawn")
                        _ = update(&state, .key(.escape))
                        XCTAssertNil(state.entry, "\(name): Esc closes the entry")
                    }
                }
            }
        }
    }

    /// Keys no help lists: every printable character and every special key either belongs
    /// to the mode's table or answers with a notice; none is swallowed.
    func testEveryOtherKeySaysItDoesNothing() {
        let printable = (0x21...0x7E).compactMap { UnicodeScalar($0).map { Key.character(Character($0)) } }
        let special: [Key] = [.up, .down, .left, .right, .home, .end, .pageUp, .pageDown, .enter, .escape, .tab, .backTab,
                              .backspace, .delete, .function(5), .control("x")]
        for mode in KeyMapTests.modes {
            for key in printable + special + [.character(" ")] where KeyMap.binding(for: key, in: mode) == nil {
                var state = fixture(mode)
                let effects = update(&state, .key(key))
                XCTAssertEqual(effects, [], "\(mode) · \(KeyMap.name(of: key))")
                XCTAssertNotNil(state.notice, "\(mode) · \(KeyMap.name(of: key)) is swallowed without a word")
            }
        }
    }

    /// The cases, by name: race mode's text boxes show and do not swallow q, and
    /// race steps and changes learning rates; vectors and word2vec explain their keys.
    func testTheModesThatDidNothingNowActOrSay() {
        var race = fixture(.race)
        _ = update(&race, .key(.character("/")))
        XCTAssertNil(race.entry, "a race has no neighbours pane to query")
        XCTAssertEqual(race.notice, "/ does nothing in a race; ? lists its keys")
        XCTAssertEqual(update(&race, .key(.character("s"))), [.session(.stepOnce)])
        XCTAssertEqual(update(&race, .key(.character("+"))), [.session(.scaleLearningRate(2))])
        XCTAssertEqual(race.notice, "every model's learning rate doubled")
        _ = update(&race, .key(.character("k")))
        XCTAssertEqual(race.entry, .topK(""))
        XCTAssertTrue(render(race).rows.joined().contains("top-k = ▏"), "the race draws the box being typed in")

        var vectors = fixture(.vectors)
        for key in [Key.character("s"), .left, .character("+")] {
            XCTAssertEqual(update(&vectors, .key(key)), [])
            XCTAssertNotNil(vectors.notice)
        }
        XCTAssertFalse(Overlay.helpRows(for: .vectors, width: 70).contains { $0.text.contains("pin") }, "no epochs to pin across")

        var word2vec = fixture(.word2vec)
        let axis = word2vec.loss.axis
        _ = update(&word2vec, .key(.character("x")))
        XCTAssertEqual(word2vec.loss.axis, axis, "word2vec's axis stays words trained")
        _ = update(&word2vec, .key(.character("m")))
        XCTAssertFalse(word2vec.neighbours.showMap, "no second map inside the neighbours pane")
        XCTAssertTrue(Overlay.helpRows(for: .watch, width: 70).contains { $0.text.contains("saliency") }, "watch's help lists e")
    }

    // MARK: - Help and notices overlays

    func testWrapKeepsEveryWordAndFitsTheWidth() {
        var random = RandomGenerator(seed: 3)
        for width in [1, 5, 13, 40] {
            for _ in 0..<50 {
                let words = (0..<Int(random.next() % 12)).map { _ in String(repeating: "w", count: 1 + Int(random.next() % 18)) }
                let lines = TextBlock.wrap(words.joined(separator: " "), width: width)
                XCTAssertTrue(lines.allSatisfy { $0.count <= width }, "\(width): \(lines)")
                XCTAssertEqual(lines.joined().filter { $0 != " " }, words.joined(), "nothing lost")
                if width >= 18 { XCTAssertEqual(lines.flatMap { $0.split(separator: " ").map(String.init) }, words, "no word cut") }
            }
        }
    }

    /// At 60×20, above the minimum, help is whole: scrolling shows every row, none cut.
    func testHelpAtASmallSizeScrollsToEveryKeyWithoutCuttingWords() {
        for mode in KeyMapTests.modes {
            var state = fixture(mode)
            state.size = Size(columns: 60, rows: 20)
            _ = update(&state, .key(.character("?")))
            var seen = Set<String>()
            for _ in 0..<40 {
                for row in render(state).rows { seen.insert(row) }
                _ = update(&state, .key(.down))
            }
            XCTAssertNotNil(state.overlay, "↓ scrolls, it does not close help")
            let screen = seen.joined(separator: "\n")
            for binding in KeyMap.sections(for: mode).flatMap(\.bindings) {
                for word in binding.action.split(separator: " ") where word.count > 2 {
                    XCTAssertTrue(screen.contains(word), "\(mode): '\(word)' of '\(binding.action)' never shows")
                }
            }
            _ = update(&state, .key(.character("x")))
            XCTAssertNil(state.overlay, "any other key closes help")
        }
    }

    /// A notice too long for the bar is readable whole with `!`.
    func testLongNoticesCanBeReadWhole() {
        var state = fixture(.languageModel)
        state.size = Size(columns: 60, rows: 20)
        XCTAssertEqual(update(&state, .key(.character("!"))), [])
        XCTAssertEqual(state.notice, "no notices yet")
        let long = "kept the previous run as tale.1.safetensors (its settings differ from the flags given, which this run uses: --hidden 64 (checkpoint: 128))"
        _ = update(&state, .notice(long))
        _ = update(&state, .key(.character("v")))
        XCTAssertNil(state.notice, "the next key clears the status bar")
        _ = update(&state, .key(.character("!")))
        let text = render(state).rows.joined(separator: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(text.contains("--hidden 64 (checkpoint: 128))"), text)
    }

    func testTheFirstNeighbourQueryIsAWord() {
        let words = Vocabulary(level: .word, tokens: ["<unk>", "\n", ",", ".", "the", "of"])
        XCTAssertEqual(defaultQuery(in: words), 4)
        XCTAssertEqual(defaultQuery(in: testVocabulary), 3, "e for characters")
    }
}
