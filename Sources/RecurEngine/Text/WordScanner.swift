// WordTokenizer's rule run over a corpus file's UTF-8 bytes instead of its scalars: an
// ASCII byte's role comes from a table, other scalars are decoded (and validated) only
// to look up their role, and each word is handed on as a slice of the read buffer, copied
// only when --lowercase changes it. It exists for speed (#20: reading was 17.7 MB per CPU
// second through the scalar Stream); WordCorpusReaderTests hold it to the Stream's tokens.
import Foundation

/// One thread's share of a word-level corpus: scanned into a WordTally.
struct WordScanner: CorpusChunkScanner {
    private(set) var tally: WordTally
    let lowercase: Bool
    /// The file's name, for errors.
    let name: String
    private let roles = ScalarRoles()
    private var lowered: [UInt8] = []

    init(tally: WordTally, lowercase: Bool, name: String) {
        self.tally = tally
        self.lowercase = lowercase
        self.name = name
    }

    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, offset: Int) throws {
        guard let base = chunk.baseAddress else { return }
        let count = chunk.count
        // A byte-order mark only encodes the file (LineEnds): dropped at its very start.
        var index = offset == 0 && count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
        var wordStart = -1
        var hasUppercaseASCII = false, isASCII = true
        while index < count {
            let byte = base[index]
            let role: WordTokenizer.Role, length: Int
            if byte < 0x80 {
                if byte == 0 { throw Corpus.binaryCorpus(offset: offset + index, name: name) }
                role = roles.role(of: UInt32(byte))
                length = 1
            } else {
                // Chunks end after an ASCII byte or at the file's end, so a cut sequence is an error.
                let (scalar, scalarLength) = try Corpus.decodeMultibyte(chunk, at: index, final: true, offset: offset, name: name)!
                role = roles.role(of: scalar)
                length = scalarLength
            }
            if role == .letter || (role == .joiner && wordStart >= 0) {
                if wordStart < 0 { wordStart = index }
                if byte &- 0x41 < 26 { hasUppercaseASCII = true }
                if byte >= 0x80 { isASCII = false }
            } else {
                if wordStart >= 0 {
                    add(UnsafeBufferPointer(start: base + wordStart, count: index - wordStart), isASCII: isASCII, hasUppercaseASCII: hasUppercaseASCII)
                    wordStart = -1
                    hasUppercaseASCII = false
                    isASCII = true
                }
                if role != .separator { tally.add(UnsafeBufferPointer(start: base + index, count: length), stable: true) }
            }
            index += length
        }
        if wordStart >= 0 {
            add(UnsafeBufferPointer(start: base + wordStart, count: count - wordStart), isASCII: isASCII, hasUppercaseASCII: hasUppercaseASCII)
        }
        tally.drain()
    }

    /// Counts a word, lowercased first when asked (a copy only when that changes it).
    private mutating func add(_ word: UnsafeBufferPointer<UInt8>, isASCII: Bool, hasUppercaseASCII: Bool) {
        tally.add(word, lowercase: lowercase, isASCII: isASCII, hasUppercaseASCII: hasUppercaseASCII, scratch: &lowered)
    }
}

/// The roles of scalars, ASCII's from the start and the others looked up in Unicode's
/// tables once each per thread: a real text repeats the same few hundred.
final class ScalarRoles {
    private static let unknown: UInt8 = 0xFF
    private let table: UnsafeMutablePointer<UInt8>

    init() {
        table = .allocate(capacity: 0x11_0000)
        table.initialize(repeating: Self.unknown, count: 0x11_0000)
        for (value, role) in WordTokenizer.asciiRoles.enumerated() { table[value] = role.rawValue }
    }

    deinit { table.deallocate() }

    @inline(__always)
    func role(of scalar: UInt32) -> WordTokenizer.Role {
        if let known = WordTokenizer.Role(rawValue: table[Int(scalar)]) { return known }
        let role = WordTokenizer.role(of: Unicode.Scalar(scalar)!)
        table[Int(scalar)] = role.rawValue
        return role
    }
}
