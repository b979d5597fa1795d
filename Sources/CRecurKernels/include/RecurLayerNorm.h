// RecurLayerNorm: layer normalisation (Ba, Kiros & Hinton 2016) over rows, and the part of
// a layer-normalised LSTM step that the plain LSTM kernels cannot do (the cell state is
// normalised before its tanh). Recur's `--norm layer` cells are built from these and the
// per-path cell kernels of RecurActivations.h.
//
// Why one portable routine for every path: a row's statistics are two reductions and the
// rest is one multiply-add per element, a few percent of a step next to the GEMMs and the
// exp/tanh of the gates (which stay on the AVX2/AVX-512/NEON kernels). Sums are taken in
// double, so the result does not depend on the path or on how threads split the rows.
//
// Conventions: row-major fp32, rows contiguous with stride `width`, any alignment.
//   x̂ = (x − mean(x)) / √(var(x) + ε), var the biased (1/width) variance as nn.LayerNorm
//   y = gain ⊙ x̂ + bias
#ifndef RECUR_LAYER_NORM_H
#define RECUR_LAYER_NORM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Forward over `rows` rows of `width`: xhat (rows, width) and rstd (rows) = 1/√(var + ε)
/// are kept for backward; y (rows, width) = gain ⊙ x̂ + bias, added to y's contents when
/// `accumulate` is non-zero (a gate that already holds the input half). xhat may be x.
void recur_layer_norm_forward(int rows, int width, float epsilon, const float *x,
                              const float *gain, const float *bias, float *xhat,
                              float *rstd, float *y, int accumulate);

/// Backward to the input: dx = rstd · (dŷ − mean(dŷ) − x̂ · mean(dŷ ⊙ x̂)) with
/// dŷ = dy ⊙ gain, per row. dx may be dy. The gain's and bias's gradients are left to
/// recur_layer_norm_parameter_gradients, so that threads may split the rows.
void recur_layer_norm_backward(int rows, int width, const float *dy, const float *xhat,
                               const float *rstd, const float *gain, float *dx);

/// dGain (width) += Σ_rows dy ⊙ x̂ and dBias (width) += Σ_rows dy, over columns
/// [j0, j1) (so threads may split the columns).
void recur_layer_norm_parameter_gradients(int rows, int width, int j0, int j1, const float *dy,
                                          const float *xhat, float *dGain, float *dBias);

/// The end of a layer-normalised LSTM step, for B rows and all H units, after
/// recur_lstm_forward has left the activations [i f g o] in gates (B, 4H) and c (B, H):
///   ĉ = LN(c) (xhatC, rstdC kept), tanhC = tanh(gainC ⊙ ĉ + biasC), h = o ⊙ tanhC.
/// The tanh is recur_activation_forward's, so it follows the kernel path like the gates'.
void recur_lstm_norm_output(int B, int H, float epsilon, const float *gates, const float *c,
                            const float *gainC, const float *biasC, float *xhatC, float *rstdC,
                            float *tanhC, float *h);

/// Backward of one layer-normalised LSTM step, for B rows and all H units. gates (B, 4H)
/// hold [i f g o], cPrev, tanhC, xhatC (B, H) and rstdC (B) come from forward; dh (B, H)
/// is the total gradient reaching h_t; dc (B, H) holds dL/dc_t from step t+1 on entry and
/// dL/dc_{t−1} on exit; dNormC (B, H) receives dL/d(gainC ⊙ ĉ + biasC), for the gain's
/// and bias's gradients. Writes dPre (B, 4H):
///   dNormC = dh·o·(1 − tanhC²) ; dCell = dc + LN-backward(dNormC)
///   dI = dCell·g ; dG = dCell·i ; dF = dCell·cPrev ; dc ← dCell·f ; dO = dh·tanhC
///   dPre = [dI·i(1−i), dF·f(1−f), dG·(1−g²), dO·o(1−o)]
void recur_lstm_norm_backward(int B, int H, const float *gates, const float *cPrev,
                              const float *tanhC, const float *xhatC, const float *rstdC,
                              const float *gainC, const float *dh, float *dc, float *dNormC,
                              float *dPre);

#ifdef __cplusplus
}
#endif

#endif // RECUR_LAYER_NORM_H
