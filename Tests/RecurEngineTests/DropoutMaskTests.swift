// The dropout kernel (recur_dropout_forward): the masks it draws are the same bits on
// every kernel path, hold only 0 and 1/keep, keep the asked fraction, and do not repeat
// between neighbouring elements or between keys.
import CRecurKernels
import XCTest

final class DropoutMaskTests: XCTestCase {
    let count = 1 << 20
    let keep: Float = 0.8

    func draw(key: UInt64, input: [Float]) -> (mask: [Float], output: [Float]) {
        var mask = [Float](repeating: -1, count: count), output = [Float](repeating: -1, count: count)
        recur_dropout_forward(Int32(count), keep, key, input, &mask, &output)
        return (mask, output)
    }

    func testMasksAreTheSameOnEveryPathAndApplyThemselves() {
        let input = (0..<count).map { Float($0 % 977) - 488.5 }
        var first: [Float]?
        KernelPaths.forEach { path in
            let (mask, output) = draw(key: 0x1234_5678_9ABC_DEF0, input: input)
            if let first { XCTAssertEqual(mask, first, "\(path): a different mask than the first path's") }
            first = first ?? mask
            let scale = 1 / keep
            XCTAssertTrue(mask.allSatisfy { $0 == 0 || $0 == scale }, "\(path): a mask value other than 0 and 1/keep")
            XCTAssertEqual(output, zip(input, mask).map { $0 * $1 }, "\(path): out is not in · mask")
        }
    }

    func testTheKeptFractionAndIndependence() {
        let input = [Float](repeating: 1, count: count)
        let (first, _) = draw(key: 7, input: input)
        let (second, _) = draw(key: 8, input: input)
        let kept = first.map { $0 != 0 }, keptToo = second.map { $0 != 0 }
        func fraction(_ flags: [Bool]) -> Double { Double(flags.filter { $0 }.count) / Double(flags.count) }
        // Binomial standard deviation at 2^20 draws: 0.0004; the bounds are ~6 of them.
        XCTAssertEqual(fraction(kept), 0.8, accuracy: 0.0025)
        XCTAssertEqual(fraction(keptToo), 0.8, accuracy: 0.0025)
        // Neighbours and keys independent: both kept 0.64 of the time.
        XCTAssertEqual(fraction((0..<count - 1).map { kept[$0] && kept[$0 + 1] }), 0.64, accuracy: 0.003)
        XCTAssertEqual(fraction((0..<count).map { kept[$0] && keptToo[$0] }), 0.64, accuracy: 0.003)
        // Keeping everything keeps everything.
        var mask = [Float](repeating: 0, count: 1000), output = mask
        recur_dropout_forward(1000, 1, 99, input, &mask, &output)
        XCTAssertTrue(mask.allSatisfy { $0 == 1 })
    }

    func testMultiplyIsTheElementwiseProduct() {
        KernelPaths.forEach { path in
            let x = (0..<1003).map { Float($0) * 0.5 }
            var y = (0..<1003).map { Float($0 % 7) - 3 }
            let expected = zip(x, y).map { $0 * $1 }
            recur_multiply(1003, x, &y)
            XCTAssertEqual(y, expected, path)
        }
    }
}
