// The adaptive softmax output layer (Grave et al. 2017, "Efficient softmax approximation
// for GPUs") exactly as PyTorch's nn.AdaptiveLogSoftmaxWithLoss computes it: a head over
// the shortlist plus one logit per cluster, and per cluster a tail Linear(H, d_i) then
// Linear(d_i, V_i), both without bias. log p(w) = log p_head(w) for a shortlist word,
// log p_head(cluster) + log p_tail(w) for the others: exact, but a rare word's cluster
// is computed only for the rows whose target lies in it.
//
// Legend: N rows (T·B), H hidden width, S shortlist size (cutoffs[0]), C clusters,
// W = S + C the head's width, n_i the rows whose target lies in cluster i, d_i its
// projection width, V_i its size, V the vocabulary.
import CRecurKernels
import Foundation

/// Buffers and the forward/backward pass of the adaptive softmax for one graph.
final class AdaptiveSoftmax {
    private let layout: ParameterLayout
    private let shortlist: Int
    private let clusters: [(ids: Range<Int>, projection: Int)]
    private let headWidth: Int
    private let vocabularySize: Int
    private let hidden: Int

    /// (N, W) head probabilities after `prepare`, dL/dhead during backward.
    private let head: FloatBuffer
    /// Per cluster: the rows whose target lies in it (set by `prepare`).
    private var clusterRows: [[Int]]
    /// Per cluster: (n_i, H) its rows of the input, (n_i, d_i) their projections,
    /// (n_i, V_i) their probabilities within the cluster. Grown when a chunk needs more.
    private var gathered: [FloatBuffer]
    private var projected: [FloatBuffer]
    private var tailProbabilities: [FloatBuffer]
    /// Backward scratch: (n_i, d_i) dL/dprojection and (n_i, H) dL/dinput of a cluster.
    private var dProjected = FloatBuffer(count: 0)
    private var dGathered = FloatBuffer(count: 0)
    /// `distribution`'s (N, d_i) projections, kept so that sampling allocates nothing per token.
    private var distributionProjection = FloatBuffer(count: 0)
    /// The rows `prepare` counted, and whether its caches still match the targets.
    private(set) var preparedRows: Range<Int>?

    init(config: ModelConfig, rows: Int) {
        precondition(config.softmax == .adaptive)
        layout = config.layout
        shortlist = config.cutoffs[0]
        clusters = config.adaptiveClusters
        headWidth = shortlist + clusters.count
        vocabularySize = config.vocabularySize
        hidden = config.hidden
        head = FloatBuffer(count: rows * headWidth)
        clusterRows = clusters.map { _ in [] }
        gathered = clusters.map { _ in FloatBuffer(count: 0) }
        projected = clusters.map { _ in FloatBuffer(count: 0) }
        tailProbabilities = clusters.map { _ in FloatBuffer(count: 0) }
    }

    /// The cluster of a token outside the shortlist.
    private func cluster(of token: Int) -> Int {
        var index = 0
        while token >= clusters[index].ids.upperBound { index += 1 }
        return index
    }

    /// Marks the caches stale (the targets changed after the forward).
    func invalidate() { preparedRows = nil }

    // MARK: - Forward

