// An independent, deliberately naive Double-precision implementation of the language
// model (one matrix-vector product at a time, no shared code with the engine). The
// gradient checks differentiate it numerically and hold the engine's backward against it.
import Foundation
@testable import RecurEngine

struct ReferenceModel {
    let config: ModelConfig
    var parameters: [String: [Double]]
    /// Fixed dropout masks, as the engine drew them: site l in 1..<L multiplies layer l's
    /// input, site L the decoder's input; each (T·B, H) with row t·B + b. Empty: no dropout.
    var dropoutMasks: [Int: [Double]] = [:]

    init(model: LanguageModel) {
        config = model.config
        var parameters: [String: [Double]] = [:]
        for slot in model.layout.slots {
            parameters[slot.name] = (0..<slot.count).map { Double(model.parameters[slot.offset + $0]) }
        }
        self.parameters = parameters
    }

    /// y = W x + b for W stored (rows, columns) row-major, using rows [first, first+count).
    func affine(_ weight: String, _ bias: String, rows first: Int, count: Int, _ x: [Double]) -> [Double] {
        let w = parameters[weight]!, b = parameters[bias]!
        let columns = x.count
        return (0..<count).map { r in
            var sum = b[first + r]
            for c in 0..<columns { sum += w[(first + r) * columns + c] * x[c] }
            return sum
        }
    }

