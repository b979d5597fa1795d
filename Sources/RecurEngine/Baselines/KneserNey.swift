// The floor a language model should beat: interpolated Kneser–Ney n-gram models
// (Chen & Goodman 1998, "interpolated KN" with one absolute discount per order), fitted on
// the training split and scored on the validation split like the network's validation loss.
//
// For a model of order N and a context h of up to N−1 tokens:
//   P_k(w | h) = max(c_k(h w) − D_k, 0) / C_k(h) + D_k · F_k(h) / C_k(h) · P_{k−1}(w | h')
// where h' drops h's oldest token, C_k(h) = Σ_w c_k(h w), F_k(h) = #{w : c_k(h w) > 0},
// and a context never seen (C_k(h) = 0) passes straight to P_{k−1}. The counts c_k are raw
// counts at the top order k = N and continuation counts below it (c_k(g) = the number of
// distinct tokens seen just before g), and P_0(w) = 1/V, so a token never seen still has
// a probability. D_k = n1 / (n1 + 2·n2), from the numbers of k-grams counted once and twice.
// Near the start of a stream, where fewer than N−1 tokens precede, the longest context
// there is takes the top (raw-count) level.

import Foundation

/// An n-gram key: up to 8 token ids, unused lanes −1 (ids are never negative).
typealias Gram = SIMD8<Int32>

/// Counts of one order: per k-gram, and per (k−1)-token context its total and followers.
struct GramTable {
    var counts: [Gram: Int] = [:]
    var contextTotals: [Gram: Int] = [:]
    var contextFollowers: [Gram: Int] = [:]
    var discount = 0.0

    /// Fills the per-context sums and the discount from `counts`.
    mutating func finish(order: Int) {
        var once = 0, twice = 0
        for (gram, count) in counts {
            var context = gram
            context[order - 1] = -1
            contextTotals[context, default: 0] += count
            contextFollowers[context, default: 0] += 1
            if count == 1 { once += 1 } else if count == 2 { twice += 1 }
        }
        // With no twice-seen grams (tiny texts) the estimate would be 1: keep it below.
        discount = once + 2 * twice > 0 ? min(Double(once) / Double(once + 2 * twice), 0.95) : 0.5
    }
}

/// Interpolated Kneser–Ney models of every order up to `maximumOrder`, from one pass of
/// counting over a token sequence.
public struct KneserNey: Sendable {
    public let maximumOrder: Int
    public let vocabularySize: Int
    /// raw[k−1]: raw counts of k-grams; continuation[k−1]: continuation counts of k-grams.
    let raw: [GramTable]
    let continuation: [GramTable]

    /// Counts every k-gram (k ≤ `maximumOrder` ≤ 8) of `tokens`. `shouldStop` is asked
    /// now and then; when it answers true the counting ends early (a superseded job).
    public init(tokens: some Collection<Int32>, maximumOrder: Int, vocabularySize: Int, shouldStop: () -> Bool = { false }) {
        precondition((1...8).contains(maximumOrder) && vocabularySize > 0)
        self.maximumOrder = maximumOrder
        self.vocabularySize = vocabularySize
        let ids = Array(tokens)
        var raw = [GramTable](repeating: GramTable(), count: maximumOrder)
        for order in 1...maximumOrder {
            guard ids.count >= order, !shouldStop() else { break }
            for end in (order - 1)..<ids.count {
                var gram = Gram(repeating: -1)
                for lane in 0..<order { gram[lane] = ids[end - order + 1 + lane] }
                raw[order - 1].counts[gram, default: 0] += 1
            }
            raw[order - 1].finish(order: order)
        }
        // A k-gram's continuation count: how many distinct (k+1)-grams end with it.
        var continuation = [GramTable](repeating: GramTable(), count: maximumOrder)
        for order in 1..<max(maximumOrder, 1) where !shouldStop() {
            for gram in raw[order].counts.keys {
                var suffix = Gram(repeating: -1)
                for lane in 0..<order { suffix[lane] = gram[lane + 1] }
                continuation[order - 1].counts[suffix, default: 0] += 1
            }
            continuation[order - 1].finish(order: order)
        }
        self.raw = raw
        self.continuation = continuation
    }

    /// P(token | context) under the model of `order`, using the last `order − 1` tokens of
    /// `context` (fewer when it is shorter).
    public func probability(of token: Int32, after context: ArraySlice<Int32>, order: Int) -> Double {
        precondition((1...maximumOrder).contains(order))
        let history = Array(context.suffix(order - 1))
        var probability = 1 / Double(vocabularySize)
        // From the shortest context up: P_k interpolates with P_{k−1}. The top level uses raw
        // counts (also when a stream's start leaves a shorter context), those below it
        // continuation counts.
        let top = history.count + 1
        for k in 1...top {
            let table = k == top ? raw[k - 1] : continuation[k - 1]
            var contextKey = Gram(repeating: -1)
            let used = history.suffix(k - 1)
            for (lane, id) in used.enumerated() { contextKey[lane] = id }
            guard let total = table.contextTotals[contextKey], total > 0 else { continue }
            var gram = contextKey
            gram[k - 1] = token
            let count = Double(table.counts[gram] ?? 0)
            let followers = Double(table.contextFollowers[contextKey] ?? 0)
            probability = max(count - table.discount, 0) / Double(total) + table.discount * followers / Double(total) * probability
        }
        return probability
    }

    /// Mean cross-entropy (nats per token) of the model of `order` on `ids`, over exactly
    /// the tokens the network's validation loss predicts: `ids` cut into `batch` streams of
    /// ⌊n / batch⌋ tokens, every token of a stream after its first, with context from the
    /// same stream only (the network starts each stream from a zero state).
    public func loss(on ids: some Collection<Int32>, batch: Int, order: Int, shouldStop: () -> Bool = { false }) -> Double? {
        let tokens = Array(ids)
        let length = tokens.count / max(batch, 1)
        guard length >= 2 else { return nil }
        var total = 0.0, count = 0
        for stream in 0..<batch {
            guard !shouldStop() else { return nil }
            let start = stream * length
            for position in (start + 1)..<(start + length) {
                let context = tokens[max(start, position - order + 1)..<position]
                total -= log(probability(of: tokens[position], after: context, order: order))
                count += 1
            }
        }
        return total / Double(count)
    }
}

/// Floors for a run: the validation loss of n-gram models n = 1…5.
public enum NGramBaselines {
    /// The orders reported.
    public static let orders = 1...5
    /// The counts are taken from at most this many training tokens (the first ones), so a
    /// 100 MB corpus does not need gigabytes of n-gram tables; 4M covers a few megabytes
    /// of text whole.
    public static let maximumTrainingTokens = 4_000_000

    /// Fits on `training` (its first `maximumTrainingTokens`) and scores on `validation`
    /// like the network (see `KneserNey.loss`); nil when cancelled or when the validation
    /// text is too short for `batch` streams.
    public static func losses(training: some Collection<Int32>, validation: some Collection<Int32>, vocabularySize: Int,
                              batch: Int, shouldStop: () -> Bool = { false }) -> [Int: Double]? {
        let model = KneserNey(tokens: training.prefix(maximumTrainingTokens), maximumOrder: orders.upperBound,
                              vocabularySize: vocabularySize, shouldStop: shouldStop)
        var losses: [Int: Double] = [:]
        for order in orders {
            guard let loss = model.loss(on: validation, batch: batch, order: order, shouldStop: shouldStop) else { return nil }
            losses[order] = loss
        }
        return losses
    }
}
