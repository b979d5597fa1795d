// Element-wise parts of one time step of each cell, forward and backward, over a block
// of B rows and a range of hidden units (so threads can split the units). The matrix
// products around them live in TrainingGraph; these loops are shared by training and
// sampling so both compute exactly the same numbers.
//
// Legend: B batch rows, H hidden units; gate blocks are stacked as PyTorch stacks them:
// LSTM [i f g o], GRU [r z n], each H wide.
import Foundation

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

enum CellKernels {
    // MARK: - Vanilla RNN

    /// `h = f(pre)` in place over units [j0, j1) of (B, H). `pre` already holds
    /// W_ih x + b_ih + W_hh h + b_hh.
    static func rnnForward(_ activation: Activation, batch: Int, hidden: Int, units: Range<Int>,
                           preToHidden: UnsafeMutablePointer<Float>) {
        for row in 0..<batch {
            let x = preToHidden + row * hidden
            switch activation {
            case .tanh: for j in units { x[j] = tanhf(x[j]) }
            case .sigmoid: for j in units { x[j] = sigmoid(x[j]) }
            case .relu: for j in units { x[j] = max(x[j], 0) }
            }
        }
    }

    /// Backward of `h = f(pre)` over units [j0, j1): `dPre = dh ⊙ f'(pre)`, with f'
    /// written in terms of h.
    static func rnnBackward(_ activation: Activation, batch: Int, hidden: Int, units: Range<Int>,
                            hidden h: UnsafePointer<Float>, dHidden dh: UnsafePointer<Float>, dPre: UnsafeMutablePointer<Float>) {
        for row in 0..<batch {
            let o = row * hidden
            switch activation {
            case .tanh: for j in units { dPre[o + j] = dh[o + j] * (1 - h[o + j] * h[o + j]) }
            case .sigmoid: for j in units { dPre[o + j] = dh[o + j] * h[o + j] * (1 - h[o + j]) }
            case .relu: for j in units { dPre[o + j] = h[o + j] > 0 ? dh[o + j] : 0 }
            }
        }
    }

    // MARK: - LSTM

    /// gates (B, 4H): pre-activations in, activations [i f g o] out.
    /// cPrev (B, H) → c (B, H), tanhC (B, H) cached for backward, h (B, H).
    static func lstmForward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafeMutablePointer<Float>,
                            cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                            tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let H = hidden
        for row in 0..<batch {
            let g = gates + row * 4 * H
            let rowOffset = row * H
            for j in units {
                let input = sigmoid(g[j])
                let forget = sigmoid(g[H + j])
                let candidate = tanhf(g[2 * H + j])
                let output = sigmoid(g[3 * H + j])
                g[j] = input; g[H + j] = forget; g[2 * H + j] = candidate; g[3 * H + j] = output
                // c = f ⊙ c_prev + i ⊙ g ;  h = o ⊙ tanh(c)
                let cell = forget * cPrev[rowOffset + j] + input * candidate
                let squashed = tanhf(cell)
                c[rowOffset + j] = cell
                tanhC[rowOffset + j] = squashed
                h[rowOffset + j] = output * squashed
            }
        }
    }

    /// Backward of one LSTM step. `dh` (B, H) is the total gradient reaching h_t;
    /// `dc` (B, H) holds dL/dc_t from step t+1 on entry and dL/dc_{t-1} on exit.
    /// Writes dPre (B, 4H), the gradient of the gate pre-activations.
    static func lstmBackward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafePointer<Float>,
                             cPrev: UnsafePointer<Float>, tanhC: UnsafePointer<Float>,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                             dPre: UnsafeMutablePointer<Float>) {
        let H = hidden
        for row in 0..<batch {
            let g = gates + row * 4 * H
            let d = dPre + row * 4 * H
            let rowOffset = row * H
            for j in units {
                let input = g[j], forget = g[H + j], candidate = g[2 * H + j], output = g[3 * H + j]
                let squashed = tanhC[rowOffset + j]
                let dHidden = dh[rowOffset + j]
                // h = o ⊙ tanh(c)
                let dOutput = dHidden * squashed
                let dCell = dc[rowOffset + j] + dHidden * output * (1 - squashed * squashed)
                // c = f ⊙ c_prev + i ⊙ g
                let dInput = dCell * candidate
                let dCandidate = dCell * input
                let dForget = dCell * cPrev[rowOffset + j]
                dc[rowOffset + j] = dCell * forget
                d[j] = dInput * input * (1 - input)
                d[H + j] = dForget * forget * (1 - forget)
                d[2 * H + j] = dCandidate * (1 - candidate * candidate)
                d[3 * H + j] = dOutput * output * (1 - output)
            }
        }
    }

    // MARK: - GRU

    /// gates (B, 3H): input pre-activations W_i· x + b_i· in, activations [r z n] out.
    /// hiddenPart (B, 3H): W_h· h_prev + b_h·, kept for backward (its n block is needed).
    /// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) ; h = (1 − z) ⊙ n + z ⊙ h_prev.
    static func gruForward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafeMutablePointer<Float>,
                           hiddenPart: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                           h: UnsafeMutablePointer<Float>) {
        let H = hidden
        for row in 0..<batch {
            let g = gates + row * 3 * H
            let p = hiddenPart + row * 3 * H
            let rowOffset = row * H
            for j in units {
                let reset = sigmoid(g[j] + p[j])
                let update = sigmoid(g[H + j] + p[H + j])
                let candidate = tanhf(g[2 * H + j] + reset * p[2 * H + j])
                g[j] = reset; g[H + j] = update; g[2 * H + j] = candidate
                h[rowOffset + j] = (1 - update) * candidate + update * hPrev[rowOffset + j]
            }
        }
    }

    /// Backward of one GRU step. Writes dInputPart (B, 3H) — the gradient of the input
    /// pre-activations — and dHiddenPart (B, 3H) — of W_h· h_prev + b_h·; writes the direct
    /// path z ⊙ dh to dhPrevDirect (B, H).
    static func gruBackward(batch: Int, hidden: Int, units: Range<Int>, gates: UnsafePointer<Float>,
                            hiddenPart: UnsafePointer<Float>, hPrev: UnsafePointer<Float>,
                            dh: UnsafePointer<Float>, dInputPart: UnsafeMutablePointer<Float>,
                            dHiddenPart: UnsafeMutablePointer<Float>, dhPrevDirect: UnsafeMutablePointer<Float>) {
        let H = hidden
        for row in 0..<batch {
            let g = gates + row * 3 * H
            let p = hiddenPart + row * 3 * H
            let di = dInputPart + row * 3 * H
            let dp = dHiddenPart + row * 3 * H
            let rowOffset = row * H
            for j in units {
                let reset = g[j], update = g[H + j], candidate = g[2 * H + j]
                let dHidden = dh[rowOffset + j]
                // h = (1 − z) ⊙ n + z ⊙ h_prev
                let dCandidate = dHidden * (1 - update)
                let dUpdate = dHidden * (hPrev[rowOffset + j] - candidate)
                dhPrevDirect[rowOffset + j] = dHidden * update
                // n = tanh(a_n + r ⊙ b_n)
                let dCandidatePre = dCandidate * (1 - candidate * candidate)
                let dReset = dCandidatePre * p[2 * H + j]
                let dResetPre = dReset * reset * (1 - reset)
                let dUpdatePre = dUpdate * update * (1 - update)
                di[j] = dResetPre; di[H + j] = dUpdatePre; di[2 * H + j] = dCandidatePre
                dp[j] = dResetPre; dp[H + j] = dUpdatePre; dp[2 * H + j] = dCandidatePre * reset
            }
        }
    }
}
