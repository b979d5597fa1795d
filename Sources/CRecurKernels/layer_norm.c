// Layer normalisation over rows and the layer-normalised LSTM step's own part; see
// RecurLayerNorm.h for the API, shapes and why one routine serves every kernel path.
#include "RecurLayerNorm.h"
#include "RecurActivations.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

// Written once for every path, so no a·b + c may become an FMA on one compiler and not
// on another: the same bits on x86-64 and ARM64.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/// mean and 1/√(var + ε) of one row, both sums in double.
static void row_statistics(int width, float epsilon, const float *x, float *mean, float *rstd) {
    double sum = 0;
    for (int j = 0; j < width; j++) sum += x[j];
    double mu = sum / width, squares = 0;
    for (int j = 0; j < width; j++) {
        double centred = x[j] - mu;
        squares += centred * centred;
    }
    *mean = (float)mu;
    *rstd = (float)(1.0 / sqrt(squares / width + epsilon));
}

void recur_layer_norm_forward(int rows, int width, float epsilon, const float *x,
                              const float *gain, const float *bias, float *xhat,
                              float *rstd, float *y, int accumulate) {
    for (int r = 0; r < rows; r++) {
        size_t offset = (size_t)r * width;
        float mean, scale;
        row_statistics(width, epsilon, x + offset, &mean, &scale);
        rstd[r] = scale;
        for (int j = 0; j < width; j++) {
            float normalised = (x[offset + j] - mean) * scale;
            xhat[offset + j] = normalised;
            float out = gain[j] * normalised + bias[j];
            y[offset + j] = accumulate ? y[offset + j] + out : out;
        }
    }
}

// y = gain ⊙ x̂ + b, x̂ = (x − μ)·s, s = (var + ε)^−½. With dŷ = dy ⊙ gain:
//   ∂x̂_k/∂x_j = s (δ_jk − 1/n − x̂_j x̂_k / n)
//   ⇒ dx_j = s (dŷ_j − mean(dŷ) − x̂_j · mean(dŷ ⊙ x̂))
void recur_layer_norm_backward(int rows, int width, const float *dy, const float *xhat,
                               const float *rstd, const float *gain, float *dx) {
    for (int r = 0; r < rows; r++) {
        size_t offset = (size_t)r * width;
        double sum = 0, projected = 0;
        for (int j = 0; j < width; j++) {
            double scaled = (double)dy[offset + j] * gain[j];
            sum += scaled;
            projected += scaled * xhat[offset + j];
        }
        float meanScaled = (float)(sum / width), meanProjected = (float)(projected / width);
        float scale = rstd[r];
        for (int j = 0; j < width; j++) {
            float scaled = dy[offset + j] * gain[j];
            dx[offset + j] = scale * (scaled - meanScaled - xhat[offset + j] * meanProjected);
        }
    }
}

// y = gain ⊙ x̂ + bias  ⇒  dGain += Σ dy ⊙ x̂, dBias += Σ dy. Rows in the outer loop, so
// memory is read in order (a column at a time strides by the whole row width).
void recur_layer_norm_parameter_gradients(int rows, int width, int j0, int j1, const float *dy,
                                          const float *xhat, float *dGain, float *dBias) {
    int n = j1 - j0;
    if (n <= 0) return;
    double *sums = calloc(2 * (size_t)n, sizeof *sums);
    if (!sums) abort();
    double *gainSums = sums, *biasSums = sums + n;
    for (int r = 0; r < rows; r++) {
        const float *dyRow = dy + (size_t)r * width + j0, *xhatRow = xhat + (size_t)r * width + j0;
        for (int j = 0; j < n; j++) {
            gainSums[j] += (double)dyRow[j] * xhatRow[j];
            biasSums[j] += dyRow[j];
        }
    }
    for (int j = 0; j < n; j++) {
        dGain[j0 + j] += (float)gainSums[j];
        dBias[j0 + j] += (float)biasSums[j];
    }
    free(sums);
}

void recur_lstm_norm_output(int B, int H, float epsilon, const float *gates, const float *c,
                            const float *gainC, const float *biasC, float *xhatC, float *rstdC,
                            float *tanhC, float *h) {
    // tanhC = tanh(gainC ⊙ LN(c) + biasC), the tanh on the kernel path in effect.
    recur_layer_norm_forward(B, H, epsilon, c, gainC, biasC, xhatC, rstdC, tanhC, 0);
    recur_activation_forward(RECUR_ACTIVATION_TANH, B * H, tanhC);
    for (int b = 0; b < B; b++) {
        const float *o = gates + (size_t)b * 4 * H + 3 * (size_t)H;
        size_t row = (size_t)b * H;
        for (int j = 0; j < H; j++) h[row + j] = o[j] * tanhC[row + j];
    }
}

void recur_lstm_norm_backward(int B, int H, const float *gates, const float *cPrev,
                              const float *tanhC, const float *xhatC, const float *rstdC,
                              const float *gainC, const float *dh, float *dc, float *dNormC,
                              float *dPre) {
    // h = o ⊙ tanh(n), n = gainC ⊙ LN(c)  ⇒  dn = dh·o·(1 − tanh²)
    for (int b = 0; b < B; b++) {
        const float *o = gates + (size_t)b * 4 * H + 3 * (size_t)H;
        size_t row = (size_t)b * H;
        for (int j = 0; j < H; j++) {
            float t = tanhC[row + j];
            dNormC[row + j] = dh[row + j] * o[j] * (1.0f - t * t);
        }
    }
    // dPre's o block is free until the end: it holds dL/dc through the norm meanwhile.
    for (int b = 0; b < B; b++) {
        float *through = dPre + (size_t)b * 4 * H + 3 * (size_t)H;
        recur_layer_norm_backward(1, H, dNormC + (size_t)b * H, xhatC + (size_t)b * H, rstdC + b,
                                  gainC, through);
    }
    for (int b = 0; b < B; b++) {
        const float *g4 = gates + (size_t)b * 4 * H;
        float *d4 = dPre + (size_t)b * 4 * H;
        size_t row = (size_t)b * H;
        for (int j = 0; j < H; j++) {
            float i = g4[j], f = g4[H + j], g = g4[2 * H + j], o = g4[3 * H + j];
            // c = f ⊙ cPrev + i ⊙ g
            float dCell = dc[row + j] + d4[3 * H + j];
            float dOutput = dh[row + j] * tanhC[row + j];
            d4[j] = dCell * g * i * (1.0f - i);
            d4[H + j] = dCell * cPrev[row + j] * f * (1.0f - f);
            d4[2 * H + j] = dCell * i * (1.0f - g * g);
            d4[3 * H + j] = dOutput * o * (1.0f - o);
            dc[row + j] = dCell * f;
        }
    }
}
