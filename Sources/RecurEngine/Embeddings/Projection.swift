// Two-dimensional maps of vectors: PCA (the two directions of largest variance) and
// exact t-SNE (van der Maaten & Hinton 2008) for up to a few thousand points, which the
// workbench animates one iteration at a time.
import Foundation

/// Principal component analysis onto two axes.
public enum PCA {
    /// Projects the rows of `points` (N, D) onto their first two principal components:
    /// returns (N, 2) coordinates. Components come from power iteration with deflation on
    /// the covariance; each is signed so its largest loading is positive (deterministic).
    public static func project(_ points: [Float], count: Int, dimension: Int) -> [Float] {
        guard count > 0, dimension > 0 else { return [] }
        var mean = [Double](repeating: 0, count: dimension)
        for i in 0..<count { for j in 0..<dimension { mean[j] += Double(points[i * dimension + j]) } }
        for j in 0..<dimension { mean[j] /= Double(count) }
        // Covariance (D, D).
        var covariance = [Double](repeating: 0, count: dimension * dimension)
        var centered = [Double](repeating: 0, count: dimension)
        for i in 0..<count {
            for j in 0..<dimension { centered[j] = Double(points[i * dimension + j]) - mean[j] }
            for a in 0..<dimension {
                let value = centered[a]
                if value == 0 { continue }
                for b in a..<dimension { covariance[a * dimension + b] += value * centered[b] }
            }
        }
        for a in 0..<dimension { for b in 0..<a { covariance[a * dimension + b] = covariance[b * dimension + a] } }
        var components: [[Double]] = []
        for component in 0..<min(2, dimension) {
            var vector = (0..<dimension).map { Double(($0 * 7 + component * 13) % 11 + 1) }
            for _ in 0..<300 {
                var next = [Double](repeating: 0, count: dimension)
                for a in 0..<dimension {
                    var sum = 0.0
                    for b in 0..<dimension { sum += covariance[a * dimension + b] * vector[b] }
                    next[a] = sum
                }
                for previous in components {
                    let overlap = zip(next, previous).reduce(0) { $0 + $1.0 * $1.1 }
                    for a in 0..<dimension { next[a] -= overlap * previous[a] }
                }
                let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-300 else { break }
                next = next.map { $0 / norm }
                let change = zip(next, vector).reduce(0) { $0 + abs($1.0 - $1.1) }
                vector = next
                if change < 1e-12 { break }
            }
            if let largest = vector.indices.max(by: { abs(vector[$0]) < abs(vector[$1]) }), vector[largest] < 0 {
                vector = vector.map { -$0 }
            }
            components.append(vector)
        }
        while components.count < 2 { components.append([Double](repeating: 0, count: dimension)) }
        var result = [Float](repeating: 0, count: count * 2)
        for i in 0..<count {
            for (axis, component) in components.enumerated() {
                var sum = 0.0
                for j in 0..<dimension { sum += (Double(points[i * dimension + j]) - mean[j]) * component[j] }
                result[i * 2 + axis] = Float(sum)
            }
        }
        return result
    }
}

/// Exact t-SNE with early exaggeration, momentum and adaptive gains, stepped one
/// iteration at a time so a caller can show the map as it forms.
public final class TSNE {
    public let count: Int
    public let perplexity: Double
    public let learningRate: Double
    public private(set) var iteration = 0
    /// (N, 2) current embedding.
    public private(set) var coordinates: [Double]
    private var affinities: [Double]   // symmetric P, (N, N)
    private var velocity: [Double]
    private var gains: [Double]

    public static let exaggerationIterations = 250

    /// Builds the affinities of `points` (N, D). Perplexity must be below N. Without a
    /// learning rate, scikit-learn's "auto" rule is used: max(N / 48, 50), which keeps
    /// small maps from blowing up.
    public init(points: [Float], count: Int, dimension: Int, perplexity: Double = 30, learningRate: Double? = nil, seed: UInt64 = 1) throws {
        let learningRate = learningRate ?? max(Double(count) / 48, 50)
        guard count >= 2 else { throw RecurError.invalidArgument("t-SNE needs at least 2 points") }
        guard count <= 5000 else { throw RecurError.invalidArgument("exact t-SNE is limited to 5,000 points (got \(count))") }
        guard perplexity > 0, perplexity < Double(count) else {
            throw RecurError.invalidArgument("--perplexity must be positive and below the number of points (\(count)); got \(perplexity)")
        }
        guard learningRate > 0, learningRate.isFinite else { throw RecurError.invalidArgument("--tsne-rate must be positive") }
        self.count = count
        self.perplexity = perplexity
        self.learningRate = learningRate
        affinities = TSNE.affinities(points, count: count, dimension: dimension, perplexity: perplexity)
        var random = RandomGenerator(seed: seed)
        coordinates = (0..<(2 * count)).map { _ in Double(random.nextNormal()) * 1e-4 }
        velocity = [Double](repeating: 0, count: 2 * count)
        gains = [Double](repeating: 1, count: 2 * count)
    }

