// How long a full frame takes to build: a busy state (a long loss history, a 256-unit
// probe, neighbours, a long sample) rendered into a canvas and diffed against the
// previous frame, as the terminal does before it writes the changed cells.
import Dispatch
import Foundation
import RecurEngine
import TerminalKit

public enum FrameBenchmark {
    /// Mean milliseconds per frame at `columns` × `rows` over `frames` renders.
    public static func run(columns: Int, rows: Int, frames: Int) -> Double {
        var state = AppState(size: Size(columns: columns, rows: rows), title: "benchmark.txt")
        var random = RandomGenerator(seed: 1)
        let tokens = (0..<64).map { String(UnicodeScalar(97 + $0 % 26)!) }
        let vocabulary = Vocabulary(level: .char, tokens: tokens)
        let model = LanguageModel(config: ModelConfig(cell: .lstm, vocabularySize: 64, embed: 32, hidden: 256), random: &random)
        let probeIDs = (0..<120).map { Int32($0 % 64) }
        let losses = (1...4000).map { LossPoint(step: $0, tokens: $0 * 2048, loss: 4 / (1 + Double($0) / 300) + Double(random.nextUnitFloat()) * 0.1, elapsed: Double($0) / 20) }
        let snapshot = TrainingSnapshot(step: 4000, tokens: 4000 * 2048, epoch: 3.2, newLosses: losses,
                                        newValidationLosses: stride(from: 50, through: 4000, by: 50).map { LossPoint(step: $0, tokens: 0, loss: 2 / (1 + Double($0) / 500), elapsed: 0) },
                                        gradientNorm: 1, tokensPerSecond: 30_000, learningRate: 0.002, state: .running, notice: nil,
                                        model: model, probe: HiddenStateProbe(model: model, ids: probeIDs, vocabulary: vocabulary),
                                        vocabulary: vocabulary)
        _ = update(&state, .snapshot(snapshot))
        _ = update(&state, .neighboursReady(positive: state.neighbours.positive, negative: [],
                                            neighbours: (0..<12).map { Neighbour(id: Int32($0), similarity: 1 - Float($0) / 20) }))
        let distribution = NextTokenDistribution(candidates: (0..<6).map { .init(token: Int32($0), probability: Float(6 - $0) / 21) }, entropy: 1.9)
        let steps = (0..<600).map { SampleStep(token: Int32($0 % 26), distribution: distribution) }
        let result = SampleResult(request: state.sample.request, prime: [0], steps: steps,
                                  text: String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 14))
        _ = update(&state, .sampleReady(result))
        var previous = render(state)
        var changed = 0
        let started = DispatchTime.now().uptimeNanoseconds
        for frame in 0..<frames {
            // A new loss point each frame, as during training, so every frame differs.
            state.losses.append(LossPoint(step: 4001 + frame, tokens: 0, loss: 0.9, elapsed: 0))
            state.step += 1
            let canvas = render(state)
            for index in canvas.cells.indices where canvas.cells[index] != previous.cells[index] { changed += 1 }
            previous = canvas
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        precondition(changed > 0, "frames must differ")
        return elapsed / Double(frames)
    }
}
