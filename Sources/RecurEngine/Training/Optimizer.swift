// Parameter updates with PyTorch's formulas (torch.optim.SGD, Adam, RMSprop, Adagrad with
// their default hyper-parameters), applied to the model's single flat buffer.
import CRecurKernels
import Dispatch
import Foundation

/// Which update rule to use.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case sgd, adam, rmsprop, adagrad
}

/// Hyper-parameters of the update rules; defaults are PyTorch's.
public struct OptimizerSettings: Codable, Sendable, Equatable {
    public var kind: OptimizerKind = .adam
    public var learningRate: Float = 2e-3
    /// L2 penalty added to the gradient (PyTorch's `weight_decay`).
    public var weightDecay: Float = 0
    public var momentum: Float = 0
    public var nesterov = false
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// RMSprop's smoothing constant.
    public var alpha: Float = 0.99

    public init(kind: OptimizerKind = .adam, learningRate: Float = 2e-3) {
        self.kind = kind
        self.learningRate = learningRate
        if kind == .adagrad { epsilon = 1e-10 }
    }
}

/// Update state (moments, sums) over a flat parameter buffer.
public final class Optimizer {
    public var settings: OptimizerSettings
    /// Updates applied so far (Adam's bias correction uses it).
    public private(set) var stepCount = 0
    /// First moment (Adam), momentum buffer (SGD) or unused.
    public let first: FloatBuffer
    /// Second moment (Adam), square average (RMSprop) or sum of squares (Adagrad).
    public let second: FloatBuffer

    public init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        first = FloatBuffer(count: parameterCount)
        second = FloatBuffer(count: parameterCount)
    }

    /// Restores state saved from `first`, `second` and `stepCount`.
    public func restore(first firstValues: [Float], second secondValues: [Float], stepCount: Int) {
        precondition(firstValues.count == first.count && secondValues.count == second.count)
        firstValues.withUnsafeBufferPointer { first.pointer.update(from: $0.baseAddress!, count: first.count) }
        secondValues.withUnsafeBufferPointer { second.pointer.update(from: $0.baseAddress!, count: second.count) }
        self.stepCount = stepCount
    }

    /// Applies one update to `parameters` from `gradients` (both `count` long), the
    /// gradient first multiplied by `gradientScale` (clipping). Large models are updated
    /// on all cores, each taking a contiguous range: the rule is element-wise.
    /// Elements in `frozen` are left untouched (weights and moments).
    public func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, count: Int,
                       gradientScale: Float = 1, frozen: Range<Int> = 0..<0) {
        stepCount += 1
        let parts = count >= 1 << 16 ? Gemm.threadCount : 1
        let chunk = (count + parts - 1) / parts
        let shared = UncheckedSendable((self, parameters, gradients))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (optimizer, parameters, gradients) = shared.value
            let start = part * chunk, end = min(start + chunk, count)
            for range in [start..<max(start, min(end, frozen.lowerBound)), max(start, frozen.upperBound)..<end] where !range.isEmpty {
                optimizer.apply(range: range, parameters: parameters, gradients: gradients, scale: gradientScale)
            }
        }
    }

    /// The update rule for the elements in `range`.
    private func apply(range: Range<Int>, parameters p: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
                       scale: Float) {
        let s = settings
        let lr = s.learningRate, decay = s.weightDecay
        let m = first.pointer, v = second.pointer
        switch s.kind {
        case .sgd:
            let momentum = s.momentum
            for i in range {
                var gradient = scale * g[i] + decay * p[i]
                if momentum != 0 {
                    // PyTorch: the buffer starts as the first gradient, then b = μb + g.
                    m[i] = stepCount == 1 ? gradient : momentum * m[i] + gradient
                    gradient = s.nesterov ? gradient + momentum * m[i] : m[i]
                }
                p[i] -= lr * gradient
            }
        case .adam:
            let beta1 = s.beta1, beta2 = s.beta2, epsilon = s.epsilon
            let correction1 = 1 - powf(beta1, Float(stepCount))
            let correction2Root = (1 - powf(beta2, Float(stepCount))).squareRoot()
            var constants = recur_adam_constants(
                gradientScale: scale, weightDecay: decay, beta1: beta1, beta2: beta2,
                stepSize: lr / correction1, correction2Root: correction2Root, epsilon: epsilon)
            // g' = s·g + λ·p; m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'·g';
            // p −= (η/(1−β1ᵗ))·m / (√v / √(1−β2ᵗ) + ε), vectorised in C (RecurActivations.h).
            recur_adam_update(Int32(range.count), p + range.lowerBound, g + range.lowerBound,
                              m + range.lowerBound, v + range.lowerBound, &constants)
        case .rmsprop:
            let alpha = s.alpha, epsilon = s.epsilon
            for i in range {
                let gradient = scale * g[i] + decay * p[i]
                v[i] = alpha * v[i] + (1 - alpha) * gradient * gradient
                p[i] -= lr * gradient / (v[i].squareRoot() + epsilon)
            }
        case .adagrad:
            let epsilon = s.epsilon
            for i in range {
                let gradient = scale * g[i] + decay * p[i]
                v[i] += gradient * gradient
                p[i] -= lr * gradient / (v[i].squareRoot() + epsilon)
            }
        }
    }
}
