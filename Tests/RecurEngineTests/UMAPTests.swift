// UMAP and trustworthiness: the curve fit against umap-learn's published constants,
// clusters kept apart, one seed one map, NN-descent against the exact search, and
// trustworthiness against a direct O(N²) Double implementation of scikit-learn's formula.
import Foundation
import XCTest
@testable import RecurEngine

final class UMAPTests: XCTestCase {
    /// `clusters` Gaussian blobs of `size` points in `dimension` dimensions, 10 apart.
    static func blobs(clusters: Int, size: Int, dimension: Int, spread: Float = 0.3, seed: UInt64 = 5) -> [Float] {
        var random = RandomGenerator(seed: seed)
        var points: [Float] = []
        for cluster in 0..<clusters {
            for _ in 0..<size {
                points += (0..<dimension).map { axis in (axis == cluster % dimension ? Float(10) : 0) * Float(1 + cluster / dimension) + random.nextNormal() * spread }
            }
        }
        return points
    }

    /// A noisy helix (one dimension of structure) turned into 10 dimensions.
    static func helix(count: Int, seed: UInt64 = 3) -> [Float] {
        var random = RandomGenerator(seed: seed)
        var points: [Float] = []
        for i in 0..<count {
            let t = Float(i) / Float(count) * 12
            let base = [cos(t), sin(t), t / 4, cos(t) * sin(t / 3), t / 6]
            points += (0..<10).map { axis in base[axis % 5] * (axis < 5 ? 1 : 0.5) + random.nextNormal() * 0.02 }
        }
        return points
    }

