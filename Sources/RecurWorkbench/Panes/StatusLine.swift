// The status bar's layout: which fields fit a width and where each goes. Plain arithmetic,
// so that a narrow bar drops whole fields instead of cutting a number, and a notice gets
// room without pushing the figures off.
import TerminalKit

/// Fields in display order, each with a priority, and an optional notice, laid out on one
/// row.
///
/// A field is shown whole or not at all: when the width does not allow every field, the
/// fields of lowest priority go first (the right-most of equals first), so the fields
/// shown are always the most important ones. A field of priority `always` is never
/// dropped.
///
/// The notice is news (a divergence, a failed save), so it outranks what is only
/// reassurance, but not the figures a user is watching. It takes the room the fields
/// leave, shortened with "…" to fit, after two rounds of making room (lowest priority
/// first each time):
/// - fields below `yieldsWhole` (on `StatusBar`: the title, the times, the keys, the
///   name) give way until the notice shows whole;
/// - fields below `yieldsStart` (the other figures) give way until it has
///   `minimumNotice` columns, since a notice cut shorter says little. The fields at or
///   above it (the state and the step) stay whatever the notice.
struct StatusLine {
    struct Field: Equatable {
        var text: String
        /// Higher stays longer on a narrow bar.
        var priority: Int
        var role: StyleRole = .status
        /// Drawn flush with the right end of the bar instead of after the previous field.
        var atRightEnd = false
    }

    /// Text placed at a column of the bar.
    struct Segment: Equatable {
        var text: String
        var x: Int
        var role: StyleRole
    }

    static let always = Int.max
    /// Columns between neighbouring fields.
    static let separator = 2
    /// Columns at each end of the bar, so text does not touch the terminal's edge.
    static let margin = 1
    /// The least room a notice is given, at the cost of lower fields.
    static let minimumNotice = 12

    var fields: [Field]
    var notice: String?
    /// The field the notice follows (the state label, which it usually explains); nil:
    /// after the last field on the left.
    var noticeAfter: Int?
    /// Fields below this priority make room for the whole notice.
    var yieldsWhole: Int
    /// Fields below this priority make room for the notice's first `minimumNotice` columns.
    var yieldsStart: Int

    /// The segments of a bar `width` columns wide, x measured from its left end.
    func layout(width: Int) -> [Segment] {
        let usable = max(width - 2 * StatusLine.margin, 0)
        let widths = fields.map { Canvas.width(of: $0.text) }
        var kept = Set(fields.indices)
        func used() -> Int {
            kept.isEmpty ? 0 : kept.reduce(0) { $0 + widths[$1] } + StatusLine.separator * (kept.count - 1)
        }
        // Removes the kept field of lowest priority that `may` allows; false when none is left.
        func dropLowest(_ may: (Field) -> Bool) -> Bool {
            let candidates = kept.filter { fields[$0].priority != StatusLine.always && may(fields[$0]) }
            guard let lowest = candidates.min(by: { (fields[$0].priority, -$0) < (fields[$1].priority, -$1) }) else { return false }
            kept.remove(lowest)
            return true
        }
        while used() > usable, dropLowest({ _ in true }) {}

        var noticeText: String?
        if let notice, !notice.isEmpty {
            func room() -> Int { usable - used() - (kept.isEmpty ? 0 : StatusLine.separator) }
            let whole = Canvas.width(of: notice)
            while room() < whole, dropLowest({ $0.priority < yieldsWhole }) {}
            while room() < min(whole, StatusLine.minimumNotice), dropLowest({ $0.priority < yieldsStart }) {}
            noticeText = Canvas.shortened(notice, toWidth: room())
        }

        var segments: [Segment] = []
        var x = StatusLine.margin
        func place(_ text: String, _ role: StyleRole) {
            segments.append(Segment(text: text, x: x, role: role))
            x += Canvas.width(of: text) + StatusLine.separator
        }
        let left = fields.indices.filter { kept.contains($0) && !fields[$0].atRightEnd }
        let anchor = noticeAfter.flatMap { left.contains($0) ? $0 : nil } ?? left.last
        if let noticeText, anchor == nil { place(noticeText, .warning) }
        for index in left {
            place(fields[index].text, fields[index].role)
            if let noticeText, index == anchor { place(noticeText, .warning) }
        }
        let right = fields.indices.filter { kept.contains($0) && fields[$0].atRightEnd }
        let rightWidth = right.reduce(0) { $0 + widths[$1] } + StatusLine.separator * max(right.count - 1, 0)
        x = max(width - StatusLine.margin - rightWidth, x)
        for index in right { place(fields[index].text, fields[index].role) }
        return segments
    }
}
