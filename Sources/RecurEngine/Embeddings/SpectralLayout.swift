// UMAP's starting layout (umap-learn's spectral_layout): the eigenvectors of the graph's
// normalised Laplacian L = I − D^-½ W D^-½ for its 2nd and 3rd smallest eigenvalues.
// A disconnected graph is laid out as umap-learn's multi_component_layout does: each
// component on its own, placed around a meta-layout of the components.
import Foundation

enum SpectralLayout {
    /// (N, 2) coordinates for `graph`; `points` (N, D) place the components of a
    /// disconnected graph by their centroids.
    static func layout(_ graph: FuzzyGraph, points: [Float], dimension: Int, seed: UInt64) -> [Double] {
        var random = RandomGenerator(seed: seed ^ 0x5EC7_AA11)
        let (labels, components) = graph.components()
        if components == 1 {
            let all = Array(0..<graph.count)
            return embed(rows: rows(of: graph, keeping: all), seed: seed) ?? uniform(graph.count, range: 10, random: &random)
        }
        let meta = metaLayout(labels: labels, components: components, points: points, dimension: dimension, seed: seed)
        var result = [Double](repeating: 0, count: 2 * graph.count)
        for label in 0..<components {
            let members = labels.indices.filter { labels[$0] == label }
            // Half the distance to the nearest other component's place.
            var nearest = Double.infinity
            for other in 0..<components where other != label {
                let distance = hypot(meta[2 * label] - meta[2 * other], meta[2 * label + 1] - meta[2 * other + 1])
                if distance > 0 { nearest = min(nearest, distance) }
            }
            let range = nearest.isFinite ? nearest / 2 : 1
            var local: [Double]
            if members.count < 4 {
                local = uniform(members.count, range: range, random: &random)
            } else if var spectral = embed(rows: rows(of: graph, keeping: members), seed: seed &+ UInt64(label)) {
                let largest = spectral.map(abs).max() ?? 1
                for index in spectral.indices { spectral[index] *= range / max(largest, 1e-300) }
                local = spectral
            } else {
                local = uniform(members.count, range: range, random: &random)
            }
            for (position, point) in members.enumerated() {
                result[2 * point] = local[2 * position] + meta[2 * label]
                result[2 * point + 1] = local[2 * position + 1] + meta[2 * label + 1]
            }
        }
        return result
    }

    /// Where each component goes: up to 4 on the ends of the axes (±x, ±y), more by a
    /// spectral layout of their centroids' affinities exp(−d²), scaled to at most 1.
    static func metaLayout(labels: [Int], components: Int, points: [Float], dimension: Int, seed: UInt64) -> [Double] {
        if components <= 4 {
            let half = (components + 1) / 2
            // umap-learn's [eye(k); −eye(k)] for k = ⌈C/2⌉: C = 3 gives +x, +y, −x.
            return (0..<components).flatMap { c -> [Double] in
                let axis = c % half, sign: Double = c < half ? 1 : -1
                return axis == 0 ? [sign, 0] : [0, sign]
            }
        }
        var centroids = [Double](repeating: 0, count: components * dimension)
        var sizes = [Double](repeating: 0, count: components)
        for (point, label) in labels.enumerated() {
            sizes[label] += 1
            for j in 0..<dimension { centroids[label * dimension + j] += Double(points[point * dimension + j]) }
        }
        for label in 0..<components { for j in 0..<dimension { centroids[label * dimension + j] /= sizes[label] } }
        var dense: [[(Int, Double)]] = []
        for a in 0..<components {
            dense.append((0..<components).filter { $0 != a }.map { b in
                var squared = 0.0
                for j in 0..<dimension {
                    let difference = centroids[a * dimension + j] - centroids[b * dimension + j]
                    squared += difference * difference
                }
                return (b, max(exp(-squared), 1e-300))
            })
        }
        var random = RandomGenerator(seed: seed)
        var layout = embed(rows: dense, seed: seed) ?? uniform(components, range: 1, random: &random)
        let largest = layout.map(abs).max() ?? 1
        for index in layout.indices { layout[index] /= max(largest, 1e-300) }
        return layout
    }

