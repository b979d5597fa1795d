// The sample pane: its settings, what was drawn, the inspector, and the request a
// sample is drawn for.
import Foundation
import RecurEngine

/// The sample pane's settings and what was drawn.
public struct SampleView {
    public var temperature = 0.8
    /// Keep the k most likely tokens; 0 keeps all. Typed after `k`.
    public var topK = 0
    /// Keep the most likely tokens whose probability reaches p; 1 keeps all. Typed after `t`.
    public var topP: Float = 1
    public var prime = ""
    public var seed: UInt64 = 7
    public var text = ""
    /// The prime's tokens and every drawn token with its distribution.
    public var primeIDs: [Int32] = []
    /// Everything fed before the drawn tokens (see SampleResult.context).
    public var contextIDs: [Int32] = []
    /// The inspector's exploration in force (see SampleRequest.context).
    public var exploring: [Int32]?
    public var steps: [SampleStep] = []
    /// The sampling inspector: a cursor on a drawn token and a chosen alternative.
    public var inspecting = false
    public var cursor = 0
    public var alternative = 0
    /// The distribution shown: at the cursor while inspecting, else after the prime.
    public var shownDistribution: NextTokenDistribution? {
        steps.isEmpty ? nil : steps[inspecting ? min(cursor, steps.count - 1) : 0].distribution
    }
    /// Saliency in the inspector (e): on or off, and the last result.
    public var explaining = false
    public var saliency: SaliencyView?
    /// The settings and weights the shown sample was drawn with.
    public var source: SampleRequest?
    /// The training step of the weights the shown text came from.
    public var step: Int?
    public var lastDrawn = Date.distantPast

    public var request: SampleRequest {
        SampleRequest(temperature: temperature, topK: topK, topP: topP, prime: prime, seed: seed, context: exploring)
    }
}

/// Everything a sample depends on besides the weights.
public struct SampleRequest: Equatable, Sendable {
    public var temperature: Double
    public var topK: Int
    public var topP: Float
    public var prime: String
    public var seed: UInt64
    /// The inspector's exploration: token ids to continue from instead of the prime,
    /// until the user keeps them as the prime (K) or drops them (Esc).
    public var context: [Int32]?

    public init(temperature: Double, topK: Int, topP: Float, prime: String, seed: UInt64, context: [Int32]? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.prime = prime
        self.seed = seed
        self.context = context
    }
}
