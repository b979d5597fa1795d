// `recur map`: a 2-D map of word vectors (PCA, t-SNE or UMAP) as a TSV.
import ArgumentParser
import Foundation
import RecurCommandLine
import RecurEngine

extension MapProjection: ExpressibleByArgument {}

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Lay the most frequent words out in two dimensions (PCA, t-SNE or UMAP) and write them as TSV.",
        discussion: "Takes the first --words words of the vectors: the most frequent for word2vec files and word-level checkpoints, which are sorted by frequency (a char-level checkpoint's are in code-point order). Writes word, x, y with a header line, which plotting tools and the TensorBoard projector read, and prints the map's trustworthiness at k = 10 (scikit-learn's definition: 1 when every word's 10 nearest on the map are among its 10 nearest in the vectors). UMAP follows umap-learn: euclidean distance, exact neighbours up to 20,000 words and NN-descent above, a spectral start, 500 epochs up to 10,000 words and 200 above. t-SNE is exact (up to 5,000 words) with perplexity min(30, (N − 1)/3) and 1,000 iterations.")

    @OptionGroup var source: VectorSource
    @Option(help: "pca, tsne or umap.") var method: MapProjection = .umap
    @Option(parsing: .unconditional, help: "How many words, from the top of the vectors. (default: 1000, or all if fewer)") var words: Int?
    @Option(parsing: .unconditional, help: "UMAP: neighbours per word, the word itself included (umap-learn's n_neighbors). (default: 15, or one less than the words when fewer)") var neighbors: Int?
    @Option(name: .customLong("min-dist"), parsing: .unconditional, help: "UMAP: how tightly neighbours may pack on the map, 0–1 (umap-learn's min_dist). (default: 0.1)") var minDist: Double?
    @Option(parsing: .unconditional, help: "Random seed: one seed, one map.") var seed: UInt64 = 1
    @Option(help: "The TSV to write. (default: NAME.METHOD.tsv in the current folder, NAME the vectors' or checkpoint's file name)") var out: String?
    @Flag(help: "Print one JSON object: method, words, parameters, trustworthiness, seconds, out (and UMAP's seconds per stage).") var json = false

    func run() throws {
        let input = source.vectors ?? source.checkpoint ?? ""
        let name = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        var map = MapRun(outPath: out ?? "\(name).\(method.rawValue).tsv", inputPaths: [source.vectors, source.checkpoint].compactMap { $0 })
        map.projection = method
        map.words = words
        map.neighbours = neighbors
        map.minDistance = minDist
        map.seed = seed
        try map.validate()
        let vectors = try source.load()
        let shown = words ?? min(vectors.count, MapRun.defaultWords)
        let progress = method == .pca || shown < 2000 ? { _ in } : ProgressLine.reporter { "\(method.rawValue) of \(shown) words: \($0)%" }
        let result = try map.run(vectors: vectors, progress: progress)
        let trust = result.trustworthiness.map { String(format: "%.4f", $0) } ?? "n/a (needs more than \(2 * MapRun.trustworthinessK) words)"
        if json {
            var record: [String: Any] = ["method": method.rawValue, "words": result.words.count, "parameters": result.parameters,
                                         "seconds": result.seconds, "out": map.outPath, "k": MapRun.trustworthinessK]
            record["trustworthiness"] = result.trustworthiness ?? NSNull()
            if !result.stages.isEmpty { record["stages"] = Dictionary(uniqueKeysWithValues: result.stages.map { ($0.stage, $0.seconds) }) }
            try printJSON(record)
        } else {
            print("\(result.parameters) of \(result.words.count) words in \(String(format: "%.2f", result.seconds)) s")
            print("trustworthiness at k = \(MapRun.trustworthinessK): \(trust)")
            print("wrote \(map.outPath)")
        }
    }
}
