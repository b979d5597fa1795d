// How far a map can be trusted: trustworthiness at k (Venna & Kaski 2001), exactly as
// scikit-learn's sklearn.manifold.trustworthiness defines it (in _t_sne.py). A point's k
// nearest neighbours on the map are penalised by how far down its list of original
// neighbours they rank; 1 means every map neighbour is a true k-nearest neighbour.
import Foundation

public enum Trustworthiness {
    /// T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ map-kNN(i)} max(0, r(i, j) − k), where
    /// r(i, j) is j's rank (1 = nearest) among i's neighbours by euclidean distance in
    /// the original space. Ties in distance rank the lower index first (scikit-learn's
    /// argsort leaves them unspecified). `original` is (N, D), `map` (N, M); k must be
    /// below N / 2, as scikit-learn requires.
    public static func score(original: [Float], dimension: Int, map: [Float], mapDimension: Int = 2, count: Int, k: Int) throws -> Double {
        guard k >= 1, Double(k) < Double(count) / 2 else {
            throw RecurError.invalidArgument("trustworthiness at k = \(k) needs k below half the number of points (\(count))")
        }
        guard original.count == count * dimension, map.count == count * mapDimension else {
            throw RecurError.invalidArgument("trustworthiness needs (N, D) points and their (N, M) map")
        }
        // The map's k nearest neighbours of every point, itself excluded.
        var mapNeighbours = [Int32](repeating: 0, count: count * k)
        mapNeighbours.withUnsafeMutableBufferPointer { buffer in
            let output = UncheckedSendable(buffer.baseAddress!)
            map.withUnsafeBufferPointer { mapBuffer in
                let base = mapBuffer.baseAddress!
                Parallel.forEach(count) { i in
                    var nearest = BoundedMaxHeap(capacity: k)
                    for j in 0..<count where j != i {
                        nearest.offer(SquaredDistances.between(base + i * mapDimension, base + j * mapDimension, mapDimension), id: Int32(j))
                    }
                    for (slot, entry) in nearest.sorted().enumerated() { output.value[i * k + slot] = entry.id }
                }
            }
        }
        // Each map neighbour's rank in the original space: one more than the points
        // nearer to i (ties: lower index first).
        var penalties = [Double](repeating: 0, count: count)
        let norms = SquaredDistances.norms(original, count: count, dimension: dimension)
        penalties.withUnsafeMutableBufferPointer { penaltyBuffer in
            let penaltyBase = UncheckedSendable(penaltyBuffer.baseAddress!)
            SquaredDistances.forEachBlock(original, count: count, dimension: dimension, norms: norms) { i, squared in
                var targets = (0..<k).map { (distance: squared[Int(mapNeighbours[i * k + $0])], id: Int(mapNeighbours[i * k + $0])) }
                targets.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
                let farthest = targets[k - 1].distance
                var nearer = [Int](repeating: 0, count: k)
                for m in 0..<count where m != i {
                    let distance = squared[m]
                    guard distance <= farthest else { continue }
                    for (slot, target) in targets.enumerated() where distance < target.distance || (distance == target.distance && m < target.id) {
                        nearer[slot] += 1
                    }
                }
                var penalty = 0.0
                for slot in 0..<k { penalty += Double(max(0, nearer[slot] + 1 - k)) }
                penaltyBase.value[i] = penalty
            }
        }
        let n = Double(count), kk = Double(k)
        return 1 - penalties.reduce(0, +) * 2 / (n * kk * (2 * n - 3 * kk - 1))
    }
}
