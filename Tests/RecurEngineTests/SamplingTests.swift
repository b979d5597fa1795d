// Temperature, top-k and top-p against distributions worked out by hand; determinism.
import XCTest
@testable import RecurEngine

final class SamplingTests: XCTestCase {
    func draw(_ probabilities: [Float], _ settings: SamplingSettings, count: Int, seed: UInt64 = 5) -> [Int: Int] {
        var random = RandomGenerator(seed: seed)
        var scratch: [(probability: Float, id: Int32)] = []
        var weights: [Double] = []
        var histogram: [Int: Int] = [:]
        probabilities.withUnsafeBufferPointer { p in
            for _ in 0..<count {
                histogram[Int(Sampler.choose(from: p, settings: settings, random: &random, scratch: &scratch, weights: &weights)), default: 0] += 1
            }
        }
        return histogram
    }

    /// Top-k by partial selection draws exactly what the full sort drew: the same tokens
    /// in the same order, so the same seed gives the same text.
    func testTopKByPartialSelectionMatchesTheSortedCut() {
        var random = RandomGenerator(seed: 11)
        let probabilities = (0..<500).map { _ in Float(random.nextUnitDouble()) }
        let total = probabilities.reduce(0, +)
        let p = probabilities.map { $0 / total }
        for k in [1, 5, 40, 499] {
            var weights: [Double] = []
            _ = p.withUnsafeBufferPointer { SamplingSettings.reshape($0, temperature: 0.7, into: &weights) }
            let partial = SamplingSettings.largest(weights, count: k).map(\.index)
            let sorted = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }.prefix(k)
            XCTAssertEqual(partial, Array(sorted), "k = \(k)")
        }
        XCTAssertEqual(SamplingSettings.largest([1, 3, 3, 2], count: 3).map(\.index), [1, 2, 3], "ties keep the lower index first")
    }

    func testTemperatureZeroIsArgmax() {
        XCTAssertEqual(draw([0.1, 0.6, 0.3], SamplingSettings(temperature: 0), count: 50), [1: 50])
    }

    func testTemperatureReshapesTheDistribution() {
        // softmax(z/T) with T = 0.5 squares the probabilities: 0.2², 0.8² → 1/17, 16/17.
        let counts = draw([0.2, 0.8], SamplingSettings(temperature: 0.5), count: 20_000)
        XCTAssertEqual(Double(counts[0] ?? 0) / 20_000, 1.0 / 17, accuracy: 0.01)
        // T = 1 keeps it.
        let plain = draw([0.2, 0.8], SamplingSettings(temperature: 1), count: 20_000)
        XCTAssertEqual(Double(plain[0] ?? 0) / 20_000, 0.2, accuracy: 0.01)
    }

    func testTopKAndTopPCutTheTail() {
        let p: [Float] = [0.5, 0.3, 0.15, 0.05]
        XCTAssertEqual(Set(draw(p, SamplingSettings(temperature: 1, topK: 2), count: 2000).keys), [0, 1])
        // Nucleus 0.75: 0.5 + 0.3 reaches it, so tokens 0 and 1 remain.
        XCTAssertEqual(Set(draw(p, SamplingSettings(temperature: 1, topP: 0.75), count: 2000).keys), [0, 1])
        XCTAssertEqual(Set(draw(p, SamplingSettings(temperature: 1, topP: 0.4), count: 500).keys), [0])
    }

    func testSameSeedSameText() {
        var random = RandomGenerator(seed: 9)
        let model = LanguageModel(config: ModelConfig(cell: .gru, vocabularySize: 7, embed: 4, hidden: 8), random: &random)
        let sampler = Sampler(model: model)
        var first = RandomGenerator(seed: 11), second = RandomGenerator(seed: 11)
        var a: [Int32] = [], b: [Int32] = []
        sampler.stream(prime: [1, 2], length: 40, settings: SamplingSettings(temperature: 1), random: &first) { a.append($0) }
        sampler.stream(prime: [1, 2], length: 40, settings: SamplingSettings(temperature: 1), random: &second) { b.append($0) }
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 40)
    }

    func testNeighboursByCosine() {
        let matrix: [Float] = [1, 0,  0.9, 0.1,  0, 1,  -1, 0]
        let index = matrix.withUnsafeBufferPointer { EmbeddingIndex(matrix: $0.baseAddress!, rows: 4, width: 2) }
        let neighbours = index.nearest(to: 0, count: 3)
        XCTAssertEqual(neighbours.map(\.id), [1, 2, 3])
        XCTAssertEqual(neighbours[0].similarity, Float(0.9 / (0.81 + 0.01).squareRoot()), accuracy: 1e-6)
        XCTAssertEqual(neighbours[2].similarity, -1, accuracy: 1e-6)
    }
}
