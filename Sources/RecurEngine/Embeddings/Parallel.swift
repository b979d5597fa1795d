// Loops spread over both cores for the map's numerics (neighbour search, UMAP's graph,
// trustworthiness). Each body writes only memory its own index owns, so results never
// depend on how the work was scheduled.
import Dispatch

enum Parallel {
    /// Calls `body(i)` for every i in 0..<count, on all cores, in interleaved stripes.
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        let threads = min(Gemm.threadCount, max(count, 1))
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                for index in stride(from: part, to: count, by: threads) { shared.value(index) }
            }
        }
    }

    /// `body(i)` for every i, its results in order.
    static func map<Result>(_ count: Int, _ body: (Int) -> Result) -> [Result] {
        var results = [Result?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = UncheckedSendable(buffer.baseAddress!)
            forEach(count) { slots.value[$0] = body($0) }
        }
        return results.map { $0! }
    }

    /// The sum of `body(i, scratch)` over every i; each worker has its own `scratch` of
    /// `scratch` Int32s, set to −1 once, for marks that must not be cleared per index.
    static func sum(_ count: Int, scratch size: Int, _ body: (Int, UnsafeMutablePointer<Int32>) -> Int) -> Int {
        let threads = min(Gemm.threadCount, max(count, 1))
        var totals = [Int](repeating: 0, count: threads)
        totals.withUnsafeMutableBufferPointer { buffer in
            let slots = UncheckedSendable(buffer.baseAddress!)
            withoutActuallyEscaping(body) { body in
                let shared = UncheckedSendable(body)
                DispatchQueue.concurrentPerform(iterations: threads) { part in
                    let scratch = UnsafeMutablePointer<Int32>.allocate(capacity: max(size, 1))
                    scratch.initialize(repeating: -1, count: max(size, 1))
                    defer { scratch.deallocate() }
                    var total = 0
                    for index in stride(from: part, to: count, by: threads) { total += shared.value(index, scratch) }
                    slots.value[part] = total
                }
            }
        }
        return totals.reduce(0, +)
    }
}
