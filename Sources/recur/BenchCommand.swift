// `recur bench`: training throughput on random tokens, or the workbench's frame time.
import ArgumentParser
import Foundation
import RecurEngine
import RecurCommandLine
import RecurWorkbench

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Training throughput on random tokens.",
        discussion: "With no model flags (or only --norm), runs the five reference configurations, a to e: a char LSTM 2×256 (embed 64, seq 64, batch 32), b char GRU 1×256, c char RNN 1×256 (same shapes), d word LSTM 2×200 over 10,000 words (seq 35, batch 20) and e a tiny LSTM 1×128 (seq 32, batch 16). Throughput does not depend on the text, so tokens are uniformly random. Compare two builds or machines side by side in one run, as ratios: a machine's speed varies from day to day.")

    @Option(help: "Recurrent cell: rnn, lstm or gru.") var cell: CellKind?
    @Option(help: "Vanilla RNN nonlinearity.") var activation: Activation?
    @Option(parsing: .unconditional, help: "Vocabulary size.") var vocab: Int?
    @Option(parsing: .unconditional, help: "Embedding width.") var embed: Int?
    @Option(parsing: .unconditional, help: "Hidden units per layer.") var hidden: Int?
    @Option(parsing: .unconditional, help: "Stacked layers.") var layers: Int?
    @Option(parsing: .unconditional, help: "Time steps per chunk.") var seq: Int?
    @Option(parsing: .unconditional, help: "Streams per step.") var batch: Int?
    @Option(parsing: .unconditional, help: "Timed steps.") var steps: Int?
    @Option(parsing: .unconditional, help: "Untimed warm-up steps.") var warmup: Int?
    @Option(help: "Output layer: full or adaptive.") var softmax: SoftmaxKind?
    @Option(help: "Adaptive softmax cutoffs, e.g. 2000,10000,50000. (default: as for training)") var cutoffs: String?
    @Option(name: .customLong("div-value"), parsing: .unconditional, help: "Adaptive softmax projection divisor. (default: 4)") var divValue: Float?
    @Option(help: "Normalisation inside the cells: none or layer (as for training). Alone, it applies to the five reference configurations. (default: none)") var norm: NormKind?
    @Option(parsing: .unconditional, help: "Draw tokens from a Zipf distribution of this exponent (id = rank), as words occur in text, instead of uniformly: the adaptive softmax's speed depends on it.") var zipf: Double?
    @Flag(help: "One JSON object per configuration.") var json = false
    @Flag(help: "Time the workbench's frame rendering (200×60, busy state) instead of training.") var ui = false

    func run() throws {
        if ui {
            let milliseconds = FrameBenchmark.run(columns: 200, rows: 60, frames: steps ?? 200)
            if json { try printJSON(["ms_per_frame": milliseconds, "columns": 200, "rows": 60]) } else {
                print(String(format: "frame 200×60: %.3f ms", milliseconds))
            }
            return
        }
        let custom = [cell != nil, activation != nil, vocab != nil, embed != nil, hidden != nil, layers != nil, seq != nil, batch != nil,
                      softmax != nil, cutoffs != nil, divValue != nil, zipf != nil].contains(true)
        var configurations = TrainingBenchmark.references
        if let norm { for index in configurations.indices { configurations[index].model.norm = norm } }
        if custom {
            var setup = TrainingSetup()
            setup.softmax = softmax
            setup.cutoffs = try cutoffs.map(TrainingSetup.parseCutoffs)
            setup.divValue = divValue
            setup.cell = cell ?? .lstm
            setup.activation = activation
            setup.embed = embed ?? 64
            setup.hidden = hidden ?? 256
            setup.layers = layers ?? 1
            setup.norm = norm
            let model = setup.modelConfig(vocabularySize: vocab ?? 65)
            if let zipf { guard zipf.isFinite, zipf >= 0, zipf <= 10 else { throw RecurError.invalidArgument("--zipf must be from 0 to 10 (got \(zipf))") } }
            var custom = TrainingBenchmark(name: "custom", model: model, sequenceLength: seq ?? 64, batch: batch ?? 32)
            custom.zipfExponent = zipf
            configurations = [custom]
        }
        for index in configurations.indices {
            if let steps { configurations[index].steps = steps }
            if let warmup { configurations[index].warmup = warmup }
            guard configurations[index].steps > 0, configurations[index].warmup >= 0,
                  configurations[index].sequenceLength > 0, configurations[index].batch > 0 else {
                throw RecurError.invalidArgument("--steps, --seq and --batch must be positive and --warmup not negative")
            }
        }
        if !json { print("kernels: \(Gemm.kernelPath)") }
        for benchmark in configurations {
            let result = try benchmark.run()
            if json {
                let record: [String: Any] = [
                    "name": benchmark.name, "tokens_per_sec": result.tokensPerSecond, "gflops": result.gigaflops,
                    "seconds": result.seconds, "steps": benchmark.steps, "cell": benchmark.model.cell.rawValue,
                    "vocab": benchmark.model.vocabularySize, "embed": benchmark.model.embed, "hidden": benchmark.model.hidden,
                    "layers": benchmark.model.layers, "seq": benchmark.sequenceLength, "batch": benchmark.batch,
                    "threads": Gemm.threadCount, "kernels": Gemm.kernelPath, "softmax": benchmark.model.softmax.rawValue,
                    "cutoffs": benchmark.model.cutoffs, "zipf": benchmark.zipfExponent ?? 0, "norm": benchmark.model.norm.rawValue,
                ]
                print(String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self))
            } else {
                let name = benchmark.name + (benchmark.model.norm == .layer ? " LN" : "")
                print(String(format: "%-15@ %9.0f tokens/s  %6.1f GFLOP/s  (%d steps in %.2f s)",
                             name as NSString, result.tokensPerSecond, result.gigaflops, benchmark.steps, result.seconds))
            }
            fflush(nil)
        }
    }
}
