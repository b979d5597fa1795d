// The neighbours pane's query and results, and the map of the embedding beside it.
import Foundation
import RecurEngine

/// The neighbours pane's query and results.
struct NeighboursView {
    var method: MapMethod = .pca
    /// The tokens of the query: one token, or an analogy's positive and negative terms.
    var positive: [Int32] = []
    var negative: [Int32] = []
    var results: [Neighbour] = []
    var selection = 0
    var showMap = false
    var map: [MapPoint] = []
    /// Pinned tokens: their neighbour lists at the start of the current epoch, and now.
    var pinnedBaseline: [Int32: [Int32]] = [:]
    var pinnedCurrent: [Int32: [Int32]] = [:]
    /// The epoch the baselines were taken in.
    var baselineEpoch = 0
}

/// A token placed on the 2-D map of the embedding.
struct MapPoint: Equatable, Sendable {
    var label: String
    var x: Float
    var y: Float
}

/// How the map projects the vectors to two dimensions; `t` cycles through them in order.
enum MapMethod: String, CaseIterable, Sendable {
    case pca = "PCA", tsne = "t-SNE", umap = "UMAP"

    /// The method after this one (UMAP wraps round to PCA).
    var next: MapMethod {
        let all = MapMethod.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// t-SNE's perplexity for a map of `words` points: 30, or a third of the other
    /// points when there are too few for 30.
    static func perplexity(words: Int) -> Double { min(30, Double(words - 1) / 3) }

    /// UMAP's settings for a map of `words` points: umap-learn's defaults, with fewer
    /// neighbours when the map has fewer points than that.
    static func umapSettings(words: Int) -> UMAP.Settings {
        UMAP.Settings(neighbours: min(15, words - 1), minDistance: 0.1)
    }

    /// The settings a map of `words` points uses, as its header shows them; empty for PCA,
    /// which has none.
    func parameters(words: Int) -> String {
        switch self {
        case .pca: ""
        case .tsne: String(format: "perplexity %.3g", MapMethod.perplexity(words: words))
        case .umap: "\(MapMethod.umapSettings(words: words).neighbours) neighbours, min_dist 0.1"
        }
    }
}
