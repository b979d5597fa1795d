// Kneser–Ney against a hand-worked example, and as a distribution.
import XCTest
@testable import RecurEngine

final class KneserNeyTests: XCTestCase {
    // Training tokens a b a b c a (a = 0, b = 1, c = 2), V = 3.
    //   bigrams: ab ×2, ba, bc, ca        unigram raw counts: a 3, b 2, c 1
    //   continuation counts (distinct left neighbours): a {b, c} = 2, b {a} = 1, c {b} = 1
    //   D2 = n1 / (n1 + 2 n2) over bigram counts (n1 = 3: ba, bc, ca; n2 = 1: ab) = 3/5 = 0.6
    //   D1 over continuation counts (n1 = 2: b, c; n2 = 1: a) = 2/4 = 0.5
    //   P1(w) = max(n(w) − 0.5, 0) / 4 + 0.5 · 3/4 · 1/3 → P1(a) = 0.5, P1(b) = 0.25, P1(c) = 0.25
    //   P2(b | a) = (2 − 0.6) / 2 + 0.6 · 1/2 · P1(b) = 0.7 + 0.075 = 0.775
    //   P2(a | a) = 0.3 · 0.5 = 0.15,  P2(c | a) = 0.3 · 0.25 = 0.075
    //   P2(a | c) = (1 − 0.6) / 1 + 0.6 · 1/1 · 0.5 = 0.7
    let model = KneserNey(tokens: [0, 1, 0, 1, 2, 0] as [Int32], maximumOrder: 2, vocabularySize: 3)

    func testCountsDiscountsAndContinuationCounts() {
        XCTAssertEqual(model.raw[1].discount, 0.6, accuracy: 1e-12)
        XCTAssertEqual(model.continuation[0].discount, 0.5, accuracy: 1e-12)
        var a = Gram(repeating: -1)
        a[0] = 0
        XCTAssertEqual(model.continuation[0].counts[a], 2, "a follows b and c")
        XCTAssertEqual(model.raw[0].counts[a], 3)
    }

    func testHandWorkedProbabilities() {
        XCTAssertEqual(model.probability(of: 1, after: [0], order: 2), 0.775, accuracy: 1e-12)
        XCTAssertEqual(model.probability(of: 0, after: [0], order: 2), 0.15, accuracy: 1e-12)
        XCTAssertEqual(model.probability(of: 2, after: [0], order: 2), 0.075, accuracy: 1e-12)
        XCTAssertEqual(model.probability(of: 0, after: [2], order: 2), 0.7, accuracy: 1e-12)
        // Order 1 uses raw unigram counts (D1 raw = n1/(n1+2n2) = 1/(1+2) over a 3, b 2, c 1).
        let d = 1.0 / 3
        XCTAssertEqual(model.probability(of: 2, after: [], order: 1), (1 - d) / 6 + d * 3 / 6 / 3, accuracy: 1e-12)
    }

    /// Every context gives a distribution that sums to 1, at every order.
    func testProbabilitiesSumToOne() {
        var random = RandomGenerator(seed: 3)
        let tokens = (0..<3000).map { _ in Int32(random.next() % 7) }
        let model = KneserNey(tokens: tokens, maximumOrder: 5, vocabularySize: 9)
        for order in 1...5 {
            for start in [0, 100, 2000] {
                let context = tokens[start..<(start + order - 1)]
                let total = (0..<9).reduce(0.0) { $0 + model.probability(of: Int32($1), after: context, order: order) }
                XCTAssertEqual(total, 1, accuracy: 1e-9, "order \(order)")
            }
        }
    }

    /// On text with structure, higher orders are lower floors.
    func testHigherOrdersFitStructuredText() throws {
        let text = String(repeating: "the cat sat on the mat. ", count: 200)
        let corpus = Corpus(text: text, level: .char)
        let losses = try XCTUnwrap(NGramBaselines.losses(training: corpus.trainingIDs, validation: corpus.validationIDs,
                                                         vocabularySize: corpus.vocabulary.count, batch: 4))
        XCTAssertLessThan(losses[3]!, losses[1]!)
        XCTAssertLessThan(losses[5]!, 0.3, "5 characters of context nearly determine this text")
    }
}
