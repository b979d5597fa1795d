// `recur map`: the 2-D map of the most frequent words (PCA, t-SNE or UMAP) written as a
// TSV that plotting tools and the TensorBoard projector read, with the map's
// trustworthiness at k = 10.
import Foundation
import RecurEngine

/// The projections `recur map` offers.
public enum MapProjection: String, CaseIterable, Sendable {
    case pca, tsne, umap

    public var name: String {
        switch self {
        case .pca: "PCA"
        case .tsne: "t-SNE"
        case .umap: "UMAP"
        }
    }
}

/// One map: which words, which method, its parameters, where it goes.
public struct MapRun {
    public static let trustworthinessK = 10
    public static let defaultWords = 1000

    public var projection: MapProjection = .umap
    public var words: Int?
    public var neighbours: Int?
    public var minDistance: Double?
    public var seed: UInt64 = 1
    public var outPath: String
    /// Files read: the map is never written over one of them.
    public var inputPaths: [String]

    public init(outPath: String, inputPaths: [String]) {
        self.outPath = outPath
        self.inputPaths = inputPaths
    }

    /// What was made: the points, the parameters shown, the score and how long it took.
    public struct Result {
        public let words: [String]
        /// (N, 2)
        public let coordinates: [Float]
        public let parameters: String
        public let trustworthiness: Double?
        public let seconds: Double
        /// UMAP's stages and their seconds; empty for the other methods.
        public let stages: [(stage: String, seconds: Double)]
    }

    /// Checks every flag against the method and the output path before any work, so a
    /// bad combination fails at once with its reason.
    public func validate() throws {
        if projection != .umap {
            if neighbours != nil { throw RecurError.invalidArgument("--neighbors is UMAP's; it does nothing with --method \(projection.rawValue)") }
            if minDistance != nil { throw RecurError.invalidArgument("--min-dist is UMAP's; it does nothing with --method \(projection.rawValue)") }
        }
        if let words, words < 3 { throw RecurError.invalidArgument("--words must be at least 3 (got \(words))") }
        if let neighbours, neighbours < 2 { throw RecurError.invalidArgument("--neighbors must be at least 2 (got \(neighbours))") }
        if let minDistance, !(minDistance >= 0 && minDistance <= 1) {
            throw RecurError.invalidArgument("--min-dist must be between 0 and 1 (the spread); got \(minDistance)")
        }
        let output = try OutputFile.resolve(outPath).path
        for input in inputPaths {
            var guarded = [input]
            // A projector vectors.tsv is read with the metadata.tsv beside it.
            if input.hasSuffix(".tsv") {
                guarded.append(URL(fileURLWithPath: input).deletingLastPathComponent().appendingPathComponent("metadata.tsv").path)
            }
            for path in guarded where Self.sameFile(output, path) {
                throw RecurError.invalidArgument("--out \(outPath) is an input (\(path)); the map is never written over what it reads")
            }
        }
        try OutputFile.checkWritable(outPath, what: "map")
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        if stat(a, &first) == 0, stat(b, &second) == 0 { return first.st_dev == second.st_dev && first.st_ino == second.st_ino }
        return URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }

    /// Maps the first `words` words (a frequency-sorted file's most frequent) and writes
    /// the TSV. `progress` gets the fraction done of t-SNE's iterations or UMAP's epochs.
    public func run(vectors: WordVectors, progress: @escaping (Double) -> Void = { _ in }) throws -> Result {
        try validate()
        let count = words ?? min(vectors.count, MapRun.defaultWords)
        guard count <= vectors.count else {
            throw RecurError.invalidArgument("--words \(count) is more than the \(vectors.count) words in the vectors")
        }
        guard count >= 3 else { throw RecurError.invalidArgument("a map needs at least 3 words; the vectors have \(vectors.count)") }
        let chosen = try vectors.prefix(count)
        if let position = chosen.vectors.firstIndex(where: { !$0.isFinite }) {
            throw RecurError.invalidArgument("the vector of '\(chosen.words[position / chosen.dimension])' holds \(chosen.vectors[position]); a map needs finite numbers")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let coordinates: [Float]
        let parameters: String
        var stages: [(stage: String, seconds: Double)] = []
        switch projection {
        case .pca:
            coordinates = PCA.project(chosen.vectors, count: count, dimension: chosen.dimension)
            parameters = "PCA"
        case .tsne:
            let perplexity = min(30, Double(count - 1) / 3)
            let tsne = try TSNE(points: chosen.vectors, count: count, dimension: chosen.dimension, perplexity: perplexity, seed: seed)
            let iterations = 1000
            for iteration in 0..<iterations {
                tsne.step()
                progress(Double(iteration + 1) / Double(iterations))
            }
            coordinates = tsne.coordinates.map(Float.init)
            parameters = String(format: "t-SNE perplexity %.3g, seed %llu", perplexity, seed)
        case .umap:
            // umap-learn's default of 15, or one less than the words when there are fewer
            // (as umap-learn does); a number typed with --neighbors is held to.
            let settings = UMAP.Settings(neighbours: neighbours ?? min(15, count - 1), minDistance: minDistance ?? 0.1, seed: seed)
            progress(0)
            let umap = try UMAP(points: chosen.vectors, count: count, dimension: chosen.dimension, settings: settings)
            coordinates = umap.run(progress: progress)
            stages = umap.stageSeconds
            parameters = String(format: "UMAP n_neighbors %d, min_dist %g, seed %llu, euclidean", settings.neighbours, settings.minDistance, seed)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let k = MapRun.trustworthinessK
        let trust = Double(k) < Double(count) / 2
            ? try Trustworthiness.score(original: chosen.vectors, dimension: chosen.dimension, map: coordinates, count: count, k: k)
            : nil
        var table = "word\tx\ty\n"
        for (index, word) in chosen.words.enumerated() {
            table += "\(MapRun.cell(word))\t\(coordinates[2 * index])\t\(coordinates[2 * index + 1])\n"
        }
        try OutputFile.write(Data(table.utf8), to: outPath, what: "map")
        return Result(words: chosen.words, coordinates: coordinates, parameters: parameters, trustworthiness: trust, seconds: seconds, stages: stages)
    }

    /// A word as one TSV cell: a tab or line break inside it would split the row.
    static func cell(_ word: String) -> String {
        word.replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
}
