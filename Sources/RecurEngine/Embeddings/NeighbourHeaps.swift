// NN-descent's state: one bounded max-heap of candidate neighbours per point, stored
// flat so that concurrent workers can each update their own points' heaps.
import Foundation

/// (N, W) heaps of (squared distance, id, is-new flag), the farthest on top; an empty
/// slot has id −1 and distance +∞.
struct FlatHeaps {
    let count: Int
    let width: Int
    private var distances: [Float]
    private var ids: [Int32]
    private var fresh: [Bool]

    init(count: Int, width: Int) {
        self.count = count
        self.width = width
        distances = [Float](repeating: .infinity, count: count * width)
        ids = [Int32](repeating: -1, count: count * width)
        fresh = [Bool](repeating: true, count: count * width)
    }

    /// Raw access for workers that each touch only their own points' heaps.
    struct Access: @unchecked Sendable {
        let width: Int
        let distances: UnsafeMutablePointer<Float>
        let ids: UnsafeMutablePointer<Int32>
        let fresh: UnsafeMutablePointer<Bool>

        func size(_ point: Int) -> Int {
            var filled = 0
            for slot in 0..<width where ids[point * width + slot] >= 0 { filled += 1 }
            return filled
        }

        func contains(_ point: Int, _ id: Int32) -> Bool {
            for slot in 0..<width where ids[point * width + slot] == id { return true }
            return false
        }

        func ids(_ point: Int) -> UnsafeBufferPointer<Int32> {
            UnsafeBufferPointer(start: ids + point * width, count: width)
        }

        /// Replaces the farthest entry of `point`'s heap by (distance, id) if it is nearer;
        /// the new entry is flagged new. Says whether it was kept. Empty slots (+∞) sit on
        /// top, so a heap fills before it starts refusing.
        @discardableResult
        func offer(_ point: Int, _ distance: Float, _ id: Int32) -> Bool {
            let d = distances + point * width, n = ids + point * width, f = fresh + point * width
            guard distance < d[0] else { return false }
            d[0] = distance
            n[0] = id
            f[0] = true
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var largest = parent
                if left < width, d[left] > d[largest] { largest = left }
                if right < width, d[right] > d[largest] { largest = right }
                guard largest != parent else { break }
                (d[parent], d[largest]) = (d[largest], d[parent])
                (n[parent], n[largest]) = (n[largest], n[parent])
                (f[parent], f[largest]) = (f[largest], f[parent])
                parent = largest
            }
            return true
        }
    }

    mutating func withPointers<Result>(_ body: (Access) -> Result) -> Result {
        let width = width
        return distances.withUnsafeMutableBufferPointer { d in
            ids.withUnsafeMutableBufferPointer { n in
                fresh.withUnsafeMutableBufferPointer { f in
                    body(Access(width: width, distances: d.baseAddress!, ids: n.baseAddress!, fresh: f.baseAddress!))
                }
            }
        }
    }

    /// NN-descent's candidates for one iteration: for every point, up to `limit` new and
    /// `limit` old ones, drawn from its own heap and from the heaps that hold it (the
    /// reverse neighbours), chosen by a random priority that depends only on the pair and
    /// the seed. New entries that were chosen are flagged old for the next iteration.
    mutating func sampleCandidates(limit: Int, seed: UInt64) -> (fresh: [[Int32]], old: [[Int32]]) {
        var freshLists = [BoundedMaxHeap](repeating: BoundedMaxHeap(capacity: limit), count: count)
        var oldLists = freshLists
        func priority(_ a: Int, _ b: Int32) -> Float {
            var mixer = seed ^ (UInt64(min(a, Int(b))) << 32 | UInt64(max(a, Int(b))))
            mixer = (mixer ^ (mixer >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixer = (mixer ^ (mixer >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((mixer ^ (mixer >> 31)) >> 40)
        }
        func add(_ list: inout BoundedMaxHeap, _ rank: Float, _ id: Int32) {
            if !list.contains(id) { list.offer(rank, id: id) }
        }
        for point in 0..<count {
            for slot in 0..<width {
                let id = ids[point * width + slot]
                guard id >= 0 else { continue }
                let rank = priority(point, id)
                if fresh[point * width + slot] {
                    add(&freshLists[point], rank, id)
                    add(&freshLists[Int(id)], rank, Int32(point))
                } else {
                    add(&oldLists[point], rank, id)
                    add(&oldLists[Int(id)], rank, Int32(point))
                }
            }
        }
        for point in 0..<count {
            for slot in 0..<width where fresh[point * width + slot] && freshLists[point].contains(ids[point * width + slot]) {
                fresh[point * width + slot] = false
            }
        }
        return (freshLists.map(\.ids), oldLists.map(\.ids))
    }

    /// `point`'s neighbours, nearest first (ties by id), empty slots left out.
    func sorted(_ point: Int) -> [(distance: Float, id: Int32)] {
        (0..<width).map { (distance: distances[point * width + $0], id: ids[point * width + $0]) }
            .filter { $0.id >= 0 }
            .sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id < $1.id }
    }
}
