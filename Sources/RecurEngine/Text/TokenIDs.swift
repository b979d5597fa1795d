// Token ids stored compactly: two bytes each when the vocabulary fits in 65,536 entries
// (every character-level corpus in practice), four otherwise. A 100 MB text then needs
// 200 MB of ids instead of 400.

/// A read-only sequence of token ids.
public struct TokenIDs: RandomAccessCollection, Sendable, Equatable {
    enum Storage: Sendable, Equatable {
        case narrow([UInt16])
        case wide([Int32])
    }

    let storage: Storage

    /// Ids as given; stored narrow when every id fits.
    public init(_ ids: [Int32]) {
        if ids.allSatisfy({ $0 >= 0 && $0 <= Int32(UInt16.max) }) {
            storage = .narrow(ids.map { UInt16($0) })
        } else {
            storage = .wide(ids)
        }
    }

    init(narrow ids: [UInt16]) { storage = .narrow(ids) }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .narrow(let ids): ids.count
        case .wide(let ids): ids.count
        }
    }

    @inline(__always)
    public subscript(position: Int) -> Int32 {
        switch storage {
        case .narrow(let ids): Int32(ids[position])
        case .wide(let ids): ids[position]
        }
    }

    /// Bytes held by the ids.
    public var byteCount: Int {
        switch storage {
        case .narrow(let ids): ids.count * 2
        case .wide(let ids): ids.count * 4
        }
    }
}
