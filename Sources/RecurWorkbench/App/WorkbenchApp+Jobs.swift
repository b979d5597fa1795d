// The workbench's background jobs: samples, neighbour lists, the map and vector files.
// Each runs in its own lane of the JobRunner (a newer request supersedes an older one
// before it starts, and cancels it while it runs) and reports back as a Msg on the main
// queue. Nothing here blocks the main queue, so keys never wait behind a job.
import Dispatch
import Foundation
import RecurEngine

extension WorkbenchApp {
    /// Tokens a sample streams to the pane before the rest: a first screenful at once.
    nonisolated static let firstSampleBatch = 16

    /// Posts `msg` to the event loop.
    nonisolated func post(_ make: @escaping @Sendable () -> Msg) {
        DispatchQueue.main.async { [weak self] in
            MainActor.assumeIsolated { self?.dispatch(make()) }
        }
    }

    /// Samples from the latest weights in the sample lane. The first tokens arrive as a
    /// partial result within a few milliseconds, the rest streams in every 50 ms; a newer
    /// request (another temperature, a resample) stops this one at its next token.
    func drawSample(_ request: SampleRequest) {
        guard let model = state.model, let vocabulary = state.vocabulary else { return }
        let step = state.modelStep
        jobs.submit(.sample) { [weak self] token in
            WorkbenchApp.sample(model: model, vocabulary: vocabulary, request: request, step: step,
                                length: WorkbenchApp.sampleLength, token: token) { partial in
                self?.post { .sampleReady(partial) }
            }
        }
    }

    func drawRaceSample(index: Int, request: SampleRequest) {
        guard state.race.indices.contains(index), let model = state.race[index].model, let vocabulary = state.vocabulary else { return }
        jobs.submit(.raceSample(index)) { [weak self] token in
            WorkbenchApp.sample(model: model, vocabulary: vocabulary, request: request, step: 0,
                                length: WorkbenchApp.sampleLength / 2, token: token) { result in
                guard result.complete else { return }
                self?.post { .raceSampleReady(index: index, result: result) }
            }
        }
    }

    /// Draws `length` tokens for `request`, calling `deliver` with the result so far after
    /// the first batch, then every 50 ms, and once complete. Without a prime, sampling
    /// starts from the vocabulary's line start (said in the pane); an inspector
    /// exploration (`request.context`) replaces the prime while it lasts.
    nonisolated static func sample(model: LanguageModel, vocabulary: Vocabulary, request: SampleRequest, step: Int,
                                   length: Int, token: JobRunner.Token, deliver: (SampleResult) -> Void) {
        let sampler = Sampler(model: model)
        var random = RandomGenerator(seed: request.seed)
        let settings = SamplingSettings(temperature: Float(request.temperature), topK: request.topK, topP: request.topP)
        let typed = vocabulary.ids(of: request.prime).ids
        let lineStart = vocabulary.lineStart.ids
        let prime = request.context ?? vocabulary.samplingStart(prime: typed)
        // The line-start context is not part of the text shown; a typed prime is.
        let shownPrime = typed.isEmpty && prime.starts(with: lineStart) ? Array(prime.dropFirst(lineStart.count)) : prime
        var steps: [SampleStep] = []
        steps.reserveCapacity(length)
        var lastDelivery = DispatchTime.now().uptimeNanoseconds
        func result(complete: Bool) -> SampleResult {
            var result = SampleResult(request: request, prime: shownPrime, steps: steps,
                                      text: vocabulary.render(shownPrime + steps.map(\.token)), step: step, complete: complete)
            result.context = prime
            return result
        }
        sampler.explore(prime: prime, length: length, settings: settings, random: &random, candidates: 6) { drawn in
            guard !token.isCancelled else { return false }
            steps.append(drawn)
            let now = DispatchTime.now().uptimeNanoseconds
            if steps.count == firstSampleBatch || (steps.count > firstSampleBatch && now - lastDelivery > 50_000_000) {
                deliver(result(complete: false))
                lastDelivery = now
            }
            return true
        }
        if !token.isCancelled { deliver(result(complete: true)) }
    }

