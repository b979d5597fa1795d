// Word-vector files in the formats other tools use: word2vec text and binary (a header
// "V D", then a word and its D numbers per entry), GloVe text (no header) and the
// TensorBoard projector's vectors.tsv + metadata.tsv.
import Foundation

extension WordVectors {
    /// The widest vectors a file may declare.
    public static let maximumDimension = 100_000
}

/// A file format for word vectors.
public enum VectorFormat: String, Sendable, CaseIterable {
    case text, binary, glove, projector
}

extension WordVectors {
    // MARK: - Writing

    /// Writes the vectors; `projector` writes PATH as vectors.tsv's folder-less base:
    /// PATH (vectors, tab-separated) and PATH's sibling metadata.tsv (one word a line),
    /// both or neither, so the pair always matches. Files that cannot be written where
    /// asked are rescued elsewhere and the error says where (`OutputFile.writeKeepingWork`).
    public func write(to path: String, format: VectorFormat) throws {
        try WordVectors.write(words: words, dimension: dimension, to: path, format: format) { id, body in
            vector(of: Int32(id)).withUnsafeBufferPointer(body)
        }
    }

    /// Writes vectors held elsewhere (a word2vec trainer's weights) without copying them:
    /// `withRow(id, body)` calls `body` with word `id`'s numbers.
    static func write(words: [String], dimension: Int, to path: String, format: VectorFormat,
                      withRow: @escaping (Int, (UnsafeBufferPointer<Float>) -> Void) -> Void) throws {
        var outputs = [OutputFile.Output(pieces: entries(words: words, dimension: dimension, format: format, withRow: withRow),
                                         to: path, what: "vectors file")]
        if format == .projector {
            let metadata = words.map { $0 + "\n" }.joined()
            outputs.append(OutputFile.Output(Data(metadata.utf8), to: WordVectors.projectorMetadataPath(for: path), what: "projector metadata"))
        }
        try OutputFile.writeKeepingWork(outputs)
    }

    /// Words written per piece: a vectors file is produced a piece at a time, never whole
    /// in memory (226k words × 100 numbers are 250 MB of text, #20).
    static let entriesPerPiece = 1024

