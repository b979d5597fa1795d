// The C kernels on both of their paths — AVX2/FMA and portable — against plain Double
// arithmetic: matrix products, the vectorised exp, and a whole LSTM step.
import CRecurKernels
import Foundation
import XCTest
@testable import RecurEngine

final class KernelTests: XCTestCase {
    override func tearDown() {
        _ = recur_kernels_set_fma_enabled(1)
    }

    /// Runs `body` on every path this CPU has.
    func onEveryPath(_ body: (String) throws -> Void) rethrows {
        for enabled in [Int32(1), 0] {
            let path = recur_kernels_set_fma_enabled(enabled) == 1 ? "AVX2" : "portable"
            try body(path)
        }
    }

    func testMatrixProductsAgreeWithDouble() {
        var random = RandomGenerator(seed: 12)
        onEveryPath { path in
            for (m, n, k, transposeA, transposeB) in [(7, 33, 19, false, true), (40, 17, 65, true, false), (3, 1, 2, true, true), (65, 70, 9, false, false)] {
                let a = (0..<(m * k)).map { _ in random.nextNormal() }, b = (0..<(k * n)).map { _ in random.nextNormal() }
                var c = (0..<(m * n)).map { _ in random.nextNormal() }
                let before = c
                // C = 1·C + op(A)·op(B)
                c.withUnsafeMutableBufferPointer { c in
                    recur_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), a, Int32(transposeA ? m : k),
                                b, Int32(transposeB ? k : n), 1, c.baseAddress, Int32(n))
                }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = Double(before[i * n + j])
                        for p in 0..<k {
                            sum += Double(transposeA ? a[p * m + i] : a[i * k + p]) * Double(transposeB ? b[j * k + p] : b[p * n + j])
                        }
                        worst = max(worst, abs(sum - Double(c[i * n + j])) / max(abs(sum), 1))
                    }
                }
                XCTAssertLessThan(worst, 1e-5, "\(path) \(m)×\(n)×\(k) transposes \(transposeA) \(transposeB)")
            }
        }
    }

    func testExpIsAccurateOnBothPaths() {
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

    func testAnLSTMStepIsTheSameOnBothPaths() {
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
}