    /// Conditional affinities with a per-point bandwidth found by bisection so that each
    /// row's entropy is log(perplexity), then symmetrised: P = (P + Pᵀ) / 2N.
    static func affinities(_ points: [Float], count: Int, dimension: Int, perplexity: Double) -> [Double] {
        var distances = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in (i + 1)..<max(count, i + 1) {
                var sum = 0.0
                for k in 0..<dimension {
                    let d = Double(points[i * dimension + k]) - Double(points[j * dimension + k])
                    sum += d * d
                }
                distances[i * count + j] = sum
                distances[j * count + i] = sum
            }
        }
        let target = log(perplexity)
        var conditional = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            var beta = 1.0, low = 0.0, high = Double.infinity
            let row = i * count
            var nearest = Double.infinity
            for j in 0..<count where j != i { nearest = min(nearest, distances[row + j]) }
            for _ in 0..<100 {
                var sum = 0.0, weighted = 0.0
                for j in 0..<count where j != i {
                    let p = exp(-(distances[row + j] - nearest) * beta)
                    conditional[row + j] = p
                    sum += p
                    weighted += (distances[row + j] - nearest) * p
                }
                guard sum > 0 else { break }
                let entropy = log(sum) + beta * weighted / sum
                for j in 0..<count where j != i { conditional[row + j] /= sum }
                let difference = entropy - target
                if abs(difference) < 1e-5 { break }
                if difference > 0 {
                    low = beta
                    beta = high.isInfinite ? beta * 2 : (beta + high) / 2
                } else {
                    high = beta
                    beta = (beta + low) / 2
                }
            }
        }
        var symmetric = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in 0..<count where j != i {
                symmetric[i * count + j] = max((conditional[i * count + j] + conditional[j * count + i]) / Double(2 * count), 1e-12)
            }
        }
        return symmetric
    }

    /// One gradient step. Returns the KL divergence every 50 iterations (nil otherwise).
    @discardableResult
    public func step() -> Double? {
        let n = count
        let exaggeration = iteration < TSNE.exaggerationIterations ? 12.0 : 1.0
        let momentum = iteration < TSNE.exaggerationIterations ? 0.5 : 0.8
        var kernel = [Double](repeating: 0, count: n * n)
        var total = 0.0
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                let dx = coordinates[2 * i] - coordinates[2 * j], dy = coordinates[2 * i + 1] - coordinates[2 * j + 1]
                let value = 1 / (1 + dx * dx + dy * dy)
                kernel[i * n + j] = value
                kernel[j * n + i] = value
                total += 2 * value
            }
        }
        var gradient = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            var gx = 0.0, gy = 0.0
            for j in 0..<n where j != i {
                let value = kernel[i * n + j]
                let force = (exaggeration * affinities[i * n + j] - value / total) * value
                gx += force * (coordinates[2 * i] - coordinates[2 * j])
                gy += force * (coordinates[2 * i + 1] - coordinates[2 * j + 1])
            }
            gradient[2 * i] = 4 * gx
            gradient[2 * i + 1] = 4 * gy
        }
        for index in 0..<(2 * n) {
            // Gains grow where the gradient keeps its direction against the velocity.
            gains[index] = (gradient[index] > 0) != (velocity[index] > 0) ? gains[index] + 0.2 : max(gains[index] * 0.8, 0.01)
            velocity[index] = momentum * velocity[index] - learningRate * gains[index] * gradient[index]
            coordinates[index] += velocity[index]
        }
        // Keep the map centred.
        for axis in 0..<2 {
            let mean = stride(from: axis, to: 2 * n, by: 2).reduce(0) { $0 + coordinates[$1] } / Double(n)
            for index in stride(from: axis, to: 2 * n, by: 2) { coordinates[index] -= mean }
        }
        iteration += 1
        guard iteration % 50 == 0 else { return nil }
        var divergence = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let p = affinities[i * n + j]
                divergence += p * log(p / max(kernel[i * n + j] / total, 1e-300))
            }
        }
        return divergence
    }

    /// Runs `iterations` steps and returns the coordinates as Floats, (N, 2).
    public func run(iterations: Int) -> [Float] {
        for _ in 0..<iterations { step() }
        return coordinates.map(Float.init)
    }
}