    func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// gain ⊙ (x − mean) / √(var + ε) + bias with the gain and bias of `rnn.layer_norm_<part>_l<layer>`,
    /// var the biased variance (nn.LayerNorm).
    func layerNorm(_ x: [Double], _ part: String, _ layer: Int) -> [Double] {
        let gain = parameters["rnn.layer_norm_\(part)_l\(layer).weight"]!, bias = parameters["rnn.layer_norm_\(part)_l\(layer).bias"]!
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)
        let scale = 1 / (variance + Double(NormKind.epsilon)).squareRoot()
        return x.indices.map { gain[$0] * (x[$0] - mean) * scale + bias[$0] }
    }

    /// W_<part> v + b_<part> for `part` "ih" or "hh" of `layer`; with norm layer,
    /// LN_<part>(W_<part> v) + b_<part>.
    func projection(_ part: String, _ layer: Int, rows: Int, _ v: [Double]) -> [Double] {
        let weight = "rnn.weight_\(part)_l\(layer)", bias = "rnn.bias_\(part)_l\(layer)"
        guard config.norm == .layer else { return affine(weight, bias, rows: 0, count: rows, v) }
        let normalised = layerNorm(product(weight, rows: rows, v), part, layer)
        return zip(normalised, parameters[bias]!).map { $0 + $1 }
    }

    /// Mean cross-entropy over a (T, B) chunk, starting from `state` (per layer h, c,
    /// zero when nil) and returning the state after the chunk.
    func loss(inputs: [[Int]], targets: [[Int]], state: [[[Double]]]? = nil) -> (loss: Double, state: [[[Double]]]) {
        let T = inputs.count, B = inputs[0].count, H = config.hidden, L = config.layers
        let E = config.embed
        // state[b][layer] = h ++ c
        var hs = state ?? Array(repeating: Array(repeating: Array(repeating: 0, count: 2 * H), count: L), count: B)
        var total = 0.0
        for t in 0..<T {
            for b in 0..<B {
                let token = inputs[t][b]
                var x = (0..<E).map { parameters["encoder.weight"]![token * E + $0] }
                for layer in 0..<L {
                    if let mask = dropoutMasks[layer], layer > 0 {
                        x = (0..<H).map { x[$0] * mask[(t * B + b) * H + $0] }
                    }
                    let h = Array(hs[b][layer][0..<H]), c = Array(hs[b][layer][H..<2 * H])
                    var newH = [Double](repeating: 0, count: H), newC = c
                    switch config.cell {
                    case .rnn:
                        let a = projection("ih", layer, rows: H, x), r = projection("hh", layer, rows: H, h)
                        for j in 0..<H {
                            let pre = a[j] + r[j]
                            switch config.activation {
                            case .tanh: newH[j] = tanh(pre)
                            case .sigmoid: newH[j] = sigmoid(pre)
                            case .relu: newH[j] = max(pre, 0)
                            }
                        }
                    case .lstm:
                        let a = projection("ih", layer, rows: 4 * H, x), r = projection("hh", layer, rows: 4 * H, h)
                        var output = [Double](repeating: 0, count: H)
                        for j in 0..<H {
                            let i = sigmoid(a[j] + r[j]), f = sigmoid(a[H + j] + r[H + j])
                            let g = tanh(a[2 * H + j] + r[2 * H + j])
                            output[j] = sigmoid(a[3 * H + j] + r[3 * H + j])
                            newC[j] = f * c[j] + i * g
                        }
                        // Layer norm: h = o ⊙ tanh(LN_c(c)), and c (not LN_c(c)) is carried.
                        let shown = config.norm == .layer ? layerNorm(newC, "c", layer) : newC
                        for j in 0..<H { newH[j] = output[j] * tanh(shown[j]) }
                    case .gru:
                        let a = projection("ih", layer, rows: 3 * H, x), r = projection("hh", layer, rows: 3 * H, h)
                        for j in 0..<H {
                            let reset = sigmoid(a[j] + r[j]), update = sigmoid(a[H + j] + r[H + j])
                            let n = tanh(a[2 * H + j] + reset * r[2 * H + j])
                            newH[j] = (1 - update) * n + update * h[j]
                        }
                    }
                    hs[b][layer] = newH + newC
                    x = newH
                }
                if let mask = dropoutMasks[L] { x = (0..<H).map { x[$0] * mask[(t * B + b) * H + $0] } }
                total -= logProbability(of: targets[t][b], after: x)
            }
        }
        return (total / Double(T * B), hs)
    }

    /// W x for W stored (rows, x.count) row-major, without bias.
    func product(_ weight: String, rows: Int, _ x: [Double]) -> [Double] {
        let w = parameters[weight]!
        return (0..<rows).map { r in (0..<x.count).reduce(0.0) { $0 + w[r * x.count + $1] * x[$1] } }
    }

    func logSoftmax(_ logits: [Double]) -> [Double] {
        let largest = logits.max()!
        let logSum = log(logits.map { exp($0 - largest) }.reduce(0, +)) + largest
        return logits.map { $0 - logSum }
    }

    /// log p(token | top hidden output x): the full softmax, or the adaptive softmax as
    /// PyTorch's AdaptiveLogSoftmaxWithLoss defines it (head over the shortlist and one
    /// logit per cluster; a cluster's tail projects, then scores its own tokens).
    func logProbability(of token: Int, after x: [Double]) -> Double {
        switch config.softmax {
        case .full:
            return logSoftmax(affine("decoder.weight", "decoder.bias", rows: 0, count: config.vocabularySize, x))[token]
        case .adaptive:
            let bounds = config.cutoffs + [config.vocabularySize], shortlist = config.cutoffs[0]
            let head = logSoftmax(product("decoder.head.weight", rows: shortlist + config.cutoffs.count, x))
            guard token >= shortlist else { return head[token] }
            let cluster = bounds.firstIndex { token < $0 }! - 1
            let width = parameters["decoder.tail.\(cluster).0.weight"]!.count / x.count
            let projection = product("decoder.tail.\(cluster).0.weight", rows: width, x)
            let tail = logSoftmax(product("decoder.tail.\(cluster).1.weight", rows: bounds[cluster + 1] - bounds[cluster], projection))
            return head[shortlist + cluster] + tail[token - bounds[cluster]]
        }
    }

    /// Central difference of the mean loss with respect to one parameter, in Double.
    /// `alsoIn` names tensors that share this parameter (a tied decoder): they move together.
    mutating func numericGradient(_ name: String, _ index: Int, inputs: [[Int]], targets: [[Int]], epsilon: Double = 1e-5,
                                  alsoIn shared: [String] = []) -> Double {
        let names = [name] + shared
        let original = parameters[name]![index]
        for tensor in names { parameters[tensor]![index] = original + epsilon }
        let plus = loss(inputs: inputs, targets: targets).loss
        for tensor in names { parameters[tensor]![index] = original - epsilon }
        let minus = loss(inputs: inputs, targets: targets).loss
        for tensor in names { parameters[tensor]![index] = original }
        return (plus - minus) / (2 * epsilon)
    }
}
