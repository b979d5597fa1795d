// UMAP's high-dimensional side (McInnes, Healy & Melville 2018, §3.1; umap-learn's
// smooth_knn_dist, compute_membership_strengths and fuzzy_simplicial_set): each point's
// neighbour distances become membership strengths of a fuzzy set, and the sets of all
// points are joined by the fuzzy union.
import Foundation

/// A symmetric weighted graph in compressed rows: row i's neighbours are
/// `columns[rowStart[i]..<rowStart[i + 1]]`, in increasing order, with their weights.
struct FuzzyGraph: Sendable {
    let count: Int
    var rowStart: [Int]
    var columns: [Int32]
    var weights: [Float]

    /// The distance below which a membership is 1: the nearest neighbour's (local
    /// connectivity 1), and the bandwidth σ that makes the memberships of the k
    /// neighbours sum to log₂k, by bisection (64 steps, tolerance 1e-5). A σ is kept
    /// above 1e-3 of the mean neighbour distance, so a point among duplicates still has
    /// a finite bandwidth.
    static func smoothDistances(_ neighbours: NeighbourGraph) -> (rho: [Float], sigma: [Float]) {
        let k = neighbours.k, count = neighbours.count
        let target = log2(Double(k))
        let meanDistance = neighbours.distances.reduce(0.0) { $0 + Double($1) } / Double(max(neighbours.distances.count, 1))
        var rho = [Float](repeating: 0, count: count), sigma = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let row = neighbours.distances[(i * k)..<(i * k + k)].map(Double.init)
            let nearest = row.first { $0 > 0 } ?? 0
            var low = 0.0, high = Double.infinity, middle = 1.0
            for _ in 0..<64 {
                var sum = 0.0
                for j in 1..<k {
                    let excess = row[j] - nearest
                    sum += excess > 0 ? exp(-excess / middle) : 1
                }
                if abs(sum - target) < 1e-5 { break }
                if sum > target {
                    high = middle
                    middle = (low + high) / 2
                } else {
                    low = middle
                    middle = high.isInfinite ? middle * 2 : (low + high) / 2
                }
            }
            let floor = 1e-3 * (nearest > 0 ? row.reduce(0, +) / Double(k) : meanDistance)
            rho[i] = Float(nearest)
            sigma[i] = Float(max(middle, floor))
        }
        return (rho, sigma)
    }

    /// The fuzzy union of every point's fuzzy set: w = a + b − a·b, where a is j's
    /// membership in i's set, exp(−(d − ρᵢ)/σᵢ), and b is i's in j's.
    init(neighbours: NeighbourGraph) {
        let k = neighbours.k, count = neighbours.count
        let (rho, sigma) = FuzzyGraph.smoothDistances(neighbours)
        // Directed memberships: j in i's fuzzy set.
        var outgoing = [[(to: Int32, weight: Float)]](repeating: [], count: count)
        for i in 0..<count {
            for slot in 0..<k {
                let j = neighbours.indices[i * k + slot]
                guard Int(j) != i else { continue }
                let excess = neighbours.distances[i * k + slot] - rho[i]
                let weight: Float = excess <= 0 || sigma[i] == 0 ? 1 : exp(-excess / sigma[i])
                if weight > 0, !outgoing[i].contains(where: { $0.to == j }) { outgoing[i].append((j, weight)) }
            }
        }
        func membership(_ from: Int, _ to: Int32) -> Float {
            outgoing[from].first { $0.to == to }?.weight ?? 0
        }
        var rows = [[(to: Int32, weight: Float)]](repeating: [], count: count)
        for i in 0..<count {
            for (j, a) in outgoing[i] {
                let b = membership(Int(j), Int32(i))
                let union = a + b - a * b
                rows[i].append((j, union))
                // An edge only j's side lacks is added from here, once.
                if b == 0 { rows[Int(j)].append((Int32(i), union)) }
            }
        }
        self.count = count
        rowStart = [0]
        columns = []
        weights = []
        for i in 0..<count {
            for entry in rows[i].sorted(by: { $0.to < $1.to }) {
                columns.append(entry.to)
                weights.append(entry.weight)
            }
            rowStart.append(columns.count)
        }
    }

    var edgeCount: Int { columns.count }

    /// Removes the edges lighter than `threshold`: umap-learn drops those below
    /// max weight / epochs, which would be sampled less than once.
    mutating func prune(below threshold: Float) {
        var keptStart = [0], keptColumns: [Int32] = [], keptWeights: [Float] = []
        for i in 0..<count {
            for edge in rowStart[i]..<rowStart[i + 1] where weights[edge] >= threshold {
                keptColumns.append(columns[edge])
                keptWeights.append(weights[edge])
            }
            keptStart.append(keptColumns.count)
        }
        rowStart = keptStart
        columns = keptColumns
        weights = keptWeights
    }

    /// Connected components: a label per point (0, 1, … in order of first point).
    func components() -> (labels: [Int], count: Int) {
        var labels = [Int](repeating: -1, count: count)
        var next = 0
        for start in 0..<count where labels[start] < 0 {
            labels[start] = next
            var stack = [start]
            while let point = stack.popLast() {
                for edge in rowStart[point]..<rowStart[point + 1] where labels[Int(columns[edge])] < 0 {
                    labels[Int(columns[edge])] = next
                    stack.append(Int(columns[edge]))
                }
            }
            next += 1
        }
        return (labels, next)
    }
}