    static func uniform(_ count: Int, range: Double, random: inout RandomGenerator) -> [Double] {
        (0..<(2 * count)).map { _ in (random.nextUnitDouble() * 2 - 1) * range }
    }

    /// The rows of the subgraph on `members`, renumbered 0..<members.count.
    static func rows(of graph: FuzzyGraph, keeping members: [Int]) -> [[(Int, Double)]] {
        var position = [Int](repeating: -1, count: graph.count)
        for (index, point) in members.enumerated() { position[point] = index }
        return members.map { point in
            (graph.rowStart[point]..<graph.rowStart[point + 1]).compactMap { edge in
                let column = position[Int(graph.columns[edge])]
                return column < 0 ? nil : (column, Double(graph.weights[edge]))
            }
        }
    }

    /// The eigenvectors of M = D^-½ W D^-½ for its 2nd and 3rd largest eigenvalues (L's
    /// 2nd and 3rd smallest). Up to 64 points: all of M's eigenvectors by Jacobi. Above:
    /// subspace iteration on (M + I)/2 — whose eigenvalues lie in [0, 1] in the same
    /// order — on 8 vectors with the top eigenvector D^½·1 projected out, and a
    /// Rayleigh–Ritz step every 10 iterations until the two Ritz values move less than
    /// 1e-6 or 1,000 iterations pass (umap-learn asks eigsh for a tolerance of 1e-4).
    /// Nil for a graph too small or with an isolated point.
    static func embed(rows: [[(Int, Double)]], seed: UInt64) -> [Double]? {
        let n = rows.count
        guard n >= 4 else { return nil }
        let degrees = rows.map { $0.reduce(0) { $0 + $1.1 } }
        guard degrees.allSatisfy({ $0 > 0 }) else { return nil }
        let inverseRoot = degrees.map { 1 / $0.squareRoot() }
        if n <= 64 {
            var dense = [Double](repeating: 0, count: n * n)
            for (i, row) in rows.enumerated() { for (j, weight) in row { dense[i * n + j] += weight * inverseRoot[i] * inverseRoot[j] } }
            let (_, vectors) = SymmetricEigen.decompose(dense, size: n)
            return (0..<n).flatMap { [vectors[$0 * n + 1], vectors[$0 * n + 2]] }
        }
        // The operator's rows, flat: (M + I)/2 has off-diagonal w_ij / (2·√(d_i d_j)).
        var rowStart = [0], columns: [Int] = [], values: [Double] = []
        for (i, row) in rows.enumerated() {
            for (j, weight) in row {
                columns.append(j)
                values.append(0.5 * weight * inverseRoot[i] * inverseRoot[j])
            }
            rowStart.append(columns.count)
        }
        var top = degrees.map { $0.squareRoot() }
        let topNorm = top.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in 0..<n { top[i] /= topNorm }
        var random = RandomGenerator(seed: seed)
        // (n, 8): row i holds the 8 basis vectors' i-th entries.
        var basis = (0..<n).map { _ in SIMD8<Double>((0..<8).map { _ in Double(random.nextNormal()) }) }
        var image = basis
        func apply() {
            basis.withUnsafeBufferPointer { input in
                image.withUnsafeMutableBufferPointer { output in
                    let input = UncheckedSendable(input), output = UncheckedSendable(output)
                    Parallel.forEach(n) { i in
                        var sum = 0.5 * input.value[i]
                        for edge in rowStart[i]..<rowStart[i + 1] { sum += values[edge] * input.value[columns[edge]] }
                        output.value[i] = sum
                    }
                }
            }
        }
        // Classical Gram–Schmidt twice over, after removing the top eigenvector.
        func orthonormalise(_ vectors: inout [SIMD8<Double>]) {
            var overlap = SIMD8<Double>()
            for i in 0..<n { overlap += vectors[i] * top[i] }
            for i in 0..<n { vectors[i] -= overlap * top[i] }
            for v in 0..<8 {
                for _ in 0..<2 {
                    var dots = SIMD8<Double>()
                    for i in 0..<n { dots += vectors[i] * vectors[i][v] }
                    for u in v..<8 { dots[u] = 0 }
                    for i in 0..<n {
                        var row = vectors[i]
                        row[v] -= (dots * row).sum()
                        vectors[i] = row
                    }
                }
                var norm = 0.0
                for i in 0..<n { norm += vectors[i][v] * vectors[i][v] }
                norm = norm.squareRoot()
                let scale = norm > 1e-150 ? 1 / norm : 0
                for i in 0..<n { vectors[i][v] *= scale }
            }
        }
        orthonormalise(&basis)
        var previous: [Double] = [-1, -1]
        for iteration in 1...1000 {
            apply()
            guard iteration % 10 == 0 else {
                basis = image
                orthonormalise(&basis)
                continue
            }
            // Rayleigh–Ritz: H = Bᵀ S B on the orthonormal basis B; rotate S·B onto H's
            // eigenvectors, largest first.
            var projected = [Double](repeating: 0, count: 64)
            for i in 0..<n {
                let row = basis[i], imageRow = image[i]
                for a in 0..<8 { for b in 0..<8 { projected[a * 8 + b] += row[a] * imageRow[b] } }
            }
            for a in 0..<8 { for b in 0..<a { projected[a * 8 + b] = (projected[a * 8 + b] + projected[b * 8 + a]) / 2; projected[b * 8 + a] = projected[a * 8 + b] } }
            let ritz = SymmetricEigen.decompose(projected, size: 8)
            for i in 0..<n {
                var rotated = SIMD8<Double>()
                for v in 0..<8 { for u in 0..<8 { rotated[v] += image[i][u] * ritz.vectors[u * 8 + v] } }
                basis[i] = rotated
            }
            orthonormalise(&basis)
            let settled = abs(ritz.values[0] - previous[0]) < 1e-6 && abs(ritz.values[1] - previous[1]) < 1e-6
            previous = Array(ritz.values.prefix(2))
            if settled { break }
        }
        return (0..<n).flatMap { [basis[$0][0], basis[$0][1]] }
    }
}

/// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations.
enum SymmetricEigen {
    /// Eigenvalues in decreasing order; `vectors` (size, size) holds eigenvector v in
    /// column v.
    static func decompose(_ matrix: [Double], size: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: size * size)
        for i in 0..<size { v[i * size + i] = 1 }
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for p in 0..<size { for q in (p + 1)..<max(size, p + 1) { offDiagonal += a[p * size + q] * a[p * size + q] } }
            if offDiagonal < 1e-30 { break }
            for p in 0..<size {
                for q in (p + 1)..<max(size, p + 1) where abs(a[p * size + q]) > 1e-300 {
                    let theta = (a[q * size + q] - a[p * size + p]) / (2 * a[p * size + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<size {
                        let akp = a[k * size + p], akq = a[k * size + q]
                        a[k * size + p] = c * akp - s * akq
                        a[k * size + q] = s * akp + c * akq
                    }
                    for k in 0..<size {
                        let apk = a[p * size + k], aqk = a[q * size + k]
                        a[p * size + k] = c * apk - s * aqk
                        a[q * size + k] = s * apk + c * aqk
                    }
                    for k in 0..<size {
                        let vkp = v[k * size + p], vkq = v[k * size + q]
                        v[k * size + p] = c * vkp - s * vkq
                        v[k * size + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<size).sorted { a[$0 * size + $0] > a[$1 * size + $1] }
        var vectors = [Double](repeating: 0, count: size * size)
        for (column, source) in order.enumerated() { for k in 0..<size { vectors[k * size + column] = v[k * size + source] } }
        return (order.map { a[$0 * size + $0] }, vectors)
    }
}
