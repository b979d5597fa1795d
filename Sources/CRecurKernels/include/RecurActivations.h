// RecurActivations: fused element-wise kernels for one time step of the RNN, LSTM and GRU
// cells, plus the row/vector helpers the training loop runs between matrix products.
//
// Why: after the GEMMs, each time step still has to squash every gate (exp/tanh per
// element) and combine the gates. Done with scalar libm calls that is slower than the
// recurrent product itself at small batch sizes; here it is one pass over memory with
// 8-wide AVX2+FMA polynomial exp/tanh.
//
// Conventions (all row-major fp32, all sizes ≥ 0, any pointer alignment):
// - B rows (batch), H hidden units. Gate blocks are stacked per row the way PyTorch
//   stacks them: LSTM [i f g o] (row width 4H), GRU [r z n] (row width 3H). State
//   matrices (c, h, ...) are (B, H). Row strides are fixed at 4H / 3H / H.
// - Cell kernels process rows 0..B-1 and only the units j0 ≤ j < j1 (0 ≤ j0 ≤ j1 ≤ H),
//   in every gate block, so threads can split the units; nothing outside that column
//   range is read or written. Results do not depend on the split: every element is
//   computed by the same instruction sequence wherever it falls (tails use masked
//   vector loads rather than a scalar loop), so 1 thread and N threads agree bit for bit.
// - An output may be the very same buffer as an input of the same shape (in-place, e.g.
//   dPre == dh, h == hPrev); partially overlapping buffers are not supported.
// - The code path follows recur_kernels_path() (RecurKernels.h; RECUR_KERNELS=portable
//   or recur_kernels_set_path(RECUR_KERNELS_PORTABLE) select the fallback; the AVX-512
//   path adds 16-lane twins of the LSTM forward, bit-identical to AVX2, and of softmax
//   rows ≥ 512 wide, and runs the AVX2 code for the rest; NEON has 4-lane twins of the
//   AVX2 cell kernels, exp and softmax, bit-identical in exp/σ/tanh):
//   AVX2+FMA with polynomial exp/tanh (max error over all floats: exp 8.6e-8 relative;
//   σ 9e-8 absolute, 1.5e-7 relative; tanh 1.5e-7 absolute, 1.9e-7 relative), or
//   portable C that calls expf/tanhf from libm and performs the same float operations
//   in the same order as the Swift loops it replaces, never contracted into FMAs (so
//   bit-identical results, on ARM64 too).
// - Everything runs on the calling thread; concurrent calls writing disjoint memory are
//   safe.
#ifndef RECUR_ACTIVATIONS_H
#define RECUR_ACTIVATIONS_H