    /// The loss forward for `counted` rows of `input` (N, H): the head over all N rows,
    /// each cluster over its rows. Returns Σ −log p(target) over the counted rows and
    /// keeps what `backward` needs.
    @discardableResult
    func prepare(input: UnsafePointer<Float>, rows: Int, targets: UnsafePointer<Int32>, counted: Range<Int>,
                 parameters: UnsafePointer<Float>) -> Double {
        let H = hidden, W = headWidth
        // head (N, W) = input · head.weight^T, then its softmax.
        Gemm.multiply(transposeB: true, m: rows, n: W, k: H, a: input, lda: H,
                      b: parameters + layout["decoder.head.weight"].offset, ldb: H, beta: 0, c: head.pointer, ldc: W)
        softmaxRows(head.pointer, rows: rows, width: W)
        for index in clusters.indices { clusterRows[index].removeAll(keepingCapacity: true) }
        var loss = 0.0
        for row in counted {
            let target = Int(targets[row])
            if target < shortlist {
                loss -= Double(logf(max(head[row * W + target], Float.leastNormalMagnitude)))
            } else {
                let index = cluster(of: target)
                clusterRows[index].append(row)
                loss -= Double(logf(max(head[row * W + shortlist + index], Float.leastNormalMagnitude)))
            }
        }
        for (index, cluster) in clusters.enumerated() where !clusterRows[index].isEmpty {
            let rowsHere = clusterRows[index], n = rowsHere.count, d = cluster.projection, size = cluster.ids.count
            grow(&gathered[index], to: n * H)
            grow(&projected[index], to: n * d)
            grow(&tailProbabilities[index], to: n * size)
            let x = gathered[index].pointer, projection = projected[index].pointer, p = tailProbabilities[index].pointer
            for (slot, row) in rowsHere.enumerated() { (x + slot * H).update(from: input + row * H, count: H) }
            // projection (n_i, d_i) = x · tail.i.0.weight^T; logits (n_i, V_i) = projection · tail.i.1.weight^T
            Gemm.multiply(transposeB: true, m: n, n: d, k: H, a: x, lda: H,
                          b: parameters + layout["decoder.tail.\(index).0.weight"].offset, ldb: H, beta: 0, c: projection, ldc: d)
            Gemm.multiply(transposeB: true, m: n, n: size, k: d, a: projection, lda: d,
                          b: parameters + layout["decoder.tail.\(index).1.weight"].offset, ldb: d, beta: 0, c: p, ldc: size)
            softmaxRows(p, rows: n, width: size)
            for (slot, row) in rowsHere.enumerated() {
                let local = Int(targets[row]) - cluster.ids.lowerBound
                loss -= Double(logf(max(p[slot * size + local], Float.leastNormalMagnitude)))
            }
        }
        preparedRows = counted
        return loss
    }

    /// The whole distribution of every row, (N, V) into `probabilities`: PyTorch's
    /// `log_prob`, exponentiated. Shortlist columns are the head's; cluster i's columns
    /// are its tail's softmax times the head's probability of the cluster.
    func distribution(input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
                      into probabilities: UnsafeMutablePointer<Float>) {
        let H = hidden, W = headWidth, V = vocabularySize
        Gemm.multiply(transposeB: true, m: rows, n: W, k: H, a: input, lda: H,
                      b: parameters + layout["decoder.head.weight"].offset, ldb: H, beta: 0, c: head.pointer, ldc: W)
        softmaxRows(head.pointer, rows: rows, width: W)
        for row in 0..<rows { (probabilities + row * V).update(from: head.pointer + row * W, count: shortlist) }
        for (index, cluster) in clusters.enumerated() {
            let d = cluster.projection, size = cluster.ids.count
            grow(&distributionProjection, to: rows * d)
            let projection = distributionProjection
            Gemm.multiply(transposeB: true, m: rows, n: d, k: H, a: input, lda: H,
                          b: parameters + layout["decoder.tail.\(index).0.weight"].offset, ldb: H, beta: 0,
                          c: projection.pointer, ldc: d)
            let columns = probabilities + cluster.ids.lowerBound
            Gemm.multiply(transposeB: true, m: rows, n: size, k: d, a: projection.pointer, lda: d,
                          b: parameters + layout["decoder.tail.\(index).1.weight"].offset, ldb: d, beta: 0,
                          c: columns, ldc: V)
            for row in 0..<rows {
                recur_softmax_rows(1, Int32(size), columns + row * V)
                recur_scale(Int32(size), head[row * W + shortlist + index], columns + row * V)
            }
        }
        preparedRows = nil
    }

    // MARK: - Backward

