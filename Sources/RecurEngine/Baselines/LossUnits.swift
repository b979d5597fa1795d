// A loss in the unit its users think in: nats per token everywhere, plus bits per
// character for character models and perplexity for word models.
import Foundation

extension TokenLevel {
    /// "1.73 bits/char" (char level) or "ppl 142.3" (word level) for `nats` per token.
    public func describe(nats: Double) -> String {
        switch self {
        case .char: String(format: "%.3f bits/char", nats / log(2))
        case .word: String(format: "ppl %.1f", exp(nats))
        }
    }
}

/// The figures `recur eval --json` reports for a loss.
public func lossFigures(nats: Double) -> [String: Double] {
    ["val_loss": nats, "bits_per_token": nats / log(2), "perplexity": exp(nats)]
}
