// Element-wise parts of one time step of each cell, forward and backward, over a block
// of B rows and a range of hidden units (so threads can split the units). The arithmetic
// is in CRecurKernels (AVX2 with a vectorised exp, or portable C); the matrix products
// around them live in TrainingGraph. Training and sampling share these calls, so both
// compute exactly the same numbers.
//
// Legend: B batch rows, H hidden units; gate blocks are stacked as PyTorch stacks them:
// LSTM [i f g o], GRU [r z n], each H wide.
import CRecurKernels

enum CellKernels {
    static func activationKind(_ activation: Activation) -> Int32 {
        switch activation {
        case .tanh: Int32(RECUR_ACTIVATION_TANH)
        case .sigmoid: Int32(RECUR_ACTIVATION_SIGMOID)
        case .relu: Int32(RECUR_ACTIVATION_RELU)
        }
    }

    // MARK: - Vanilla RNN

    /// `h = f(pre)` in place over units [j0, j1) of (B, H). `pre` already holds
    /// W_ih x + b_ih + W_hh h + b_hh.
    static func rnnForward(_ activation: Activation, batch: Int, hidden: Int, units: Range<Int>,
                           preToHidden: UnsafeMutablePointer<Float>) {
        let kind = activationKind(activation)
        if units.count == hidden {
            recur_activation_forward(kind, Int32(batch * hidden), preToHidden)
            return
        }
        for row in 0..<batch {
            recur_activation_forward(kind, Int32(units.count), preToHidden + row * hidden + units.lowerBound)
        }
    }

    /// Backward of `h = f(pre)` over units [j0, j1): `dPre = dh ⊙ f'(pre)`, with f'
    /// written in terms of h.
    static func rnnBackward(_ activation: Activation, batch: Int, hidden: Int, units: Range<Int>,
                            hidden h: UnsafePointer<Float>, dHidden dh: UnsafePointer<Float>, dPre: UnsafeMutablePointer<Float>) {
        let kind = activationKind(activation)
        if units.count == hidden {
            recur_activation_backward(kind, Int32(batch * hidden), h, dh, dPre)
            return
        }
        for row in 0..<batch {
            let offset = row * hidden + units.lowerBound
            recur_activation_backward(kind, Int32(units.count), h + offset, dh + offset, dPre + offset)
        }
    }

    // MARK: - LSTM

    /// gates (B, 4H): pre-activations in, activations [i f g o] out.
    /// c = f ⊙ c_prev + i ⊙ g ; h = o ⊙ tanh(c). cPrev (B, H) → c (B, H), tanhC (B, H)
    /// cached for backward, h (B, H).
    static func lstmForward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafeMutablePointer<Float>,
                            cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                            tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        recur_lstm_forward(Int32(batch), Int32(hidden), Int32(units.lowerBound), Int32(units.upperBound), gates, cPrev, c, tanhC, h)
    }

    /// Backward of one LSTM step. `dh` (B, H) is the total gradient reaching h_t;
    /// `dc` (B, H) holds dL/dc_t from step t+1 on entry and dL/dc_{t-1} on exit.
    /// Writes dPre (B, 4H), the gradient of the gate pre-activations.
    static func lstmBackward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafePointer<Float>,
                             cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                             dPre: UnsafeMutablePointer<Float>) {
        recur_lstm_backward(Int32(batch), Int32(hidden), Int32(units.lowerBound), Int32(units.upperBound),
                            gates, cPrev, tanhC, dh, dc, dPre)
    }

    // MARK: - GRU

    /// gates (B, 3H): input pre-activations W_i· x + b_i· in, activations [r z n] out.
    /// hiddenPart (B, 3H): W_h· h_prev + b_h·, kept for backward (its n block is needed).
    /// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) ; h = (1 − z) ⊙ n + z ⊙ h_prev.
    static func gruForward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafeMutablePointer<Float>,
                           hiddenPart: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                           h: UnsafeMutablePointer<Float>) {
        recur_gru_forward(Int32(batch), Int32(hidden), Int32(units.lowerBound), Int32(units.upperBound), gates, hiddenPart, hPrev, h)
    }

    /// Backward of one GRU step. Writes dInputPart (B, 3H) — the gradient of the input
    /// pre-activations — and dHiddenPart (B, 3H) — of W_h· h_prev + b_h·; writes the direct
    /// path z ⊙ dh to dhPrevDirect (B, H).
    static func gruBackward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafePointer<Float>,
                            hiddenPart: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                            dh: UnsafePointer<Float>, dInputPart: UnsafeMutablePointer<Float>,
                            dHiddenPart: UnsafeMutablePointer<Float>, dhPrevDirect: UnsafeMutablePointer<Float>) {
        recur_gru_backward(Int32(batch), Int32(hidden), Int32(units.lowerBound), Int32(units.upperBound),
                           gates, hiddenPart, hPrev, dh, dInputPart, dHiddenPart, dhPrevDirect)
    }
}
