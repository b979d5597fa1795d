// One line of a run's JSON-lines log (`recur train --log`, or the PyTorch trainer's), read
// at the trust boundary: every number is checked before the workbench draws it.
import Foundation

/// A training step as the log records it. Unknown keys are ignored.
public struct LogRecord: Sendable, Equatable {
    public var step: Int
    public var tokens: Int
    public var loss: Double
    public var gradientNorm: Double?
    /// Present on evaluation steps.
    public var validationLoss: Double?
    /// Unix epoch seconds, written by trainers that let a watcher compute tokens/s.
    public var time: Double?

    public init(step: Int, tokens: Int, loss: Double, gradientNorm: Double? = nil, validationLoss: Double? = nil, time: Double? = nil) {
        self.step = step
        self.tokens = tokens
        self.loss = loss
        self.gradientNorm = gradientNorm
        self.validationLoss = validationLoss
        self.time = time
    }

    private struct Line: Decodable {
        var step: Int
        var tokens: Int
        var loss: Double
        var grad_norm: Double?
        var val_loss: Double?
        var time: Double?
    }

    /// The record of one line (without its newline), or nil when the line is not a log
    /// record: not JSON, a key missing or of the wrong type, a count out of range, a loss
    /// that is not a finite, non-negative number.
    public init?(line: Data, decoder: JSONDecoder = JSONDecoder()) {
        guard let decoded = try? decoder.decode(Line.self, from: line) else { return nil }
        let counts = 0...TrainingProgress.counterLimit
        guard counts.contains(decoded.step), counts.contains(decoded.tokens), decoded.loss.isFinite, decoded.loss >= 0 else { return nil }
        for value in [decoded.grad_norm, decoded.val_loss, decoded.time] {
            if let value, !value.isFinite || value < 0 { return nil }
        }
        self.init(step: decoded.step, tokens: decoded.tokens, loss: decoded.loss, gradientNorm: decoded.grad_norm,
                  validationLoss: decoded.val_loss, time: decoded.time)
    }
}
