// NN-descent for neighbour graphs too large for the exact search: random-projection
// trees give every point a first guess, then "a neighbour of a neighbour is likely a
// neighbour" refines it (pynndescent's algorithm, with umap-learn's settings: trees
// min(64, 5 + √N/20), iterations max(5, log₂N), 60 candidates, stop below 0.1% updates).
//
// Deterministic on any number of cores: in the local join each point computes the
// distances to its own candidates and updates only its own heap, so no two threads write
// the same memory and the order of work never changes the result.
import Dispatch
import Foundation

extension NeighbourGraph {
    static func descent(points: [Float], count: Int, dimension: Int, k: Int, seed: UInt64,
                        shouldStop: () -> Bool = { false }) -> NeighbourGraph {
        let width = k - 1  // neighbours besides the point itself
        let maxCandidates = 60
        var heaps = FlatHeaps(count: count, width: width)
        let trees = min(64, 5 + Int((Double(count).squareRoot() / 20).rounded()))
        let forest = Parallel.map(trees) { tree in
            RandomProjectionTree(points: points, count: count, dimension: dimension, leafSize: max(10, k),
                                 seed: seed &+ UInt64(tree) &* 0x9E37_79B9)
        }
        points.withUnsafeBufferPointer { pointBuffer in
            let base = pointBuffer.baseAddress!
            // First guess: every point's leaf-mates in every tree, then random points for
            // any heap the leaves left short.
            heaps.withPointers { heap in
                Parallel.forEach(count) { p in
                    for tree in forest {
                        for q in tree.leafMates(of: p) where Int(q) != p && !heap.contains(p, q) {
                            heap.offer(p, SquaredDistances.between(base + p * dimension, base + Int(q) * dimension, dimension), q)
                        }
                    }
                    var random = RandomGenerator(seed: seed ^ UInt64(p) &* 0xD6E8_FEB8_6659_FD93)
                    var attempts = 0
                    while heap.size(p) < width, attempts < 8 * width {
                        attempts += 1
                        let q = Int32(random.next() % UInt64(count))
                        if Int(q) != p, !heap.contains(p, q) {
                            heap.offer(p, SquaredDistances.between(base + p * dimension, base + Int(q) * dimension, dimension), q)
                        }
                    }
                }
            }
            let iterations = max(5, Int(log2(Double(count)).rounded()))
            for iteration in 0..<iterations where !shouldStop() {
                let (fresh, old) = heaps.sampleCandidates(limit: maxCandidates, seed: seed &+ UInt64(iteration))
                let freshOf = invert(fresh, count: count), oldOf = invert(old, count: count)
                let updates = heaps.withPointers { heap in
                    Parallel.sum(count, scratch: count) { p, stamps in
                        var updates = 0
                        let mark = Int32(p)
                        for q in heap.ids(p) { stamps[Int(q)] = mark }
                        stamps[p] = mark
                        func consider(_ q: Int32) {
                            guard stamps[Int(q)] != mark else { return }
                            stamps[Int(q)] = mark
                            let distance = SquaredDistances.between(base + p * dimension, base + Int(q) * dimension, dimension)
                            if heap.offer(p, distance, q) { updates += 1 }
                        }
                        // The pairs of every local join that p is part of: a new candidate
                        // meets new and old ones, an old one meets the new ones.
                        for u in freshOf[p] {
                            for q in fresh[Int(u)] { consider(q) }
                            for q in old[Int(u)] { consider(q) }
                        }
                        for u in oldOf[p] { for q in fresh[Int(u)] { consider(q) } }
                        return updates
                    }
                }
                if Double(updates) <= 0.001 * Double(width * count) { break }
            }
        }
        var indices = [Int32](repeating: 0, count: count * k)
        var distances = [Float](repeating: 0, count: count * k)
        for p in 0..<count {
            indices[p * k] = Int32(p)
            for (slot, entry) in heaps.sorted(p).enumerated() {
                indices[p * k + 1 + slot] = entry.id
                distances[p * k + 1 + slot] = entry.distance.squareRoot()
            }
        }
        return NeighbourGraph(count: count, k: k, indices: indices, distances: distances)
    }

    /// For every point, the points whose candidate lists hold it.
    private static func invert(_ lists: [[Int32]], count: Int) -> [[Int32]] {
        var inverse = [[Int32]](repeating: [], count: count)
        for (u, list) in lists.enumerated() { for q in list { inverse[Int(q)].append(Int32(u)) } }
        return inverse
    }
}

/// One random-projection tree: points split recursively by the hyperplane halfway
/// between two random points of the node, down to leaves of at most `leafSize`.
struct RandomProjectionTree: Sendable {
    /// The points in leaf order, and each leaf as a range of it.
    private var order: [Int32]
    private var leaves: [Range<Int>] = []
    private var leafOf: [Int32]

    init(points: [Float], count: Int, dimension: Int, leafSize: Int, seed: UInt64) {
        var random = RandomGenerator(seed: seed)
        order = (0..<Int32(count)).map { $0 }
        leafOf = [Int32](repeating: 0, count: count)
        var pending = [0..<count]
        var normal = [Float](repeating: 0, count: dimension)
        while let node = pending.popLast() {
            guard node.count > leafSize else {
                for position in node { leafOf[Int(order[position])] = Int32(leaves.count) }
                leaves.append(node)
                continue
            }
            let a = Int(order[node.lowerBound + Int(random.next() % UInt64(node.count))])
            var b = Int(order[node.lowerBound + Int(random.next() % UInt64(node.count - 1))])
            if b == a { b = Int(order[node.upperBound - 1]) }
            var offset: Float = 0
            for j in 0..<dimension {
                normal[j] = points[a * dimension + j] - points[b * dimension + j]
                offset += normal[j] * (points[a * dimension + j] + points[b * dimension + j]) / 2
            }
            // Partition in place: left side first; a point on the plane goes either way.
            var left = node.lowerBound
            for position in node {
                let point = Int(order[position])
                var side: Float = -offset
                for j in 0..<dimension { side += normal[j] * points[point * dimension + j] }
                let goesLeft = side == 0 ? random.next() & 1 == 0 : side > 0
                if goesLeft {
                    order.swapAt(left, position)
                    left += 1
                }
            }
            // Identical points cannot be split by a plane: halve the node instead.
            if left == node.lowerBound || left == node.upperBound { left = node.lowerBound + node.count / 2 }
            pending.append(node.lowerBound..<left)
            pending.append(left..<node.upperBound)
        }
    }

    func leafMates(of point: Int) -> ArraySlice<Int32> { order[leaves[Int(leafOf[point])]] }
}
