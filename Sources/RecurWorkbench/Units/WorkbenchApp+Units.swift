// The jobs behind the unit finder, span matching and saliency, each in its own lane of
// the JobRunner: a newer request cancels the running one at its next chunk, and keys
// never wait. All read `unitText`, the text the probe is the start of.
import Dispatch
import Foundation
import RecurEngine

extension WorkbenchApp {
    /// Correlates every unit with the annotation tracks over `unitText`, posting progress
    /// at most every 10% and the report at the end.
    func findCells() {
        guard let model = state.model, let vocabulary = state.vocabulary else {
            dispatch(.notice("the unit finder needs the first weights: wait for a moment"))
            return
        }
        let ids = unitText, preceding = unitPreceding ?? TokenIDs([])[...], step = state.modelStep
        jobs.submit(.units) { [weak self] token in
            var posted = 0.0
            let report = CellFinder.correlate(model: model, ids: ids, preceding: preceding, vocabulary: vocabulary) { fraction in
                if fraction - posted >= 0.1 {
                    posted = fraction
                    self?.post { .cellsProgress(fraction) }
                }
                return !token.isCancelled
            }
            guard let report, !token.isCancelled else { return }
            self?.post { .cellsReady(report, step: step) }
        }
    }

    /// Ranks the spans of `unitText` by how well their on-units match the selection's.
    func matchSpan(_ request: SpanMatchRequest) {
        guard let model = state.model, let vocabulary = state.vocabulary else { return }
        let ids = unitText
        guard request.range.upperBound <= ids.count else { return }
        jobs.submit(.match) { [weak self] token in
            let settings = request.settings
            guard let masks = OnUnitMasks(model: model, ids: ids, settings: settings, progress: { _ in !token.isCancelled }) else {
                if !token.isCancelled { self?.post { .notice("the model has no layer \(settings.layer + 1) \(settings.signal) to match") } }
                return
            }
            let entries = masks.matches(of: request.range, count: 20).map { match in
                let parts = vocabulary.render(match.start..<match.start + match.length, in: ids, context: 24)
                return SpanMatchEntry(start: match.start, score: match.score, before: parts.before, span: parts.span, after: parts.after)
            }
            let matches = SpanMatches(request: request, patternUnits: OnUnitMasks.count(masks.pattern(over: request.range)),
                                      entries: entries, span: vocabulary.render(ids[request.range]))
            guard !token.isCancelled else { return }
            self?.post { .matchesReady(matches) }
        }
    }

    /// Saliency of the inspector's prediction: the last tokens before it that fit.
    func explain(_ request: SaliencyRequest) {
        guard let model = state.model, let vocabulary = state.vocabulary, !request.ids.isEmpty else { return }
        jobs.submit(.saliency) { [weak self] token in
            let ids = Array(request.ids.suffix(Saliency.maximumTokens(vocabularySize: vocabulary.count)))
            let saliency = Saliency(model: model, ids: ids, vocabulary: vocabulary, target: request.target)
            guard !token.isCancelled else { return }
            self?.post { .saliencyReady(request, saliency) }
        }
    }
}
