// The update rules against PyTorch's formulas worked out by hand for a few steps.
import XCTest
@testable import RecurEngine

final class OptimizerTests: XCTestCase {
    func run(_ settings: OptimizerSettings, gradients: [[Float]], start: [Float]) -> [Float] {
        let optimizer = Optimizer(settings: settings, parameterCount: start.count)
        let parameters = FloatBuffer(start)
        for step in gradients {
            let g = FloatBuffer(step)
            optimizer.update(parameters: parameters.pointer, gradients: g.pointer, count: start.count)
        }
        return parameters.array
    }

    func testAdamTwoSteps() {
        var settings = OptimizerSettings(kind: .adam, learningRate: 0.1)
        settings.weightDecay = 0.01
        let result = run(settings, gradients: [[0.5, -2], [1, 0.25]], start: [1, -1])
        // Worked out in Double from torch.optim.Adam's algorithm.
        var p: [Double] = [1, -1], m: [Double] = [0, 0], v: [Double] = [0, 0]
        for (t, g) in [[0.5, -2.0], [1.0, 0.25]].enumerated() {
            for i in 0..<2 {
                let grad = g[i] + 0.01 * p[i]
                m[i] = 0.9 * m[i] + 0.1 * grad
                v[i] = 0.999 * v[i] + 0.001 * grad * grad
                let mHat = m[i] / (1 - pow(0.9, Double(t + 1))), vHat = v[i] / (1 - pow(0.999, Double(t + 1)))
                p[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        XCTAssertEqual(Double(result[0]), p[0], accuracy: 1e-6)
        XCTAssertEqual(Double(result[1]), p[1], accuracy: 1e-6)
    }

    func testSGDWithNesterovMomentum() {
        var settings = OptimizerSettings(kind: .sgd, learningRate: 0.5)
        settings.momentum = 0.9
        settings.nesterov = true
        let result = run(settings, gradients: [[1], [2]], start: [0])
        // step 1: b = 1, update g + 0.9b = 1.9 → −0.95; step 2: b = 0.9 + 2 = 2.9, update 2 + 2.61 = 4.61 → −2.305
        XCTAssertEqual(result[0], -0.95 - 2.305, accuracy: 1e-6)
    }

    func testRMSpropAndAdagrad() {
        let rms = run(OptimizerSettings(kind: .rmsprop, learningRate: 0.01), gradients: [[2]], start: [1])
        // v = 0.01·4 = 0.04, p = 1 − 0.01·2/(0.2 + 1e-8)
        XCTAssertEqual(rms[0], 1 - 0.01 * 2 / 0.2, accuracy: 1e-6)
        let adagrad = run(OptimizerSettings(kind: .adagrad, learningRate: 0.1), gradients: [[3], [4]], start: [0])
        XCTAssertEqual(adagrad[0], -0.1 * 3 / 3 - 0.1 * 4 / 5, accuracy: 1e-6)
    }
}