#ifdef __cplusplus
extern "C" {
#endif

/// `kind` argument of the vanilla-RNN activation functions.
enum {
    RECUR_ACTIVATION_TANH = 0,
    RECUR_ACTIVATION_SIGMOID = 1,
    RECUR_ACTIVATION_RELU = 2,
};

// MARK: - LSTM

/// Forward element-wise part of one LSTM step, for units [j0, j1) of every row.
/// gates (B, 4H): pre-activations in (W_ih·x + b_ih + W_hh·h + b_hh), activations out in
/// place: i = σ, f = σ, g = tanh, o = σ (kept for backward).
/// cPrev (B, H) → c = f·cPrev + i·g (B, H), tanhC = tanh(c) (B, H, kept for backward),
/// h = o·tanhC (B, H).
void recur_lstm_forward(int B, int H, int j0, int j1, float *gates, const float *cPrev,
                        float *c, float *tanhC, float *h);

/// Backward of one LSTM step, for units [j0, j1) of every row.
/// gates (B, 4H) holds the activations [i f g o] from forward; cPrev, tanhC (B, H) too.
/// dh (B, H): total gradient reaching h_t. dc (B, H): dL/dc_t from step t+1 on entry,
/// dL/dc_{t-1} on exit. dPre (B, 4H) receives the gradient of the gate pre-activations:
///   dOutput = dh·tanhC ; dCell = dc + dh·o·(1 − tanhC²)
///   dI = dCell·g ; dG = dCell·i ; dF = dCell·cPrev ; dc ← dCell·f
///   dPre = [dI·i(1−i), dF·f(1−f), dG·(1−g²), dOutput·o(1−o)]
void recur_lstm_backward(int B, int H, int j0, int j1, const float *gates,
                         const float *cPrev, const float *tanhC, const float *dh,
                         float *dc, float *dPre);

// MARK: - GRU

/// Forward element-wise part of one GRU step, for units [j0, j1) of every row.
/// gates (B, 3H): input pre-activations a = W_i·x + b_i· in, activations [r z n] out.
/// hiddenPart p (B, 3H) = W_h·h_prev + b_h· (read only; backward needs its n block).
///   r = σ(a_r + p_r), z = σ(a_z + p_z), n = tanh(a_n + r·p_n), h = (1 − z)·n + z·hPrev
/// hPrev, h: (B, H).
void recur_gru_forward(int B, int H, int j0, int j1, float *gates, const float *hiddenPart,
                       const float *hPrev, float *h);

/// Backward of one GRU step, for units [j0, j1) of every row. gates (B, 3H) holds the
/// activations [r z n]; hiddenPart p (B, 3H) and hPrev (B, H) as in forward; dh (B, H) is
/// the total gradient reaching h_t. Overwrites (does not add to):
///   dhPrevDirect (B, H) = dh·z   (the direct path; the W_h path comes from dHiddenPart)
///   dInputPart (B, 3H)  = [dRPre, dZPre, dNPre]        (gradient of a)
///   dHiddenPart (B, 3H) = [dRPre, dZPre, dNPre·r]      (gradient of p)
/// with dN = dh(1−z), dZ = dh(hPrev − n), dNPre = dN(1−n²), dRPre = dNPre·p_n·r(1−r),
/// dZPre = dZ·z(1−z).
void recur_gru_backward(int B, int H, int j0, int j1, const float *gates,
                        const float *hiddenPart, const float *hPrev, const float *dh,
                        float *dInputPart, float *dHiddenPart, float *dhPrevDirect);

// MARK: - Vanilla RNN activations

/// In place x = f(x) over `count` contiguous floats; kind: RECUR_ACTIVATION_TANH (0),
/// _SIGMOID (1) or _RELU (2). Relu is Swift's max(x, 0): NaN passes through, −0 becomes
/// +0. Unknown kinds do nothing. (For units [j0, j1) of (B, H) rows, call once per row.)
void recur_activation_forward(int kind, int count, float *x);

/// dPre = dh·f'(pre) over `count` floats, with f' written in terms of the output h:
/// tanh 1 − h², sigmoid h(1 − h), relu (h > 0 ? dh : 0). dPre may be dh.
void recur_activation_backward(int kind, int count, const float *h, const float *dh,
                               float *dPre);

// MARK: - Rows and vectors

/// y = exp(x) over `count` floats (y may be x). Underflows to 0 below ≈ −103.97 (with
/// subnormal results between), overflows to +inf above ≈ 88.72, NaN stays NaN.
/// Exposed for tests and for callers that need a fast exp (perplexity, sampling).
void recur_exp(int count, const float *x, float *y);

/// Numerically stable softmax of each row of a (rows, width) matrix, in place:
/// x ← exp(x − max(row)) / Σ exp(x − max(row)). The sum is accumulated in fp32 in 8
/// lanes (AVX2), 4 lanes (NEON) or sequentially (fallback). A NaN anywhere makes its row NaN.
void recur_softmax_rows(int rows, int width, float *x);

/// matrix (rows, width) += bias (width) on every row, or += (bias[j] + bias2[j]) when
/// bias2 is not NULL (the two RNN biases b_ih + b_hh, summed first as in Swift).
void recur_add_rows(int rows, int width, const float *bias, const float *bias2,
                    float *matrix);

/// sums (width) += Σ over rows of matrix (rows, width; row stride ld ≥ width): bias
/// gradients; the stride lets cores take blocks of columns. Each column is
/// totalled in fp32 over the rows first (rows taken four at a time, pairwise), then the
/// total is added to sums[j]; both code paths use this order and give the same bits.
void recur_column_sums(int rows, int width, const float *matrix, int ld, float *sums);

/// y += x over `count` floats (gradient accumulation).
void recur_add(int count, const float *x, float *y);

/// x *= s over `count` floats (gradient clipping, loss scaling).
void recur_scale(int count, float s, float *x);

/// Σ x² over `count` floats, accumulated in double (the global gradient norm).
double recur_sum_squares(int count, const float *x);

/// Adam's per-step constants (Optimizer.swift computes them once per update).
typedef struct {
    float gradientScale;     // multiplies the gradient first (clipping)
    float weightDecay;       // L2 penalty λ added to the gradient
    float beta1, beta2;
    float stepSize;          // learning rate / (1 − β1ᵗ)
    float correction2Root;   // √(1 − β2ᵗ)
    float epsilon;
} recur_adam_constants;

/// One Adam update of `count` parameters p with gradients g and moments m, v (all
/// updated in place but g). Exists because Swift turns SIMD square roots into one libm
/// call per lane: the scalar Swift loop was ~2.4% of a char-LSTM training step. Every
/// path computes each element with the same operations in the same order, no FMA, so
/// all paths give the same bits as the former Swift loop.
void recur_adam_update(int count, float *p, const float *g, float *m, float *v,
                       const recur_adam_constants *constants);

#ifdef __cplusplus
}
#endif

#endif // RECUR_ACTIVATIONS_H
