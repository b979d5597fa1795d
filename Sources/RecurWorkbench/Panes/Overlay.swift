// The boxes drawn over the panes: help (every key of the mode, from KeyMap) and the last
// notices (`!`), each wrapped at word boundaries and scrolled with ↑↓ when taller than
// the screen.
import TerminalKit

enum Overlay {
    enum Kind: Sendable {
        case help, notices
    }

    /// One row: a label in the key column (empty on continuation rows) and its text.
    struct Row: Equatable {
        var label: String
        var text: String
        var muted = false
    }

    /// Width of the key column, and of the gap after it.
    static let labelWidth = 13

    /// The box for a screen of `size`: at most 80 columns, centred.
    static func box(for size: Size, rows: Int) -> Rect? {
        let width = min(size.columns - 4, 80), height = min(size.rows - 2, rows + 3)
        guard width >= 20, height >= 4 else { return nil }
        return Rect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
    }

    /// Rows of text that fit `width` columns (the box's inside, less a margin).
    static func rows(_ kind: Kind, state: AppState, width: Int) -> [Row] {
        switch kind {
        case .help: helpRows(for: state.mode, width: width)
        case .notices: noticeRows(state.noticeHistory, width: width)
        }
    }

    static func helpRows(for mode: WorkbenchMode, width: Int) -> [Row] {
        let textWidth = max(width - labelWidth, 8)
        var rows: [Row] = []
        func add(_ label: String, _ text: String, muted: Bool) {
            for (index, line) in TextBlock.wrap(text, width: textWidth).enumerated() {
                rows.append(Row(label: index == 0 ? label : "", text: line, muted: muted))
            }
        }
        for section in KeyMap.sections(for: mode) {
            if let title = section.title {
                let items = section.bindings.map { "\($0.label) \($0.action)" }
                add(title, items.joined(separator: " · "), muted: false)
            } else {
                for binding in section.bindings { add(binding.label, binding.action, muted: binding.refusal != nil) }
                rows.append(Row(label: "", text: ""))
            }
        }
        return rows
    }

    static func noticeRows(_ notices: [String], width: Int) -> [Row] {
        // Newest first, each wrapped whole, a blank row between.
        var rows: [Row] = []
        for (index, notice) in notices.reversed().enumerated() {
            if index > 0 { rows.append(Row(label: "", text: "")) }
            rows += TextBlock.wrap(notice, width: max(width, 8)).map { Row(label: "", text: $0) }
        }
        return rows
    }

    /// The inside width for a box on `size` (the rows depend on it).
    private static func innerWidth(_ size: Size) -> Int { min(size.columns - 4, 80) - 4 }

    /// How far ↓ can scroll: the rows that do not fit.
    static func maximumScroll(_ kind: Kind, state: AppState) -> Int {
        let rows = rows(kind, state: state, width: innerWidth(state.size))
        guard let box = box(for: state.size, rows: rows.count) else { return 0 }
        return max(rows.count - (box.height - 3), 0)
    }

    static func render(_ kind: Kind, state: AppState, on canvas: inout Canvas) {
        let rows = rows(kind, state: state, width: innerWidth(state.size))
        guard let box = box(for: state.size, rows: rows.count) else { return }
        let visible = box.height - 3
        let scroll = min(state.overlayScroll, max(rows.count - visible, 0))
        let more = rows.count > visible
        var title = kind == .help ? "Keys" : "Last notices, newest first"
        title += more ? " · ↑↓ scroll · any other key closes" : " · any key closes"
        canvas.fill(box)
        canvas.box(box, title: title, role: .focusedBorder)
        let inner = box.inset(by: 1)
        for (index, row) in rows.dropFirst(scroll).prefix(visible).enumerated() {
            let y = inner.y + 1 + index
            let textX = kind == .help ? inner.x + 1 + labelWidth : inner.x + 1
            canvas.write(row.label, x: inner.x + 1, y: y, role: .title, clip: inner)
            canvas.write(row.text, x: textX, y: y, role: row.muted ? .muted : .text, clip: inner)
        }
        if more {
            let below = rows.count - scroll - visible
            let marker = below > 0 ? " ↓ \(below) more " : " end "
            canvas.write(marker, x: inner.maxX - marker.count, y: box.maxY - 1, role: .muted, clip: box)
        }
    }
}