    /// The vectors file's bytes, a piece of `entriesPerPiece` entries at a time.
    private static func entries(words: [String], dimension: Int, format: VectorFormat,
                                withRow: @escaping (Int, (UnsafeBufferPointer<Float>) -> Void) -> Void) -> OutputFile.Output.Pieces {
        { sink in
            func numbers(_ id: Int, separator: String) -> String {
                var text = ""
                withRow(id) { text = $0.map { WordVectors.format($0) }.joined(separator: separator) }
                return text
            }
            if format != .glove && format != .projector, let failure = sink(Data("\(words.count) \(dimension)\n".utf8)) { return failure }
            for first in stride(from: 0, to: words.count, by: WordVectors.entriesPerPiece) {
                var data = Data()
                for id in first..<min(first + WordVectors.entriesPerPiece, words.count) {
                    switch format {
                    case .text, .glove:
                        data.append(Data("\(words[id]) \(numbers(id, separator: " "))\n".utf8))
                    case .binary:
                        data.append(Data("\(words[id]) ".utf8))
                        withRow(id) { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
                        data.append(0x0A)
                    case .projector:
                        data.append(Data((numbers(id, separator: "\t") + "\n").utf8))
                    }
                }
                if let failure = sink(data) { return failure }
            }
            return nil
        }
    }

    /// The metadata.tsv that goes with a projector's vectors file at `path`.
    public static func projectorMetadataPath(for path: String) -> String {
        (OutputFile.folder(of: path) as NSString).appendingPathComponent("metadata.tsv")
    }

    /// Shortest text that reads back as the same Float.
    static func format(_ value: Float) -> String {
        value.description
    }

    // MARK: - Reading

    /// Reads word2vec text or binary or GloVe text, telling them apart by the header
    /// ("V D" on the first line) and by whether the bytes after it are text.
    public init(contentsOf path: String, limit: Int? = nil) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecurError.io("cannot read vectors: \(path) (missing or unreadable)")
        }
        guard !data.isEmpty else { throw RecurError.invalidArgument("the vectors file is empty: \(path)") }
        if WordVectors.looksLikeProjector(data) {
            // The projector pair: numbers here, the words in metadata.tsv beside them.
            let metadataPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("metadata.tsv").path
            guard let metadata = FileManager.default.contents(atPath: metadataPath) else {
                throw RecurError.invalidArgument("\(path) looks like a TensorBoard projector vectors.tsv (numbers only, no words); "
                    + "its words belong in \(metadataPath), which is missing")
            }
            try self.init(projector: data, metadata: metadata, name: path, limit: limit)
            return
        }
        try self.init(data: data, name: path, limit: limit)
    }

    /// A projector vectors.tsv: tab-separated, and its first line all numbers (a word2vec
    /// or GloVe line starts with a word and separates by spaces).
    static func looksLikeProjector(_ data: Data) -> Bool {
        let firstLine = data.prefix { $0 != 0x0A }
        guard firstLine.contains(0x09) else { return false }
        let fields = firstLine.split(separator: 0x09).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        return fields.count >= 2 && fields.allSatisfy { Float($0) != nil }
    }

    /// Reads a projector pair: line i of `metadata` names the vector on line i of `data`.
    init(projector data: Data, metadata: Data, name: String, limit: Int? = nil) throws {
        func bad(_ reason: String) -> RecurError { .invalidArgument("\(name): \(reason)") }
        func lines(_ data: Data) -> [Substring] {
            let text = String(decoding: data, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
            if lines.last?.isEmpty == true { lines.removeLast() }
            return lines
        }
        let rows = lines(data), words = lines(metadata).map(String.init)
        guard rows.count == words.count else {
            throw bad("\(rows.count) vectors but \(words.count) words in metadata.tsv beside it: the pair does not match")
        }
        let wanted = min(rows.count, limit ?? rows.count)
        var vectors = [Float](), dimension = 0
        for (index, row) in rows.prefix(wanted).enumerated() {
            let fields = row.split(separator: "\t")
            if index == 0 { dimension = fields.count }
            guard fields.count == dimension, dimension <= WordVectors.maximumDimension else {
                throw bad("line \(index + 1) has \(fields.count) numbers, expected \(dimension)")
            }
            for field in fields {
                guard let value = Float(field.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw bad("line \(index + 1): '\(field)' is not a number")
                }
                vectors.append(value)
            }
        }
        guard wanted > 0, dimension > 0 else { throw bad("no vectors in the file") }
        try self.init(words: Array(words.prefix(wanted)), dimension: dimension, vectors: vectors)
    }

    /// The trust boundary for vector files: the header's counts are bounded by what the
    /// file's size can hold before anything is reserved, every number must be finite (text
    /// and binary alike), and a UTF-8 byte-order mark and CRLF line ends are read as
    /// word2vec.c and gensim read them (the mark is skipped; `\r` is whitespace).
    public init(data: Data, name: String, limit: Int? = nil) throws {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        func bad(_ reason: String) -> RecurError { .invalidArgument("\(name): \(reason)") }
        guard let firstNewline = bytes.firstIndex(of: 0x0A) else { throw bad("no line ends in the file; not a vectors file") }
        let firstLine = bytes[..<firstNewline].split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            .map { String(decoding: $0, as: UTF8.self) }
        if firstLine.count == 2, let vocabulary = Int(firstLine[0]), let dimension = Int(firstLine[1]) {
            guard vocabulary >= 0, dimension > 0, dimension <= WordVectors.maximumDimension else {
                throw bad("header \"\(firstLine.joined(separator: " "))\" is out of range (dimension 1 to \(WordVectors.maximumDimension))")
            }
            let wanted = min(vocabulary, limit ?? vocabulary)
            if WordVectors.looksBinary(bytes, from: firstNewline + 1, dimension: dimension) {
                // Each binary entry takes at least a one-byte word, a space and D floats.
                let fits = (bytes.count - firstNewline) / (dimension * 4 + 2)
                guard wanted <= fits else {
                    throw bad("the header promises \(vocabulary) words of dimension \(dimension), but the file can hold at most \(fits) (truncated, or a false header)")
                }
                try self.init(binary: bytes, from: firstNewline + 1, count: wanted, dimension: dimension, bad: bad)
            } else {
                try self.init(text: bytes, from: firstNewline + 1, count: wanted, dimension: dimension, bad: bad)
            }
        } else if WordVectors.looksLikeProjector(data) {
            throw bad("this looks like a TensorBoard projector vectors.tsv (numbers only, no words): read it from its file, beside its metadata.tsv")
        } else {
            try self.init(text: bytes, from: 0, count: limit, dimension: nil, bad: bad)
        }
    }

    /// Binary when the first entry's D·4 bytes after its word are not all printable text.
    static func looksBinary(_ bytes: [UInt8], from start: Int, dimension: Int) -> Bool {
        guard let space = bytes[start...].firstIndex(of: 0x20) else { return false }
        let end = min(space + 1 + dimension * 4, bytes.count)
        return bytes[(space + 1)..<end].contains { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) || $0 > 0x7E }
    }

    private init(binary bytes: [UInt8], from start: Int, count: Int, dimension: Int, bad: (String) -> RecurError) throws {
        var words: [String] = []
        var vectors = [Float]()
        words.reserveCapacity(count)
        vectors.reserveCapacity(count * dimension)
        var position = start
        for entry in 0..<count {
            while position < bytes.count, bytes[position] == 0x0A || bytes[position] == 0x0D || bytes[position] == 0x20 { position += 1 }
            guard let space = bytes[position...].firstIndex(of: 0x20), space > position else {
                throw bad("entry \(entry + 1) of \(count) is missing (the file is truncated)")
            }
            let word = String(decoding: bytes[position..<space], as: UTF8.self)
            words.append(word)
            position = space + 1
            guard position + dimension * 4 <= bytes.count else { throw bad("entry \(entry + 1) is cut short (the file is truncated)") }
            let finite = bytes.withUnsafeBytes { raw in
                (0..<dimension).allSatisfy { j in
                    let value = raw.loadUnaligned(fromByteOffset: position + 4 * j, as: Float.self)
                    vectors.append(value)
                    return value.isFinite
                }
            }
            guard finite else { throw bad("entry \(entry + 1) (\(word.debugDescription)) holds a value that is not a finite number") }
            position += dimension * 4
        }
        try self.init(words: words, dimension: dimension, vectors: vectors)
    }

    /// Text: one entry a line, "word v1 … vD". With no header the first line sets D.
    private init(text bytes: [UInt8], from start: Int, count: Int?, dimension: Int?, bad: (String) -> RecurError) throws {
        var words: [String] = []
        var vectors = [Float]()
        // A text entry takes at least two bytes per number, so the file bounds the count.
        if let count, let dimension { vectors.reserveCapacity(min(count, bytes.count / (2 * dimension + 2)) * dimension) }
        var dimension = dimension
        var lineNumber = start == 0 ? 0 : 1
        var position = start
        while position < bytes.count, count.map({ words.count < $0 }) ?? true {
            let end = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            let line = bytes[position..<end]
            position = end + 1
            let fields = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            if fields.isEmpty { continue }
            let width = fields.count - 1
            if dimension == nil { dimension = width }
            guard width > 0 else {
                throw bad("line \(lineNumber) is a word with no numbers: each line must be a word, then its vector")
            }
            guard width == dimension else {
                throw bad("line \(lineNumber) has \(width) numbers, expected \(dimension ?? 0)")
            }
            words.append(String(decoding: fields[0], as: UTF8.self))
            for field in fields.dropFirst() {
                guard let value = Float(String(decoding: field, as: UTF8.self)), value.isFinite else {
                    throw bad("line \(lineNumber): '\(String(decoding: field, as: UTF8.self))' is not a number")
                }
                vectors.append(value)
            }
        }
        if let count, words.count < count { throw bad("the header promises \(count) words but the file has \(words.count)") }
        guard let dimension, !words.isEmpty else { throw bad("no vectors in the file") }
        try self.init(words: words, dimension: dimension, vectors: vectors)
    }
}
