// UMAP (McInnes, Healy & Melville 2018) as umap-learn implements it: a fuzzy graph of
// each point's k nearest neighbours (euclidean, as umap-learn's default metric), a
// spectral start, then stochastic gradient descent that pulls the graph's edges together
// and pushes random pairs apart, with the low-dimensional similarity 1 / (1 + a·d^2b)
// fitted to min_dist. Stepped an epoch at a time so the workbench can animate it.
import Dispatch
import Foundation

/// A UMAP layout of N points in two dimensions.
public final class UMAP {
    /// umap-learn's parameters, with its defaults.
    public struct Settings: Sendable, Equatable {
        /// Neighbours per point, the point itself included (umap-learn's n_neighbors).
        public var neighbours = 15
        public var minDistance = 0.1
        public var spread = 1.0
        /// nil: 500 epochs up to 10,000 points, 200 above.
        public var epochs: Int?
        public var negativeSampleRate = 5
        public var seed: UInt64 = 1

        public init(neighbours: Int = 15, minDistance: Double = 0.1, epochs: Int? = nil, seed: UInt64 = 1) {
            self.neighbours = neighbours
            self.minDistance = minDistance
            self.epochs = epochs
            self.seed = seed
        }
    }

    public let count: Int
    public let settings: Settings
    /// The curve 1 / (1 + a·d^2b) fitted to min_dist.
    public let a: Double
    public let b: Double
    public let epochs: Int
    public private(set) var epoch = 0
    /// (N, 2) current layout.
    public private(set) var coordinates: [Float]
    /// Seconds spent in each stage so far ("neighbours", "graph", "spectral", "layout"),
    /// for benchmarks that want to see where the time goes.
    public private(set) var stageSeconds: [(stage: String, seconds: Double)] = []

    // The graph's directed edges (both directions of each), their sampling schedules.
    private let heads: [Int32]
    private let tails: [Int32]
    private let epochsPerSample: [Float]
    private var nextSample: [Float]
    private var nextNegativeSample: [Float]
    private var random: RandomGenerator

    /// Builds the graph and the spectral start of `points` (N, D). Throws for fewer
    /// than 3 points or settings out of range. `shouldStop` is polled during the
    /// neighbour search, which is the longest part for large N.
    public init(points: [Float], count: Int, dimension: Int, settings: Settings = Settings(),
                shouldStop: () -> Bool = { false }) throws {
        guard count >= 3 else { throw RecurError.invalidArgument("UMAP needs at least 3 points (got \(count))") }
        guard dimension > 0, points.count == count * dimension else { throw RecurError.invalidArgument("UMAP needs (N, D) points") }
        guard settings.neighbours >= 2, settings.neighbours < count else {
            throw RecurError.invalidArgument("--neighbors must be at least 2 and below the number of points (\(count)); got \(settings.neighbours)")
        }
        guard settings.minDistance >= 0, settings.minDistance <= settings.spread, settings.minDistance.isFinite else {
            throw RecurError.invalidArgument("--min-dist must be between 0 and the spread (\(settings.spread)); got \(settings.minDistance)")
        }
        if let epochs = settings.epochs, epochs < 1 || epochs > 100_000 {
            throw RecurError.invalidArgument("UMAP epochs must be between 1 and 100,000; got \(epochs)")
        }
        guard points.allSatisfy(\.isFinite) else { throw RecurError.invalidArgument("the vectors hold a value that is not finite") }
        self.count = count
        self.settings = settings
        (a, b) = UMAP.fitCurve(minDistance: settings.minDistance, spread: settings.spread)
        let epochs = settings.epochs ?? (count <= 10_000 ? 500 : 200)
        self.epochs = epochs

        var clock = DispatchTime.now().uptimeNanoseconds
        var stages: [(stage: String, seconds: Double)] = []
        func finished(_ stage: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            stages.append((stage, Double(now - clock) / 1e9))
            clock = now
        }
        let neighbours = NeighbourGraph.build(points: points, count: count, dimension: dimension, k: settings.neighbours,
                                              seed: settings.seed, shouldStop: shouldStop)
        finished("neighbours")
        var graph = FuzzyGraph(neighbours: neighbours)
        let heaviest = graph.weights.max() ?? 0
        graph.prune(below: heaviest / Float(epochs))

        finished("graph")
        var start = SpectralLayout.layout(graph, points: points, dimension: dimension, seed: settings.seed)
        finished("spectral")
        // umap-learn: scale to ±10, add noise of 1e-4, then stretch each axis onto [0, 10].
        var random = RandomGenerator(seed: settings.seed)
        let largest = start.map(abs).max() ?? 1
        for index in start.indices { start[index] = start[index] * 10 / max(largest, 1e-300) + Double(random.nextNormal()) * 1e-4 }
        var coordinates = [Float](repeating: 0, count: 2 * count)
        for axis in 0..<2 {
            let values = stride(from: axis, to: 2 * count, by: 2).map { start[$0] }
            let low = values.min()!, high = values.max()!
            for (point, value) in values.enumerated() {
                coordinates[2 * point + axis] = Float(high > low ? 10 * (value - low) / (high - low) : 0)
            }
        }
        self.coordinates = coordinates
        self.random = random

        var heads: [Int32] = [], tails: [Int32] = [], weights: [Float] = []
        for i in 0..<count {
            for edge in graph.rowStart[i]..<graph.rowStart[i + 1] {
                heads.append(Int32(i))
                tails.append(graph.columns[edge])
                weights.append(graph.weights[edge])
            }
        }
        self.heads = heads
        self.tails = tails
        // An edge is sampled in proportion to its weight: the heaviest every epoch.
        let maximum = weights.max() ?? 1
        epochsPerSample = weights.map { maximum / $0 }
        nextSample = epochsPerSample
        nextNegativeSample = epochsPerSample.map { $0 / Float(settings.negativeSampleRate) }
        stageSeconds = stages
    }

