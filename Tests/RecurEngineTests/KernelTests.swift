// The C kernels on every path the CPU has — AVX-512, AVX2/FMA, portable — against plain
// Double arithmetic: matrix products, the vectorised exp, and a whole LSTM step.
import CRecurKernels
import Foundation
import XCTest
@testable import RecurEngine

final class KernelTests: XCTestCase {
    /// Runs `body` on every path this CPU has.
    func onEveryPath(_ body: (String) throws -> Void) rethrows {
        try KernelPaths.forEach(body)
    }

    /// `beta·C + op(A)·op(B)` in Double, for the same storage conventions as recur_sgemm,
    /// with each element's magnitude `|beta·C| + Σ|a·b|`: float rounding error grows with
    /// that sum (about K·ε of it), not with the possibly cancelled result.
    func referenceProduct(_ m: Int, _ n: Int, _ k: Int, _ transposeA: Bool, _ transposeB: Bool,
                          _ a: [Float], _ b: [Float], beta: Float, _ c: [Float]) -> [(value: Double, magnitude: Double)] {
        var result = [(value: Double, magnitude: Double)](repeating: (0, 0), count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = beta == 0 ? 0 : Double(beta) * Double(c[i * n + j])
                var magnitude = abs(sum)
                for p in 0..<k {
                    let term = Double(transposeA ? a[p * m + i] : a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j])
                    sum += term
                    magnitude += abs(term)
                }
                result[i * n + j] = (sum, magnitude)
            }
        }
        return result
    }

    /// The largest error relative to the element's magnitude (at least 1). A wrong or
    /// missing term, or an element not written (NaN), shows up as ≳ 1e-2.
    func worstRelativeError(_ got: [Float], _ want: [(value: Double, magnitude: Double)]) -> Double {
        zip(got, want).map { got, want in
            let error = abs(want.value - Double(got)) / max(want.magnitude, 1)
            return error.isNaN ? .infinity : error
        }.max() ?? 0
    }

    /// Shapes chosen to reach every route and edge of every path's kernels: the small-M
    /// transB dot products (M ≤ 32, K tails), B read in place (no transB, M ≤ 64, a
    /// ragged last panel next to a full one), packed blocks (two K blocks, several M
    /// blocks), ragged row tiles of 6- and 8-row kernels, narrow column tiles (N = 1…4),
    /// 16- and 32-column tiles and their masked remainders; and beta 0 (C starts as NaN),
    /// 1 and 0.5.
    func testMatrixProductsAgreeWithDouble() {
        var random = RandomGenerator(seed: 12)
        let cases: [(Int, Int, Int, Bool, Bool, Float)] = [
            (7, 33, 19, false, true, 1), (3, 1, 2, true, true, 1), (32, 37, 35, false, true, 0), (29, 4, 16, true, true, 0.5),
            (40, 17, 65, true, false, 1), (33, 50, 40, false, false, 0), (20, 48, 33, false, false, 0.5), (9, 3, 7, false, false, 1),
            (65, 70, 9, false, false, 1), (100, 45, 300, false, true, 0), (150, 33, 20, true, false, 0.5), (70, 2, 31, true, true, 1),
        ]
        onEveryPath { path in
            for (m, n, k, transposeA, transposeB, beta) in cases {
                let a = (0..<(m * k)).map { _ in random.nextNormal() }, b = (0..<(k * n)).map { _ in random.nextNormal() }
                var c = (0..<(m * n)).map { _ in beta == 0 ? Float.nan : random.nextNormal() }
                let expected = referenceProduct(m, n, k, transposeA, transposeB, a, b, beta: beta, c)
                c.withUnsafeMutableBufferPointer { c in
                    recur_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(transposeA ? m : k),
                                b, Int32(transposeB ? k : n), beta, c.baseAddress, Int32(n))
                }
                XCTAssertLessThan(worstRelativeError(c, expected), 1e-5,
                                  "\(path) \(m)×\(n)×\(k) transposes \(transposeA) \(transposeB) beta \(beta)")
            }
        }
    }

    /// B packed once (as TrainingGraph packs W_hh once per update) serves every path:
    /// whole products and column blocks starting at a multiple of 16, as the engine
    /// splits them across threads.
    func testPackedProductsAgreeWithDoubleOnEveryPath() {
        var random = RandomGenerator(seed: 5)
        for (m, n, k, transposeB) in [(32, 50, 70, true), (20, 100, 33, false), (70, 17, 300, true)] {
            let a = (0..<(m * k)).map { _ in random.nextNormal() }, b = (0..<(k * n)).map { _ in random.nextNormal() }
            var packed = [Float](repeating: .nan, count: recur_sgemm_packed_b_count(Int32(k), Int32(n)))
            recur_sgemm_pack_b(transposeB ? 1 : 0, Int32(k), Int32(n), b, Int32(transposeB ? k : n), &packed)
            let expected = referenceProduct(m, n, k, false, transposeB, a, b, beta: 0, [])
            onEveryPath { path in
                var c = [Float](repeating: .nan, count: m * n)
                recur_sgemm_packed(0, Int32(m), Int32(n), Int32(k), a, Int32(k), packed, 0, &c, Int32(n))
                XCTAssertLessThan(worstRelativeError(c, expected), 1e-5, "\(path) packed \(m)×\(n)×\(k)")
                // Columns 16..<n only, written into a C that starts at column 16.
                var block = [Float](repeating: .nan, count: m * n)
                packed.withUnsafeBufferPointer { packed in
                    block.withUnsafeMutableBufferPointer { block in
                        recur_sgemm_packed(0, Int32(m), Int32(n - 16), Int32(k), a, Int32(k), packed.baseAddress! + 16 * k, 0,
                                           block.baseAddress! + 16, Int32(n))
                    }
                }
                let columns = (0..<m).flatMap { i in (16..<n).map { i * n + $0 } }
                XCTAssertLessThan(worstRelativeError(columns.map { block[$0] }, columns.map { expected[$0] }), 1e-5,
                                  "\(path) packed column block \(m)×\(n - 16)×\(k)")
            }
        }
    }

    func testExpIsAccurateOnEveryPath() {
        let inputs: [Float] = stride(from: -80, through: 80, by: 0.37).map(Float.init) + [0, -0.0, 1e-7, -1e-7]
        onEveryPath { path in
            var outputs = [Float](repeating: 0, count: inputs.count)
            recur_exp(Int32(inputs.count), inputs, &outputs)
            for (x, y) in zip(inputs, outputs) {
                let expected = exp(Double(x))
                XCTAssertEqual(Double(y), expected, accuracy: expected * 3e-7, "\(path) exp(\(x))")
            }
        }
    }

    func testAnLSTMStepIsTheSameOnEveryPath() {
        var random = RandomGenerator(seed: 3)
        let B = 3, H = 21
        let pre = (0..<(B * 4 * H)).map { _ in random.nextNormal() * 3 }, cPrev = (0..<(B * H)).map { _ in random.nextNormal() }
        var results: [[Float]] = []
        onEveryPath { _ in
            var gates = pre, c = [Float](repeating: 0, count: B * H), tanhC = c, h = c
            recur_lstm_forward(Int32(B), Int32(H), 0, Int32(H), &gates, cPrev, &c, &tanhC, &h)
            results.append(h + c)
        }
        // Independently, in Double.
        func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
        var expected: [Double] = [], cells: [Double] = []
        for b in 0..<B {
            for j in 0..<H {
                let g = { (q: Int) in Double(pre[b * 4 * H + q * H + j]) }
                let cell = sigmoid(g(1)) * Double(cPrev[b * H + j]) + sigmoid(g(0)) * tanh(g(2))
                cells.append(cell)
                expected.append(sigmoid(g(3)) * tanh(cell))
            }
        }
        for result in results {
            for (got, want) in zip(result, expected + cells) { XCTAssertEqual(Double(got), want, accuracy: 1e-6) }
        }
    }

    /// The AVX-512 LSTM forward repeats the AVX2 operations 16 lanes at a time (and the
    /// backward is AVX2's own), so both paths must give the same bits, including on a
    /// ragged unit range (units 3..<37 of H = 40: a masked tail on either width).
    func testLSTMKernelsAreBitIdenticalOnAVX2AndAVX512() throws {
        guard recur_kernels_path_supported(Int32(RECUR_KERNELS_AVX512.rawValue)) != 0 else {
            throw XCTSkip("this CPU has no AVX-512")
        }
        var random = RandomGenerator(seed: 21)
        let B = 5, H = 40, j0: Int32 = 3, j1: Int32 = 37
        let pre = (0..<(B * 4 * H)).map { _ in random.nextNormal() * 4 }, cPrev = (0..<(B * H)).map { _ in random.nextNormal() }
        let dh = (0..<(B * H)).map { _ in random.nextNormal() }, dcNext = (0..<(B * H)).map { _ in random.nextNormal() }
        var results: [String: [Float]] = [:]
        let previous = recur_kernels_path()
        defer { _ = recur_kernels_set_path(previous) }
        for path in [RECUR_KERNELS_AVX2, RECUR_KERNELS_AVX512].map({ Int32($0.rawValue) }) {
            _ = recur_kernels_set_path(path)
            var gates = pre, c = [Float](repeating: 0, count: B * H), tanhC = c, h = c
            recur_lstm_forward(Int32(B), Int32(H), j0, j1, &gates, cPrev, &c, &tanhC, &h)
            var dc = dcNext, dPre = [Float](repeating: 0, count: B * 4 * H)
            recur_lstm_backward(Int32(B), Int32(H), j0, j1, gates, cPrev, tanhC, dh, &dc, &dPre)
            results[KernelPaths.name(path)] = gates + c + tanhC + h + dc + dPre
        }
        let avx2 = results["avx2"]!, avx512 = results["avx512"]!
        let differing = zip(avx2, avx512).filter { $0.bitPattern != $1.bitPattern }.count
        XCTAssertEqual(differing, 0, "\(differing) of \(avx2.count) LSTM values differ between avx2 and avx512")
    }

    /// Softmax rows against Double on every path: widths around the 8- and 16-lane
    /// vectors and past the AVX-512 threshold, large and small logits, and a −inf.
    func testSoftmaxRowsAgreeWithDoubleOnEveryPath() {
        var random = RandomGenerator(seed: 17)
        onEveryPath { path in
            // 512 and up take the AVX-512 softmax on that path (RA_SOFTMAX_AVX512_MIN_WIDTH).
            for width in [1, 7, 8, 15, 16, 17, 65, 512, 1001] {
                let rows = 3
                // Row 0 large logits (the max subtraction matters), rows 1-2 small ones (a
                // padding lane counted in the sum would add exp(0 − max) ≈ 1).
                var logits = (0..<(rows * width)).map { random.nextNormal() * ($0 < width ? 30 : 0.5) }
                if width > 1 { logits[width + 1] = -.infinity }
                var probabilities = logits
                recur_softmax_rows(Int32(rows), Int32(width), &probabilities)
                for row in 0..<rows {
                    let line = logits[(row * width)..<((row + 1) * width)].map(Double.init)
                    let largest = line.max()!
                    let total = line.map { exp($0 - largest) }.reduce(0, +)
                    for j in 0..<width {
                        let expected = exp(line[j] - largest) / total
                        // Relative 1e-5: x − max is rounded to float before exp (≈4e-6 at
                        // |x − max| ≈ 50); absolute 1e-7 on probabilities that sum to 1.
                        XCTAssertEqual(Double(probabilities[row * width + j]), expected, accuracy: 1e-5 * expected + 1e-7,
                                       "\(path) width \(width) row \(row) column \(j)")
                    }
                }
            }
        }
    }

    /// Adam on every path against PyTorch's formula written out in Swift, bit for bit:
    /// the C update replaced exactly this loop, and no path may fuse or reorder it.
    /// Counts around the 8-lane vector (tails of 1…7), moments of mixed size, clipping
    /// and weight decay on.
    func testAdamUpdateIsBitIdenticalToTheSwiftFormulaOnEveryPath() {
        var random = RandomGenerator(seed: 23)
        let beta1: Float = 0.9, beta2: Float = 0.999, step: Float = 7
        let settings = (scale: Float(0.37), decay: Float(0.01), epsilon: Float(1e-8),
                        stepSize: Float(2e-3) / (1 - powf(beta1, step)),
                        root2: (1 - powf(beta2, step)).squareRoot())
        onEveryPath { path in
            for count in [1, 7, 8, 9, 16, 23, 100] {
                let p0 = (0..<count).map { _ in random.nextNormal() }, g = (0..<count).map { _ in random.nextNormal() * 3 }
                let m0 = (0..<count).map { _ in random.nextNormal() * 0.1 }
                let v0 = (0..<count).map { index in abs(random.nextNormal()) * (index % 3 == 0 ? 1e-6 : 0.5) }
                var want = (p: p0, m: m0, v: v0)
                for i in 0..<count {
                    let gradient = settings.scale * g[i] + settings.decay * want.p[i]
                    want.m[i] = beta1 * want.m[i] + (1 - beta1) * gradient
                    want.v[i] = beta2 * want.v[i] + (1 - beta2) * gradient * gradient
                    want.p[i] -= settings.stepSize * want.m[i] / (want.v[i].squareRoot() / settings.root2 + settings.epsilon)
                }
                var p = p0, m = m0, v = v0
                var constants = recur_adam_constants(
                    gradientScale: settings.scale, weightDecay: settings.decay, beta1: beta1, beta2: beta2,
                    stepSize: settings.stepSize, correction2Root: settings.root2, epsilon: settings.epsilon)
                recur_adam_update(Int32(count), &p, g, &m, &v, &constants)
                for (name, got, expected) in [("p", p, want.p), ("m", m, want.m), ("v", v, want.v)] {
                    let differing = zip(got, expected).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(differing, 0, "\(path) count \(count): \(differing) values of \(name) differ")
                }
            }
        }
    }
}