    func findNeighbours(positive: [Int32], negative: [Int32]) {
        guard let vectors = state.vectors else { return }
        jobs.submit(.neighbours) { [weak self] token in
            let words = vectors.words
            let ranking = (try? vectors.mostSimilar(positive: positive.map { words[Int($0)] },
                                                    negative: negative.map { words[Int($0)] }, count: 12)) ?? []
            guard !token.isCancelled else { return }
            let neighbours = ranking.compactMap { entry in vectors.id(of: entry.word).map { Neighbour(id: $0, similarity: entry.similarity) } }
            self?.post { .neighboursReady(positive: positive, negative: negative, neighbours: neighbours) }
        }
    }

    /// PCA — or t-SNE animated every 10 iterations, or UMAP every 10 epochs — of the most
    /// frequent tokens' vectors, in the map lane: a newer map (new vectors, another
    /// method) stops it between slices.
    func computeMap() {
        guard let vectors = state.vectors else { return }
        let tokens = state.frequentTokens.filter { Int($0) < vectors.count }
        let method = state.neighbours.method
        jobs.submit(.map) { [weak self] token in
            let D = vectors.dimension
            var rows: [Float] = []
            for id in tokens { rows += vectors.vector(of: id) }
            let labels = tokens.map { NeighboursPane.label(vectors.words[Int($0)]) }
            let post = { (coordinates: [Float]) in
                let points = labels.enumerated().map { MapPoint(label: $1, x: coordinates[2 * $0], y: coordinates[2 * $0 + 1]) }
                guard !token.isCancelled else { return }
                self?.post { .mapReady(points) }
            }
            switch method {
            case .tsne where tokens.count >= 4:
                guard let tsne = try? TSNE(points: rows, count: tokens.count, dimension: D,
                                           perplexity: MapMethod.perplexity(words: tokens.count)) else { break }
                for _ in 0..<100 where !token.isCancelled {
                    post(tsne.run(iterations: 10))
                }
                return
            case .umap where tokens.count >= 4:
                guard let umap = try? UMAP(points: rows, count: tokens.count, dimension: D,
                                           settings: MapMethod.umapSettings(words: tokens.count),
                                           shouldStop: { token.isCancelled }) else { break }
                while !umap.isFinished && !token.isCancelled {
                    umap.advance(epochs: 10)
                    post(umap.coordinates)
                }
                return
            default: break
            }
            // PCA, and the fallback for a map too small for the others.
            post(PCA.project(rows, count: tokens.count, dimension: D))
        }
    }

    /// The n-gram floors of the corpus in the background (a few seconds on a megabyte of
    /// text), scored like the network's validation loss with its batch of streams.
    func computeBaselines(of trainer: Trainer, vocabularySize: Int) {
        let training = trainer.trainingIDs, validation = trainer.validationIDs, batch = trainer.config.batch
        jobs.submit(.baselines) { [weak self] token in
            guard let losses = NGramBaselines.losses(training: training, validation: validation,
                                                     vocabularySize: vocabularySize, batch: batch,
                                                     shouldStop: { token.isCancelled }) else { return }
            self?.post { .baselinesReady(losses) }
        }
    }

    /// word2vec: writes the vectors trained so far (word2vec text format) to the mode's
    /// output path, in the files lane; the result comes back as a notice.
    func writeVectors() {
        guard let path = state.checkpointPath, let vectors = state.vectors else { return }
        jobs.submit(.files) { [weak self] _ in
            let notice: String
            do {
                try vectors.write(to: path, format: .text)
                notice = "wrote \(vectors.count) vectors to \(path)"
            } catch {
                notice = "vectors not written: \(error)"
            }
            self?.post { .notice(notice) }
        }
    }
}
