// Distinct words of a corpus, each stored once as UTF-8 bytes in one arena and found
// again by an open-addressing hash table over those bytes: reading a 100 MB text makes
// no String per word, only one per distinct word at the end. Words are equal when their
// bytes are (TokenKey's rule: exact scalars, never canonical equivalence).

import Foundation

struct WordInterner {
    /// Every distinct word's bytes, back to back; word i is arena[starts[i] ..< starts[i + 1]].
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Slots: 0 when empty, else the word's number + 1 in the low 32 bits and the high 32
    /// bits of its hash above, so most mismatches are told apart without touching the
    /// arena. A power of two in size, at most half full.
    private var table = [UInt64](repeating: 0, count: 1 << 12)

    var count: Int { hashes.count }

    /// Eight bytes at a time, each block multiplied in and folded, then a finaliser so the
    /// low bits (the slot) mix well: a word costs one or two multiplications, where a
    /// byte-at-a-time hash would chain one per byte.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard var pointer = bytes.baseAddress.map(UnsafeRawPointer.init) else { return h }
        var remaining = bytes.count
        while remaining >= 8 {
            h = (h ^ pointer.loadUnaligned(as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            pointer += 8
            remaining -= 8
        }
        if remaining > 0 {
            var tail: UInt64 = 0
            withUnsafeMutableBytes(of: &tail) { $0.baseAddress!.copyMemory(from: pointer, byteCount: remaining) }
            h = (h ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        }
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 33)
    }

    /// The slot holding the word, or the empty slot where it would go.
    @inline(__always)
    private func slot(of bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> (slot: Int, id: Int32?) {
        let tag = h & 0xFFFF_FFFF_0000_0000
        return table.withUnsafeBufferPointer { slots in
            arena.withUnsafeBufferPointer { stored in
                starts.withUnsafeBufferPointer { starts in
                    let mask = slots.count - 1
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while true {
                        let entry = slots[slot]
                        if entry == 0 { return (slot, nil) }
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let id = Int(entry & 0xFFFF_FFFF) - 1
                            let start = starts[id], length = starts[id + 1] - start
                            if length == bytes.count, length == 0 || memcmp(stored.baseAddress! + start, bytes.baseAddress!, length) == 0 {
                                return (slot, Int32(id))
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// The word's number, or nil when it has not been seen.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        slot(of: bytes, hash: Self.hash(bytes)).id
    }

    /// The word's number, adding it when new.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        let found = slot(of: bytes, hash: h)
        if let id = found.id { return id }
        let id = Int32(hashes.count)
        table[found.slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        hashes.append(h)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        if hashes.count * 2 > table.count { grow() }
        return id
    }

    /// Word `id` as a String.
    func spelling(_ id: Int) -> String {
        arena.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]]), as: UTF8.self) }
    }

    /// Word `id`'s bytes, for ordering.
    func bytes(_ id: Int) -> ArraySlice<UInt8> { arena[starts[id]..<starts[id + 1]] }

    /// Calls `body` with word `id`'s bytes.
    func withBytes<Result>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]])) }
    }

    private mutating func grow() {
        var larger = [UInt64](repeating: 0, count: table.count * 2)
        let mask = larger.count - 1
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        }
        table = larger
    }
}
