// The k nearest neighbours of every point by euclidean distance, as UMAP's graph needs
// them: exact (blocks of squared distances by GEMM) for small sets, NN-descent (Dong,
// Moses & Li 2011, seeded by random-projection trees as pynndescent does) above.
import Dispatch
import Foundation

/// Every point's k nearest neighbours, itself first at distance 0 (as umap-learn's graph
/// holds them), nearest first.
struct NeighbourGraph: Sendable {
    let count: Int
    /// Neighbours per point, the point itself included.
    let k: Int
    /// (N, k) neighbour ids and euclidean distances.
    var indices: [Int32]
    var distances: [Float]

    /// Above this many points the neighbours come from NN-descent. umap-learn switches
    /// at 4,096; here the exact search is one GEMM per block of rows (N²·D multiply-adds,
    /// 10¹⁰ for 10,000 points of dimension 100), so it is kept longer, and its answer is
    /// exact. Not tuned by measurement.
    static let exactLimit = 20_000

    static func build(points: [Float], count: Int, dimension: Int, k: Int, seed: UInt64,
                      shouldStop: () -> Bool = { false }) -> NeighbourGraph {
        count <= exactLimit
            ? exact(points: points, count: count, dimension: dimension, k: k)
            : descent(points: points, count: count, dimension: dimension, k: k, seed: seed, shouldStop: shouldStop)
    }

    // MARK: - Exact

    /// Brute force: rows of squared distances, 256 points at a time, as |x|² + |y|² − 2x·y
    /// from one GEMM; the k smallest of each row kept (ties by lower id).
    static func exact(points: [Float], count: Int, dimension: Int, k: Int) -> NeighbourGraph {
        var indices = [Int32](repeating: 0, count: count * k)
        var distances = [Float](repeating: 0, count: count * k)
        let squaredNorms = SquaredDistances.norms(points, count: count, dimension: dimension)
        indices.withUnsafeMutableBufferPointer { indexBuffer in
            distances.withUnsafeMutableBufferPointer { distanceBuffer in
                let indexBase = indexBuffer.baseAddress!, distanceBase = distanceBuffer.baseAddress!
                SquaredDistances.forEachBlock(points, count: count, dimension: dimension, norms: squaredNorms) { row, squared in
                    var nearest = BoundedMaxHeap(capacity: k - 1)
                    for j in 0..<count where j != row { nearest.offer(squared[j], id: Int32(j)) }
                    let sorted = nearest.sorted()
                    indexBase[row * k] = Int32(row)
                    distanceBase[row * k] = 0
                    for (slot, entry) in sorted.enumerated() {
                        indexBase[row * k + 1 + slot] = entry.id
                        distanceBase[row * k + 1 + slot] = entry.distance.squareRoot()
                    }
                }
            }
        }
        return NeighbourGraph(count: count, k: k, indices: indices, distances: distances)
    }
}

/// Rows of squared euclidean distances computed by GEMM, a block of rows at a time,
/// handed to a per-row visitor on both cores. Shared by the exact neighbour search and
/// trustworthiness.
enum SquaredDistances {
    static let blockRows = 256

    static func norms(_ points: [Float], count: Int, dimension: Int) -> [Float] {
        (0..<count).map { row in
            var sum: Float = 0
            for j in 0..<dimension { sum += points[row * dimension + j] * points[row * dimension + j] }
            return sum
        }
    }

    /// Calls `visit(row, squared)` for every row, `squared` (N) its squared distances to
    /// every point (clamped at 0 against rounding). Rows of a block run concurrently.
    static func forEachBlock(_ points: [Float], count: Int, dimension: Int, norms: [Float],
                             visit: (Int, UnsafePointer<Float>) -> Void) {
        var block = [Float](repeating: 0, count: blockRows * count)
        points.withUnsafeBufferPointer { pointBuffer in
            block.withUnsafeMutableBufferPointer { blockBuffer in
                let base = pointBuffer.baseAddress!, blockBase = blockBuffer.baseAddress!
                for start in stride(from: 0, to: count, by: blockRows) {
                    let rows = min(blockRows, count - start)
                    // (rows, N) = X[start..] · Xᵀ
                    Gemm.multiply(transposeB: true, m: rows, n: count, k: dimension, a: base + start * dimension, lda: dimension,
                                  b: base, ldb: dimension, beta: 0, c: blockBase, ldc: count)
                    Parallel.forEach(rows) { local in
                        let row = start + local
                        let squared = blockBase + local * count
                        let own = norms[row]
                        for j in 0..<count { squared[j] = max(own + norms[j] - 2 * squared[j], 0) }
                        squared[row] = 0
                        visit(row, UnsafePointer(squared))
                    }
                }
            }
        }
    }
}

/// The `capacity` smallest distances offered, the largest on top so a farther offer is
/// refused in one comparison. Ties keep the lower id.
struct BoundedMaxHeap {
    let capacity: Int
    private(set) var distances: [Float] = []
    private(set) var ids: [Int32] = []

    init(capacity: Int) {
        self.capacity = capacity
        distances.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    var top: Float { distances.count < capacity ? .infinity : distances[0] }

    /// Whether the heap holds `id`: a linear scan, for the small k of a neighbour list.
    func contains(_ id: Int32) -> Bool { ids.contains(id) }

    private func farther(_ a: Int, _ b: Int) -> Bool {
        distances[a] != distances[b] ? distances[a] > distances[b] : ids[a] > ids[b]
    }

    /// Keeps (distance, id) if it is among the `capacity` smallest; says whether it was kept.
    @discardableResult
    mutating func offer(_ distance: Float, id: Int32) -> Bool {
        guard capacity > 0 else { return false }
        if distances.count < capacity {
            distances.append(distance)
            ids.append(id)
            var child = distances.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard farther(child, parent) else { break }
                distances.swapAt(child, parent)
                ids.swapAt(child, parent)
                child = parent
            }
            return true
        }
        guard distance < distances[0] || (distance == distances[0] && id < ids[0]) else { return false }
        distances[0] = distance
        ids[0] = id
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < capacity, farther(left, largest) { largest = left }
            if right < capacity, farther(right, largest) { largest = right }
            guard largest != parent else { break }
            distances.swapAt(parent, largest)
            ids.swapAt(parent, largest)
            parent = largest
        }
        return true
    }

    /// The entries nearest first (ties by id).
    func sorted() -> [(distance: Float, id: Int32)] {
        zip(distances, ids).map { (distance: $0, id: $1) }
            .sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
    }
}

extension SquaredDistances {
    /// |a − b|² over `dimension` values, eight lanes at a time.
    @inline(__always)
    static func between(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dimension: Int) -> Float {
        var lanes = SIMD8<Float>()
        var j = 0
        while j + 8 <= dimension {
            let difference = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
                - UnsafeRawPointer(b + j).loadUnaligned(as: SIMD8<Float>.self)
            lanes.addProduct(difference, difference)
            j += 8
        }
        var sum = lanes.sum()
        while j < dimension {
            let difference = a[j] - b[j]
            sum += difference * difference
            j += 1
        }
        return sum
    }
}