    public var isFinished: Bool { epoch >= epochs }

    /// Runs up to `count` more epochs of the layout (fewer at the end).
    public func advance(epochs count: Int) {
        let end = min(epoch + count, epochs)
        guard epoch < end else { return }
        let started = DispatchTime.now().uptimeNanoseconds
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if stageSeconds.last?.stage == "layout" { stageSeconds[stageSeconds.count - 1].seconds += seconds } else { stageSeconds.append(("layout", seconds)) }
        }
        let a = Float(self.a), b = Float(self.b)
        let negativeRate = Float(settings.negativeSampleRate)
        let points = UInt64(self.count)
        let totalEpochs = epochs, firstEpoch = epoch
        // The loop works on local copies through raw pointers: a class's stored arrays
        // would pay an exclusivity check on every access.
        var random = self.random
        var layoutValues: [Float] = [], nextSample: [Float] = [], nextNegativeSample: [Float] = []
        swap(&layoutValues, &coordinates)
        swap(&nextSample, &self.nextSample)
        swap(&nextNegativeSample, &self.nextNegativeSample)
        defer {
            swap(&layoutValues, &coordinates)
            swap(&nextSample, &self.nextSample)
            swap(&nextNegativeSample, &self.nextNegativeSample)
            self.random = random
        }
        let edgeCount = heads.count
        layoutValues.withUnsafeMutableBufferPointer { layoutBuffer in
        nextSample.withUnsafeMutableBufferPointer { nextSample in
        nextNegativeSample.withUnsafeMutableBufferPointer { nextNegativeSample in
        heads.withUnsafeBufferPointer { heads in
        tails.withUnsafeBufferPointer { tails in
        epochsPerSample.withUnsafeBufferPointer { epochsPerSample in
            let layout = layoutBuffer.baseAddress!
            for n in firstEpoch..<end {
                let epochNow = Float(n)
                let alpha = Float(1 - Double(n) / Double(totalEpochs))
                for edge in 0..<edgeCount where nextSample[edge] <= epochNow {
                    let head = Int(heads[edge]), tail = Int(tails[edge])
                    let current = layout + 2 * head, other = layout + 2 * tail
                    var dx = current[0] - other[0], dy = current[1] - other[1]
                    var squared = dx * dx + dy * dy
                    // Attraction along the edge: the gradient of log(1 / (1 + a·d^2b)).
                    if squared > 0 {
                        // d^2(b−1) = d^2b / d²: one pow instead of two.
                        let power = UMAP.power(squared, b)
                        let coefficient = -2 * a * b * (power / squared) / (a * power + 1)
                        let gx = UMAP.clip(coefficient * dx) * alpha, gy = UMAP.clip(coefficient * dy) * alpha
                        current[0] += gx
                        current[1] += gy
                        other[0] -= gx
                        other[1] -= gy
                    }
                    nextSample[edge] += epochsPerSample[edge]
                    // Repulsion from random points, negative_sample_rate per sample of the edge.
                    let perNegative = epochsPerSample[edge] / negativeRate
                    let negatives = max(Int((epochNow - nextNegativeSample[edge]) / perNegative), 0)
                    for _ in 0..<negatives {
                        // A uniform point by multiply-and-shift of 32 random bits (no division).
                        let sampled = Int(((random.next() >> 32) &* points) >> 32)
                        let other = layout + 2 * sampled
                        dx = current[0] - other[0]
                        dy = current[1] - other[1]
                        squared = dx * dx + dy * dy
                        guard squared > 0 else { continue }
                        let coefficient = 2 * b / ((0.001 + squared) * (a * UMAP.power(squared, b) + 1))
                        current[0] += UMAP.clip(coefficient * dx) * alpha
                        current[1] += UMAP.clip(coefficient * dy) * alpha
                    }
                    nextNegativeSample[edge] += Float(negatives) * perNegative
                }
            }
        }
        }
        }
        }
        }
        }
        epoch = end
    }

    /// Runs every remaining epoch and returns the layout, (N, 2).
    public func run(progress: (Double) -> Void = { _ in }, shouldStop: () -> Bool = { false }) -> [Float] {
        while !isFinished && !shouldStop() {
            advance(epochs: 10)
            progress(Double(epoch) / Double(epochs))
        }
        return coordinates
    }

    @inline(__always)
    static func clip(_ value: Float) -> Float { min(max(value, -4), 4) }

    /// x^y for x > 0 as 2^(y·log₂x), both by polynomials good to about 1e-6 relative:
    /// the layout's pow calls are most of its time, and libm's exact powf buys nothing
    /// for steps that are clipped and noisy far beyond that.
    @inline(__always)
    static func power(_ x: Float, _ y: Float) -> Float {
        guard x >= 1e-30, x.isFinite else { return pow(x, y) }
        // log₂x = exponent + log₂m, m in [1, 2); log₂m = (2/ln 2)·atanh(t), t = (m−1)/(m+1).
        let bits = x.bitPattern
        let exponent = Float(Int32(bitPattern: (bits >> 23) & 0xFF) - 127)
        let m = Float(bitPattern: (bits & 0x7F_FFFF) | 0x3F80_0000)
        let t = (m - 1) / (m + 1), t2 = t * t
        let atanh = t * (1 + t2 * (1 / 3 + t2 * (1 / 5 + t2 * (1 / 7 + t2 / 9))))
        let z = min(max(y * (exponent + 2.885_390_1 * atanh), -126), 126)
        // 2^z = 2^n · 2^f, f in [0, 1): 2^f = e^(f·ln 2) by its Taylor series to degree 7.
        let n = z.rounded(.down)
        let u = (z - n) * 0.693_147_2
        let fraction = 1 + u * (1 + u * (1 / 2 + u * (1 / 6 + u * (1 / 24 + u * (1 / 120 + u * (1 / 720 + u / 5040))))))
        return fraction * Float(bitPattern: UInt32(Int32(n) + 127) << 23)
    }

    /// umap-learn's find_ab_params: least squares of 1 / (1 + a·x^2b) against 1 below
    /// min_dist and exp(−(x − min_dist) / spread) above, on 300 points of [0, 3·spread],
    /// by Levenberg–Marquardt from a = b = 1 (scipy's curve_fit does the same).
    public static func fitCurve(minDistance: Double, spread: Double = 1) -> (a: Double, b: Double) {
        let xs = (0..<300).map { Double($0) * 3 * spread / 299 }
        let ys = xs.map { $0 < minDistance ? 1 : exp(-($0 - minDistance) / spread) }
        func residuals(_ a: Double, _ b: Double) -> Double {
            zip(xs, ys).reduce(0) { sum, pair in
                let f = 1 / (1 + a * pow(pair.0, 2 * b))
                return sum + (f - pair.1) * (f - pair.1)
            }
        }
        var a = 1.0, b = 1.0, damping = 1e-3
        var cost = residuals(a, b)
        for _ in 0..<500 {
            // Normal equations of the Gauss–Newton step, damped (Marquardt's scaling).
            var jtj = [0.0, 0.0, 0.0], jtr = [0.0, 0.0]
            for (x, y) in zip(xs, ys) where x > 0 {
                let power = pow(x, 2 * b)
                let denominator = 1 + a * power
                let f = 1 / denominator
                let da = -power / (denominator * denominator)
                let db = -a * power * 2 * log(x) / (denominator * denominator)
                let r = f - y
                jtj[0] += da * da
                jtj[1] += da * db
                jtj[2] += db * db
                jtr[0] += da * r
                jtr[1] += db * r
            }
            let m00 = jtj[0] * (1 + damping), m11 = jtj[2] * (1 + damping), m01 = jtj[1]
            let determinant = m00 * m11 - m01 * m01
            guard determinant != 0 else { break }
            let stepA = -(m11 * jtr[0] - m01 * jtr[1]) / determinant
            let stepB = -(m00 * jtr[1] - m01 * jtr[0]) / determinant
            let trial = residuals(a + stepA, b + stepB)
            if trial < cost {
                let improvement = cost - trial
                a += stepA
                b += stepB
                cost = trial
                damping = max(damping / 10, 1e-12)
                if improvement < 1e-15 * max(cost, 1e-300) || (abs(stepA) < 1e-12 && abs(stepB) < 1e-12) { break }
            } else {
                damping *= 10
                if damping > 1e12 { break }
            }
        }
        return (a, b)
    }
}
