// How the next token is drawn from the model's distribution.

/// Temperature, top-k and top-p (nucleus) settings.
public struct SamplingSettings: Sendable, Equatable {
    /// Divides the logits: softmax(z / T). 0 means greedy (argmax).
    public var temperature: Float
    /// Keep only the k most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all.
    public var topP: Float

    public init(temperature: Float = 0.8, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    public func validate() throws {
        guard temperature.isFinite, temperature >= 0, temperature <= 100 else {
            throw RecurError.invalidArgument("--temperature must be between 0 and 100 (got \(temperature))")
        }
        guard topK >= 0 else { throw RecurError.invalidArgument("--top-k must not be negative (got \(topK))") }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw RecurError.invalidArgument("--top-p must be in (0, 1] (got \(topP))")
        }
    }
}
