// Annotation tracks, the unit finder, span matching and saliency, each held against an
// independent computation: literal track values, a naive Pearson r over a one-pass probe,
// hand-made on-unit masks, and central differences of the Double reference model.
import XCTest
@testable import RecurEngine

final class InterpretabilityTests: XCTestCase {
    func track(_ name: String, _ tokens: [String], level: TokenLevel = .char) -> [Float] {
        AnnotationTrack.all(tokens: tokens, level: level).first { $0.name == name }!.values
    }

    func testCharacterTracksDescribeTheTextUpToEachToken() {
        let tokens = Array("a \"b\" (c[d])\nxy").map(String.init)
        XCTAssertEqual(track("quote", tokens), [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(track("bracket", tokens), [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 1, 0, 0, 0, 0])
        XCTAssertEqual(track("line_position", tokens), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 1, 2])
        XCTAssertEqual(track("in_word", tokens), [1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1])
        XCTAssertEqual(AnnotationTrack.all(tokens: tokens, level: .char).map(\.name), ["quote", "bracket", "line_position", "in_word"])
    }

    /// A validation text that starts inside a quotation (the split fell there) is annotated
    /// from where the training text left off: the quote track flips, and so does every r.
    func testTracksContinueFromThePrecedingText() {
        let vocabulary = Vocabulary(level: .char, tokens: ["\n", " ", "\"", "(", "a", "b"])
        let start = AnnotationTrack.Start(after: [4, 2, 3, 5, 0, 4, 2, 5], vocabulary: vocabulary)  // a"(b\na"b
        XCTAssertEqual(start.insideQuote, false)
        XCTAssertEqual(start.bracketDepth, 1)
        XCTAssertEqual(start.linePosition, 3)
        let inside = AnnotationTrack.Start(after: [4, 2], vocabulary: vocabulary)
        XCTAssertTrue(inside.insideQuote)
        XCTAssertEqual(AnnotationTrack.all(tokens: ["b", "\"", "a"], level: .char, from: inside)[0].values, [1, 0, 0])
        XCTAssertEqual(AnnotationTrack.all(tokens: ["b", "\n", "a"], level: .char, from: start)[2].values, [4, 0, 1])

        var random = RandomGenerator(seed: 5)
        let ids = (0..<400).map { _ in Int32(random.next() % 6) }
        let model = model(.gru, vocabulary: 6)
        let plain = CellFinder.correlate(model: model, ids: ids, vocabulary: vocabulary)!
        let continued = CellFinder.correlate(model: model, ids: ids, preceding: [2], vocabulary: vocabulary)!
        XCTAssertEqual(continued.start, AnnotationTrack.Start(after: [2], vocabulary: vocabulary))
        let quote = { (report: CellReport) in report.cells.filter { $0.track == "quote" }.sorted { ($0.layer, $0.unit, "\($0.signal)") < ($1.layer, $1.unit, "\($1.signal)") } }
        XCTAssertFalse(quote(plain).isEmpty)
        for (a, b) in zip(quote(plain), quote(continued)) { XCTAssertEqual(a.r, -b.r, accuracy: 1e-9) }
    }

    func testWordTracks() {
        let tokens = WordTokenizer.tokenize("He said \u{201C}no\u{201D}.\nThen went", lowercase: false)
        XCTAssertEqual(tokens, ["He", "said", "\u{201C}", "no", "\u{201D}", ".", "\n", "Then", "went"])
        XCTAssertEqual(track("quote", tokens, level: .word), [0, 0, 1, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(track("line_position", tokens, level: .word), [1, 2, 3, 4, 5, 6, 0, 1, 2])
        XCTAssertEqual(track("punctuation", tokens, level: .word), [0, 0, 1, 0, 1, 1, 0, 0, 0])
        XCTAssertEqual(track("capitalised", tokens, level: .word), [1, 0, 0, 0, 0, 0, 0, 1, 0])
    }

    func testAdjacentRunsRenderWithTheirSeparators() {
        let words = Vocabulary(level: .word, tokens: ["First", "the", "thunder", ",", "\n"])
        let ids: [Int32] = [4, 0, 1, 2, 3]
        let parts = words.render(adjacent: [ids[0..<2], ids[2..<3], ids[3..<5]])
        XCTAssertEqual(parts.map(\.separator), ["", " ", " "])
        XCTAssertEqual(parts.map(\.text), ["\nFirst", "the", "thunder,"])
        XCTAssertEqual(parts.map { $0.separator + $0.text }.joined(), words.render(ids))
        let characters = Vocabulary(level: .char, tokens: ["a", " "])
        XCTAssertEqual(characters.render(adjacent: [[0, 1][0..<1], [0, 1][1..<2]]).map(\.separator), ["", ""])
    }

    /// A 2-layer model over a text longer than one chunk, so the carried state matters.
    func model(_ cell: CellKind, layers: Int = 2, vocabulary: Int = 6) -> LanguageModel {
        var random = RandomGenerator(seed: 3)
        let model = LanguageModel(config: ModelConfig(cell: cell, activation: .tanh, vocabularySize: vocabulary, embed: 4,
                                                      hidden: 8, layers: layers), random: &random)
        for index in 0..<model.parameterCount { model.parameters[index] *= 3 }
        return model
    }

    func testCorrelationsMatchANaivePearsonOverOneProbe() {
        let vocabulary = Vocabulary(level: .char, tokens: ["\n", " ", "\"", "(", ")", "a"])
        var random = RandomGenerator(seed: 9)
        let ids = (0..<700).map { _ in Int32(random.next() % 6) }
        for cell in CellKind.allCases {
            let model = model(cell)
            let report = CellFinder.correlate(model: model, ids: ids, vocabulary: vocabulary)!
            // The naive side: one forward over all 700 steps, then r from its definition.
            let probe = HiddenStateProbe(model: model, ids: ids, vocabulary: vocabulary)
            let tracks = AnnotationTrack.all(tokens: probe.tokens, level: .char)
            var checked = 0, worst = 0.0
            for layer in 0..<2 {
                for signal in probe.signals {
                    let matrix = probe.matrix(layer: layer, signal: signal)!
                    for unit in 0..<8 {
                        let x = (0..<ids.count).map { Double(matrix[$0 * 8 + unit]) }
                        for track in tracks {
                            let y = track.values.map(Double.init)
                            let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
                            let covariance = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
                            let vx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }, vy = y.reduce(0) { $0 + ($1 - my) * ($1 - my) }
                            let found = report.cells.first { $0.layer == layer + 1 && $0.signal == signal && $0.unit == unit && $0.track == track.name }
                            guard vx > 1e-9 * Double(x.count), vy > 0 else { XCTAssertNil(found); continue }
                            let r = covariance / (vx * vy).squareRoot()
                            worst = max(worst, abs(r - found!.r))
                            checked += 1
                        }
                    }
                }
            }
            XCTAssertLessThan(worst, 1e-6, "\(cell): largest |r| difference from the naive computation")
            XCTAssertEqual(checked, report.cells.count, "\(cell): every defined r is reported once")
            XCTAssertGreaterThan(checked, 2 * 8 * 3)
            let magnitudes = report.cells.map { abs($0.r) }
            XCTAssertEqual(magnitudes, magnitudes.sorted(by: >), "sorted by |r|")
        }
    }

    func testSpanMatchingScoresOnUnitsAsLSTMVisDoes() {
        // 4 units, 8 steps. Pattern span 1..<3: units on at both steps = {0, 1}.
        let steps: [UInt64] = [0b0000, 0b0011, 0b1011, 0b0000, 0b0011, 0b0111, 0b0001, 0b0011]
        let masks = OnUnitMasks(steps: 8, units: 4, bits: steps)
        XCTAssertEqual(masks.pattern(over: 1..<3), [0b0011])
        let matches = masks.matches(of: 1..<3, count: 5)
        // Span 4..<6 has {0, 1}: exact, 1. Span 6..<8 has {0}: (1 − 0)/2. Spans 3..<5 and
        // 5..<7 overlap 4..<6; 0..<2 and 2..<4 overlap the selection.
        XCTAssertEqual(matches.map(\.start), [4, 6])
        XCTAssertEqual(matches.map(\.score), [1, 0.5])
        XCTAssertEqual(matches.map(\.shared), [2, 1])
        // Extra on-units are penalised: {0, 1, 2} at 4..<6 would score (2 − 1)/2.
        let extra = OnUnitMasks(steps: 8, units: 4, bits: [0, 0b0011, 0b0011, 0, 0b0111, 0b0111, 0, 0])
        XCTAssertEqual(extra.matches(of: 1..<3, count: 1).first?.score, 0.5)
        XCTAssertTrue(OnUnitMasks(steps: 2, units: 4, bits: [0b1, 0b10]).matches(of: 0..<2, count: 3).isEmpty, "no pattern")
    }

    func testOnUnitMasksFollowTheProbe() {
        let vocabulary = Vocabulary(level: .char, tokens: ["a", "b", "c", "d", "e", "f"])
        let ids = (0..<300).map { Int32($0 * 7 % 6) }
        let model = model(.lstm)
        let settings = SpanMatchSettings(layer: 1, signal: .cell, threshold: 0.1)
        let masks = OnUnitMasks(model: model, ids: ids, settings: settings)!
        let matrix = HiddenStateProbe(model: model, ids: ids, vocabulary: vocabulary).matrix(layer: 1, signal: .cell)!
        for t in [0, 100, 255, 256, 299] {
            let expected = (0..<8).filter { matrix[t * 8 + $0] > 0.1 }
            let pattern = masks.pattern(over: t..<t + 1)
            XCTAssertEqual((0..<8).filter { pattern[0] & (1 << UInt64($0)) != 0 }, expected, "step \(t)")
        }
        XCTAssertNil(OnUnitMasks(model: self.model(.gru), ids: ids, settings: SpanMatchSettings(layer: 0, signal: .cell)), "a GRU has no c")
        XCTAssertNil(OnUnitMasks(model: model, ids: ids, settings: SpanMatchSettings(layer: 2)), "no third layer")
        XCTAssertEqual(ids.firstOccurrence(of: [2, 3]), 2)
        XCTAssertEqual(ids[10...].firstOccurrence(of: [2, 3]), 4, "offset from the slice's start (ids[14] = 2)")
        XCTAssertNil(ids.firstOccurrence(of: [0, 0]))
    }

    /// ‖∂ log p(target) / ∂ e_t‖ against central differences of the Double reference: with
    /// distinct input tokens, e_t is row ids[t] of encoder.weight, and the last step's loss
    /// is T·mean(T steps) − (T−1)·mean(T−1 steps), since earlier steps do not see later ones.
    func testSaliencyMatchesCentralDifferences() {
        KernelPaths.forEach { path in
            for cell in CellKind.allCases {
                let model = model(cell, vocabulary: 7)
                let vocabulary = Vocabulary(level: .char, tokens: ["a", "b", "c", "d", "e", "f", "g"])
                let ids: [Int32] = [3, 0, 5, 1, 2]
                let saliency = Saliency(model: model, ids: ids, vocabulary: vocabulary, target: 6)
                XCTAssertEqual(saliency.tokens, ["d", "a", "f", "b", "c"])
                var reference = ReferenceModel(model: model)
                let T = ids.count, E = model.config.embed
                let inputs = ids.map { [Int($0)] }, targets = (0..<T).map { _ in [6] }
                var worst = 0.0
                for t in 0..<T {
                    var squares = 0.0
                    for j in 0..<E {
                        let index = Int(ids[t]) * E + j
                        let full = reference.numericGradient("encoder.weight", index, inputs: inputs, targets: targets)
                        let prefix = t < T - 1
                            ? reference.numericGradient("encoder.weight", index, inputs: Array(inputs.prefix(T - 1)), targets: Array(targets.prefix(T - 1)))
                            : 0
                        let gradient = Double(T) * full - Double(T - 1) * prefix
                        squares += gradient * gradient
                    }
                    let numeric = squares.squareRoot()
                    worst = max(worst, abs(saliency.scores[t] - numeric) / (1e-4 + numeric))
                }
                XCTAssertLessThan(worst, 2e-3, "\(path) \(cell): largest relative saliency error")
                let lastLoss = Double(T) * reference.loss(inputs: inputs, targets: targets).loss
                    - Double(T - 1) * reference.loss(inputs: Array(inputs.prefix(T - 1)), targets: Array(targets.prefix(T - 1))).loss
                XCTAssertEqual(saliency.probability, exp(-lastLoss), accuracy: 1e-5, "\(path) \(cell): p(target)")
            }
        }
    }

    func testSaliencyExplainsTheMostProbableTokenByDefault() {
        let model = model(.gru, vocabulary: 7)
        let vocabulary = Vocabulary(level: .char, tokens: ["a", "b", "c", "d", "e", "f", "g"])
        let saliency = Saliency(model: model, ids: [1, 2, 3], vocabulary: vocabulary)
        let probabilities = (0..<7).map { Saliency(model: model, ids: [1, 2, 3], vocabulary: vocabulary, target: Int32($0)).probability }
        XCTAssertEqual(Int(saliency.nextToken), probabilities.indices.max { probabilities[$0] < probabilities[$1] })
        XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-5)
        XCTAssertEqual(saliency.scores.count, 3)
    }
}
