// One layer norm's forward cache and its passes over (rows, width) matrices: what
// TrainingGraph keeps per normalised part (W_ih x, W_hh h, the LSTM's c, the token table).
// The arithmetic is RecurLayerNorm.h's.
import CRecurKernels
import Dispatch

/// A layer norm's gain and bias (width each), read from the parameters.
struct LayerNormParameters {
    let gain: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
}

/// Where a layer norm's gain and bias gradients accumulate.
struct LayerNormGradients {
    let gain: UnsafeMutablePointer<Float>
    let bias: UnsafeMutablePointer<Float>
}

/// x̂ (rows, width) and 1/√(var + ε) (rows) of the last forward, for backward.
final class LayerNormCache {
    let width: Int
    /// (rows, width) the normalised values x̂.
    let normalised: FloatBuffer
    /// (rows) 1/√(var + ε) of every row.
    let inverseDeviations: FloatBuffer

    init(rows: Int, width: Int) {
        self.width = width
        normalised = FloatBuffer(count: rows * width)
        inverseDeviations = FloatBuffer(count: rows)
    }

    /// values (rows, width) ← gain ⊙ LN(values) + bias, in place, rows shared by all
    /// cores for large matrices (each row is its own, so the split changes no bits).
    func forward(_ values: UnsafeMutablePointer<Float>, rows: Int, norm: LayerNormParameters) {
        let width = width, xhat = normalised.pointer, rstd = inverseDeviations.pointer
        parallelRows(rows, width: width) { _, range in
            let start = range.lowerBound
            recur_layer_norm_forward(Int32(range.count), Int32(width), NormKind.epsilon, values + start * width,
                                     norm.gain, norm.bias, xhat + start * width, rstd + start, values + start * width, 0)
        }
    }

    /// The backward of `forward`: adds the gain's and bias's gradients, then turns
    /// `gradient` (rows, width) from dL/d(output) into dL/d(input) in place.
    func backward(_ gradient: UnsafeMutablePointer<Float>, rows: Int, norm: LayerNormParameters, gradients: LayerNormGradients) {
        addParameterGradients(UnsafePointer(gradient), rows: rows, to: gradients)
        let width = width, xhat = UnsafePointer(normalised.pointer), rstd = UnsafePointer(inverseDeviations.pointer)
        parallelRows(rows, width: width) { _, range in
            let start = range.lowerBound
            recur_layer_norm_backward(Int32(range.count), Int32(width), gradient + start * width, xhat + start * width,
                                      rstd + start, norm.gain, gradient + start * width)
        }
    }

    /// gain += Σ_rows dOutput ⊙ x̂, bias += Σ_rows dOutput, for dOutput (rows, width); blocks
    /// of columns on all cores for large matrices (a column is still one thread's sum).
    func addParameterGradients(_ dOutput: UnsafePointer<Float>, rows: Int, to gradients: LayerNormGradients) {
        let width = width, xhat = UnsafePointer(normalised.pointer)
        let parts = rows * width >= 1 << 18 ? min(Gemm.threadCount, max(width / 64, 1)) : 1
        let chunk = (width + parts - 1) / parts
        let shared = UncheckedSendable((dOutput, xhat, gradients))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let (dOutput, xhat, gradients) = shared.value
            let start = part * chunk, end = min(start + chunk, width)
            guard start < end else { return }
            recur_layer_norm_parameter_gradients(Int32(rows), Int32(width), Int32(start), Int32(end), dOutput, xhat,
                                                 gradients.gain, gradients.bias)
        }
    }
}