    func testTheCurveFitMatchesUmapLearn() {
        // umap-learn's find_ab_params(1.0, 0.1) gives a ≈ 1.577, b ≈ 0.895.
        let (a, b) = UMAP.fitCurve(minDistance: 0.1)
        XCTAssertEqual(a, 1.577, accuracy: 0.002)
        XCTAssertEqual(b, 0.895, accuracy: 0.002)
        // For any min_dist the fit is a least-squares minimum: every nudge of a or b
        // fits the target curve worse.
        for minDistance in [0.0, 0.25, 0.5] {
            let (a, b) = UMAP.fitCurve(minDistance: minDistance)
            func misfit(_ a: Double, _ b: Double) -> Double {
                (0..<300).reduce(0.0) { sum, i in
                    let x = Double(i) * 3 / 299
                    let target = x < minDistance ? 1 : exp(-(x - minDistance))
                    let f = 1 / (1 + a * pow(x, 2 * b))
                    return sum + (f - target) * (f - target)
                }
            }
            let best = misfit(a, b)
            XCTAssertLessThan(best, misfit(1, 1) / 2, "min_dist \(minDistance): the fit moved from its start")
            for (da, db) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
                XCTAssertGreaterThan(misfit(a + da, b + db), best, "min_dist \(minDistance): a \(a), b \(b)")
            }
        }
    }

    /// The layout's polynomial x^y against Foundation's pow over the range of squared
    /// distances it meets and the exponents b and b − 1 take.
    func testTheLayoutsPowerMatchesPow() {
        var worst: Float = 0
        for exponent in stride(from: -30, through: 30, by: 1) {
            for mantissa: Float in [1, 1.1, 1.37, 1.5, 1.74, 1.99] {
                let x = mantissa * Float(pow(2.0, Double(exponent)))
                for y: Float in [0.5, 0.79, 0.895, 1.33, -0.105, -0.5] {
                    let exact = Float(pow(Double(x), Double(y)))
                    worst = max(worst, abs(UMAP.power(x, y) - exact) / exact)
                }
            }
        }
        XCTAssertLessThan(worst, 2e-5)
    }

    func testUMAPSeparatesClusters() throws {
        let points = Self.blobs(clusters: 3, size: 20, dimension: 5)
        let map = try UMAP(points: points, count: 60, dimension: 5, settings: .init(neighbours: 10)).run()
        XCTAssertTrue(map.allSatisfy(\.isFinite))
        for i in 0..<60 {
            let nearest = (0..<60).filter { $0 != i }.min { Self.mapDistance(map, i, $0) < Self.mapDistance(map, i, $1) }!
            XCTAssertEqual(nearest / 20, i / 20, "point \(i)'s nearest neighbour \(nearest) is in another cluster")
        }
        // Every cluster's widest spread is smaller than the gap to the nearest other cluster.
        for cluster in 0..<3 {
            let inside = (cluster * 20)..<(cluster * 20 + 20)
            let width = inside.flatMap { i in inside.map { Self.mapDistance(map, i, $0) } }.max()!
            let gap = inside.flatMap { i in (0..<60).filter { !inside.contains($0) }.map { Self.mapDistance(map, i, $0) } }.min()!
            XCTAssertLessThan(width, gap * 4, "cluster \(cluster)")
            XCTAssertGreaterThan(gap, 0.5, "cluster \(cluster) touches another")
        }
    }

    func testOneSeedOneMap() throws {
        let points = Self.blobs(clusters: 3, size: 20, dimension: 5)
        let first = try UMAP(points: points, count: 60, dimension: 5, settings: .init(neighbours: 10, seed: 7)).run()
        let again = try UMAP(points: points, count: 60, dimension: 5, settings: .init(neighbours: 10, seed: 7)).run()
        let other = try UMAP(points: points, count: 60, dimension: 5, settings: .init(neighbours: 10, seed: 8)).run()
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
    }

    func testADisconnectedGraphIsLaidOutByComponent() throws {
        // Two blobs far apart with 5 neighbours each: no edge joins them.
        let points = Self.blobs(clusters: 2, size: 12, dimension: 3, spread: 0.1)
        let umap = try UMAP(points: points, count: 24, dimension: 3, settings: .init(neighbours: 5))
        let start = umap.coordinates
        XCTAssertTrue(start.allSatisfy(\.isFinite))
        let meanX = { (range: Range<Int>) in range.map { start[2 * $0] }.reduce(0, +) / Float(range.count) }
        XCTAssertGreaterThan(abs(meanX(0..<12) - meanX(12..<24)), 3, "the components start on opposite sides")
        let map = umap.run()
        XCTAssertTrue(map.allSatisfy(\.isFinite))
    }

    func testBadSettingsAreRefused() {
        let points = Self.blobs(clusters: 2, size: 5, dimension: 3)
        XCTAssertThrowsError(try UMAP(points: points, count: 10, dimension: 3, settings: .init(neighbours: 10)))
        XCTAssertThrowsError(try UMAP(points: points, count: 10, dimension: 3, settings: .init(neighbours: 1)))
        XCTAssertThrowsError(try UMAP(points: points, count: 10, dimension: 3, settings: .init(neighbours: 4, minDistance: -1)))
        XCTAssertThrowsError(try UMAP(points: points, count: 10, dimension: 3, settings: .init(neighbours: 4, minDistance: .nan)))
        XCTAssertThrowsError(try UMAP(points: Array(points.prefix(6)), count: 2, dimension: 3))
    }

    func testNNDescentFindsNearlyEveryExactNeighbour() {
        let count = 1500, dimension = 12
        var random = RandomGenerator(seed: 11)
        let points = (0..<(count * dimension)).map { _ in random.nextNormal() }
        let exact = NeighbourGraph.exact(points: points, count: count, dimension: dimension, k: 15)
        let descent = NeighbourGraph.descent(points: points, count: count, dimension: dimension, k: 15, seed: 1)
        var found = 0
        for i in 0..<count {
            let truth = Set(exact.indices[(i * 15)..<(i * 15 + 15)])
            found += descent.indices[(i * 15)..<(i * 15 + 15)].filter { truth.contains($0) }.count
        }
        let recall = Double(found) / Double(count * 15)
        XCTAssertGreaterThan(recall, 0.95, "recall \(recall)")
        XCTAssertEqual(exact.indices[0], 0, "a point is its own nearest neighbour")
        XCTAssertEqual(descent.indices[15], 1)
        let again = NeighbourGraph.descent(points: points, count: count, dimension: dimension, k: 15, seed: 1)
        XCTAssertEqual(descent.indices, again.indices, "NN-descent is deterministic for a seed")
    }

    func testUMAPOfAHelixIsTrustworthy() throws {
        let points = Self.helix(count: 400)
        let map = try UMAP(points: points, count: 400, dimension: 10).run()
        let score = try Trustworthiness.score(original: points, dimension: 10, map: map, count: 400, k: 10)
        XCTAssertGreaterThan(score, 0.95)
    }

    // MARK: - Trustworthiness

    /// scikit-learn's formula written out directly in Double: full argsort per point.
    static func referenceTrustworthiness(_ x: [Float], _ dimension: Int, _ y: [Float], _ count: Int, _ k: Int) -> Double {
        func distance(_ data: [Float], _ width: Int, _ i: Int, _ j: Int) -> Double {
            (0..<width).reduce(0.0) { let d = Double(data[i * width + $1]) - Double(data[j * width + $1]); return $0 + d * d }
        }
        var total = 0.0
        for i in 0..<count {
            let original = (0..<count).filter { $0 != i }.sorted {
                let a = distance(x, dimension, i, $0), b = distance(x, dimension, i, $1)
                return a != b ? a < b : $0 < $1
            }
            var rank = [Int](repeating: 0, count: count)
            for (position, j) in original.enumerated() { rank[j] = position + 1 }
            let embedded = (0..<count).filter { $0 != i }.sorted {
                let a = distance(y, 2, i, $0), b = distance(y, 2, i, $1)
                return a != b ? a < b : $0 < $1
            }.prefix(k)
            for j in embedded { total += Double(max(0, rank[j] - k)) }
        }
        let n = Double(count), kk = Double(k)
        return 1 - total * 2 / (n * kk * (2 * n - 3 * kk - 1))
    }

    func testTrustworthinessMatchesTheDirectFormula() throws {
        var random = RandomGenerator(seed: 2)
        let count = 60, dimension = 6
        let points = (0..<(count * dimension)).map { _ in random.nextNormal() }
        let map = PCA.project(points, count: count, dimension: dimension)
        for k in [1, 5, 12] {
            let score = try Trustworthiness.score(original: points, dimension: dimension, map: map, count: count, k: k)
            let reference = Self.referenceTrustworthiness(points, dimension, map, count, k)
            XCTAssertEqual(score, reference, accuracy: 1e-6, "k = \(k)")
            XCTAssertLessThan(score, 0.99, "a 2-D view of 6-D noise loses neighbours")
        }
    }

    func testTrustworthinessIsOneForAnIsometryAndLowerShuffled() throws {
        var random = RandomGenerator(seed: 4)
        let count = 80
        let plane = (0..<(count * 2)).map { _ in random.nextNormal() }
        // The plane rotated by 30° and moved, then set in 3-D: distances are unchanged.
        let c = Float(cos(Double.pi / 6)), s = Float(sin(Double.pi / 6))
        var lifted: [Float] = []
        for i in 0..<count {
            let x = plane[2 * i], y = plane[2 * i + 1]
            lifted += [c * x - s * y + 3, s * x + c * y - 1, 2]
        }
        XCTAssertEqual(try Trustworthiness.score(original: lifted, dimension: 3, map: plane, count: count, k: 5), 1, accuracy: 1e-12)
        var order = Array(0..<count)
        order.shuffle(using: &random)
        let shuffled = order.flatMap { [plane[2 * $0], plane[2 * $0 + 1]] }
        let score = try Trustworthiness.score(original: lifted, dimension: 3, map: shuffled, count: count, k: 5)
        XCTAssertLessThan(score, 0.7)
        XCTAssertEqual(score, Self.referenceTrustworthiness(lifted, 3, shuffled, count, 5), accuracy: 1e-6)
        XCTAssertThrowsError(try Trustworthiness.score(original: lifted, dimension: 3, map: plane, count: count, k: 40))
    }

    static func mapDistance(_ map: [Float], _ i: Int, _ j: Int) -> Float {
        let dx = map[2 * i] - map[2 * j], dy = map[2 * i + 1] - map[2 * j + 1]
        return (dx * dx + dy * dy).squareRoot()
    }
}
