// Reading a corpus file without holding it in memory twice: the bytes are streamed in
// chunks, validated as UTF-8 and decoded straight into token ids (two passes for a
// character vocabulary: which scalars occur, then their ids). Word-level corpora stream
// through the tokenizer too (WordCorpusReader.swift).
import Foundation

extension Corpus {
    /// Bytes read per chunk.
    static let chunkSize = 8 << 20

    /// Reads and tokenizes the file at `path`. With `vocabulary` (a checkpoint's) the
    /// text is mapped onto it; otherwise a vocabulary is built. `progress` receives the
    /// fraction done (0…1) after every chunk. Errors name the file and, for bad bytes,
    /// their offset.
    public static func load(path: String, level: TokenLevel, minCount: Int = 1, maxVocabulary: Int? = nil, lowercase: Bool = false,
                            vocabulary: Vocabulary? = nil, progress: ((Double) -> Void)? = nil) throws -> Corpus {
        let level = vocabulary?.level ?? level
        guard level == .char else {
            return try loadWords(path: path, minCount: minCount, maxVocabulary: maxVocabulary, lowercase: lowercase,
                                 vocabulary: vocabulary, progress: progress)
        }
        let size = try fileSize(path)
        let passes = vocabulary == nil ? 2 : 1
        var lookup = [Int32](repeating: -1, count: 0x11_0000)
        var tokens = 0
        let chosen: Vocabulary
        if let vocabulary {
            for (id, token) in vocabulary.tokens.enumerated() {
                if let scalar = token.unicodeScalars.first, token.unicodeScalars.count == 1 { lookup[Int(scalar.value)] = Int32(id) }
            }
            chosen = vocabulary
            tokens = size  // an upper bound, for the reservation below
        } else {
            var present = [Bool](repeating: false, count: 0x11_0000)
            try decodeFile(path, size: size) { scalar in
                present[Int(scalar)] = true
                tokens += 1
            } progress: { progress?($0 / Double(passes)) }
            let scalars = present.indices.filter { present[$0] }
            for (id, value) in scalars.enumerated() { lookup[value] = Int32(id) }
            chosen = Vocabulary(level: .char, tokens: scalars.map { String(Unicode.Scalar(UInt32($0))!) })
        }
        var missing: [String] = []
        let passStart = Double(passes - 1) / Double(passes)
        if chosen.count <= Int(UInt16.max) + 1 {
            var ids = [UInt16]()
            ids.reserveCapacity(tokens)
            try decodeFile(path, size: size) { scalar in
                let id = lookup[Int(scalar)]
                if id >= 0 { ids.append(UInt16(id)) } else { try noteMissing(scalar, &missing) }
            } progress: { progress?(passStart + $0 / Double(passes)) }
            try reportMissing(missing)
            return Corpus(ids: TokenIDs(narrow: ids), vocabulary: chosen)
        }
        var ids = [Int32]()
        ids.reserveCapacity(tokens)
        try decodeFile(path, size: size) { scalar in
            let id = lookup[Int(scalar)]
            if id >= 0 { ids.append(id) } else { try noteMissing(scalar, &missing) }
        } progress: { progress?(passStart + $0 / Double(passes)) }
        try reportMissing(missing)
        return Corpus(ids: TokenIDs(ids), vocabulary: chosen)
    }

    private static func noteMissing(_ scalar: UInt32, _ missing: inout [String]) throws {
        let text = String(Unicode.Scalar(scalar)!)
        if !missing.contains(text) { missing.append(text) }
    }

    private static func reportMissing(_ missing: [String]) throws {
        guard missing.isEmpty else {
            let shown = missing.prefix(5).map { $0.debugDescription }.joined(separator: ", ")
            throw RecurError.invalidCorpus("the corpus has characters the model's vocabulary lacks: \(shown)\(missing.count > 5 ? ", …" : "")")
        }
    }