    /// Adds the gradient of `scale` · Σ −log p(target) over the prepared rows to
    /// `gradients` and writes dL/dinput (N, H) into `dInput` (rows not counted get 0).
    /// Destroys the cached probabilities.
    func backward(input: UnsafePointer<Float>, rows: Int, targets: UnsafePointer<Int32>, scale: Float,
                  parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
                  dInput: UnsafeMutablePointer<Float>) {
        guard let counted = preparedRows else { preconditionFailure("prepare before backward") }
        let H = hidden, W = headWidth
        // loss = −log softmax(head)[headTarget] ⇒ dhead = (p − onehot(headTarget)) · scale
        let dHead = head.pointer
        let shortlist = self.shortlist
        parallelRows(rows, width: W) { _, range in
            for row in range {
                let line = dHead + row * W
                guard counted.contains(row) else {
                    line.update(repeating: 0, count: W)
                    continue
                }
                recur_scale(Int32(W), scale, line)
                let target = Int(targets[row])
                line[target < shortlist ? target : shortlist + self.cluster(of: target)] -= scale
            }
        }
        // head = input · head.weight^T
        let headWeight = layout["decoder.head.weight"].offset
        Gemm.multiply(transposeA: true, m: W, n: H, k: rows, a: dHead, lda: W, b: input, ldb: H,
                      beta: 1, c: gradients + headWeight, ldc: H)
        Gemm.multiply(m: rows, n: H, k: W, a: dHead, lda: W, b: parameters + headWeight, ldb: H,
                      beta: 0, c: dInput, ldc: H)

        for (index, cluster) in clusters.enumerated() where !clusterRows[index].isEmpty {
            let rowsHere = clusterRows[index], n = rowsHere.count, d = cluster.projection, size = cluster.ids.count
            let x = UnsafePointer(gathered[index].pointer), projection = UnsafePointer(projected[index].pointer)
            let dLogits = tailProbabilities[index].pointer
            // loss = −log softmax(logits)[local] ⇒ dlogits = (p − onehot(local)) · scale
            for (slot, row) in rowsHere.enumerated() {
                recur_scale(Int32(size), scale, dLogits + slot * size)
                dLogits[slot * size + Int(targets[row]) - cluster.ids.lowerBound] -= scale
            }
            grow(&dProjected, to: n * d)
            grow(&dGathered, to: n * H)
            let first = layout["decoder.tail.\(index).0.weight"].offset, second = layout["decoder.tail.\(index).1.weight"].offset
            // logits = projection · tail.i.1.weight^T
            Gemm.multiply(transposeA: true, m: size, n: d, k: n, a: dLogits, lda: size, b: projection, ldb: d,
                          beta: 1, c: gradients + second, ldc: d)
            Gemm.multiply(m: n, n: d, k: size, a: dLogits, lda: size, b: parameters + second, ldb: d,
                          beta: 0, c: dProjected.pointer, ldc: d)
            // projection = x · tail.i.0.weight^T
            Gemm.multiply(transposeA: true, m: d, n: H, k: n, a: dProjected.pointer, lda: d, b: x, ldb: H,
                          beta: 1, c: gradients + first, ldc: H)
            Gemm.multiply(m: n, n: H, k: d, a: dProjected.pointer, lda: d, b: parameters + first, ldb: H,
                          beta: 0, c: dGathered.pointer, ldc: H)
            // x[slot] = input[row]: the gradient goes back to the row it came from.
            for (slot, row) in rowsHere.enumerated() { recur_add(Int32(H), dGathered.pointer + slot * H, dInput + row * H) }
        }
        preparedRows = nil
    }

    /// Replaces `buffer` with a larger one when it holds fewer than `count` floats (half
    /// as much again, so that growing chunk after chunk allocates rarely).
    private func grow(_ buffer: inout FloatBuffer, to count: Int) {
        if buffer.count < count { buffer = FloatBuffer(count: count + count / 2) }
    }
}
