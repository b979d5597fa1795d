// The sample pane: its settings, what was drawn, the inspector, and the request a
// sample is drawn for.
import Foundation
import RecurEngine

/// The sample pane's settings and what was drawn.
struct SampleView {
    var temperature = 0.8
    /// Keep the k most likely tokens; 0 keeps all. Typed after `k`.
    var topK = 0
    /// Keep the most likely tokens whose probability reaches p; 1 keeps all. Typed after `t`.
    var topP: Float = 1
    var prime = ""
    var seed: UInt64 = 7
    var text = ""
    /// The prime's tokens and every drawn token with its distribution.
    var primeIDs: [Int32] = []
    /// Everything fed before the drawn tokens (see SampleResult.context).
    var contextIDs: [Int32] = []
    /// The inspector's exploration in force (see SampleRequest.context).
    var exploring: [Int32]?
    var steps: [SampleStep] = []
    /// The sampling inspector: a cursor on a drawn token and a chosen alternative.
    var inspecting = false
    var cursor = 0
    var alternative = 0
    /// The distribution shown: at the cursor while inspecting, else after the prime.
    var shownDistribution: NextTokenDistribution? {
        steps.isEmpty ? nil : steps[inspecting ? min(cursor, steps.count - 1) : 0].distribution
    }
    /// Saliency in the inspector (e): on or off, and the last result.
    var explaining = false
    var saliency: SaliencyView?
    /// The settings and weights the shown sample was drawn with.
    var source: SampleRequest?
    /// The training step of the weights the shown text came from.
    var step: Int?
    var lastDrawn = Date.distantPast

    var request: SampleRequest {
        SampleRequest(temperature: temperature, topK: topK, topP: topP, prime: prime, seed: seed, context: exploring)
    }
}

/// Everything a sample depends on besides the weights.
struct SampleRequest: Equatable, Sendable {
    var temperature: Double
    var topK: Int
    var topP: Float
    var prime: String
    var seed: UInt64
    /// The inspector's exploration: token ids to continue from instead of the prime,
    /// until the user keeps them as the prime (K) or drops them (Esc).
    var context: [Int32]?

    init(temperature: Double, topK: Int, topP: Float, prime: String, seed: UInt64, context: [Int32]? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.prime = prime
        self.seed = seed
        self.context = context
    }
}