    /// The size of a regular, non-empty file, or the reason it cannot be a corpus.
    static func fileSize(_ path: String) throws -> Int {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RecurError.invalidCorpus("corpus not found: \(path)")
        }
        guard !isDirectory.boolValue else { throw RecurError.invalidCorpus("corpus is a directory: \(path)") }
        // stat follows a symbolic link to the file it names; FileManager's attributes
        // describe the link itself, whose size is its path's length.
        var info = stat()
        guard stat(path, &info) == 0 else { throw RecurError.invalidCorpus("cannot read corpus: \(path)") }
        let size = Int(info.st_size)
        guard size > 0 else { throw RecurError.invalidCorpus("corpus is empty: \(path)") }
        return size
    }

    /// Streams the file through the UTF-8 decoder, calling `emit` with every scalar.
    static func decodeFile(_ path: String, size: Int, emit: (UInt32) throws -> Void,
                           progress: (Double) -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RecurError.invalidCorpus("cannot read corpus: \(path)") }
        defer { try? handle.close() }
        var carried: [UInt8] = []
        var offset = 0
        var filter = LineEnds.CharacterFilter()
        while true {
            let chunk = (try? handle.read(upToCount: chunkSize)) ?? nil
            let final = chunk == nil || chunk!.isEmpty
            var bytes = carried
            if let chunk { bytes.append(contentsOf: chunk) }
            if final && bytes.isEmpty { break }
            let consumed = try bytes.withUnsafeBufferPointer { buffer in
                try decodeUTF8(buffer, final: final, offset: offset, name: path) { try filter.feed($0, emit: emit) }
            }
            carried = Array(bytes[consumed...])
            offset += consumed
            progress(min(Double(offset) / Double(size), 1))
            if final { break }
        }
        try filter.finish(emit: emit)
    }

    /// Decodes `bytes` (which start at file offset `offset`), returning how many bytes
    /// were used: an incomplete sequence at the end is left for the next chunk unless
    /// `final`. NUL bytes and invalid UTF-8 (overlong forms, surrogates, values past
    /// U+10FFFF, stray continuation bytes) are errors giving the byte's offset.
    static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool, offset: Int, name: String,
                           emit: (UInt32) throws -> Void) throws -> Int {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead == 0 { throw binaryCorpus(offset: offset + index, name: name) }
                try emit(UInt32(lead))
                index += 1
                continue
            }
            guard let (scalar, length) = try decodeMultibyte(bytes, at: index, final: final, offset: offset, name: name) else { return index }
            try emit(scalar)
            index += length
        }
        return count
    }

    /// The error for a NUL byte: text has none, so the file is taken for binary.
    static func binaryCorpus(offset: Int, name: String) -> RecurError {
        .invalidCorpus("corpus looks binary (a NUL byte at offset \(offset)): \(name)")
    }

    /// The scalar whose lead byte (≥ 0x80) is at `index`, and its length in bytes; nil
    /// when the sequence runs past the end of `bytes` and more may follow (not `final`).
    /// The one owner of what valid UTF-8 is for every corpus reader.
    @inline(__always)
    static func decodeMultibyte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, final: Bool, offset: Int,
                                name: String) throws -> (scalar: UInt32, length: Int)? {
        func invalid(_ index: Int) -> RecurError {
            .invalidCorpus("corpus is not valid UTF-8 (bad byte 0x\(String(bytes[index], radix: 16)) at offset \(offset + index)): \(name)")
        }
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; scalar = UInt32(lead & 0x1F)
        case 0xE0: length = 3; lower = 0xA0; scalar = 0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; scalar = UInt32(lead & 0x0F)
        case 0xED: length = 3; upper = 0x9F; scalar = UInt32(lead & 0x0F)
        case 0xF0: length = 4; lower = 0x90; scalar = 0
        case 0xF1...0xF3: length = 4; scalar = UInt32(lead & 0x07)
        case 0xF4: length = 4; upper = 0x8F; scalar = 4
        default: throw invalid(index)
        }
        for position in 1..<length {
            guard index + position < bytes.count else {
                if final { throw invalid(index) }
                return nil
            }
            let byte = bytes[index + position]
            let (low, high) = position == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
            if byte < low || byte > high { throw invalid(index + position) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return (scalar, length)
    }
}
