// Distinct words of a corpus, each stored once as UTF-8 bytes in one arena and found
// again by an open-addressing hash table over those bytes: reading a 100 MB text makes
// no String per word, only one per distinct word at the end. Words are equal when their
// bytes are (TokenKey's rule: exact scalars, never canonical equivalence).
//
// Most words are at most 8 bytes, and a slot holds such a word's bytes itself, and its
// count: counting it costs one cache miss, where a slot holding only a number cost four
// (the slot, the word's start, its bytes, its count) and a memcmp call. On the Zipf
// corpus of #20 that was two thirds of the reading time. Longer words keep their hash in
// the slot and are compared in the arena.

import CRecurKernels
import Foundation

struct WordInterner {
    /// Every distinct word's bytes, back to back; word i is arena[starts[i] ..< starts[i + 1]].
    private(set) var arena: [UInt8] = []
    private(set) var starts: [Int] = [0]

    /// A word's place in the table. `key` is the word's bytes (little-endian, zero-padded)
    /// when it has at most 8, else its hash; `entry` is 0 when the slot is empty, else the
    /// word's number + 1 in the low 32 bits and its length above; `count`: how often it
    /// was counted.
    private struct Slot {
        var key: UInt64 = 0
        var entry: UInt64 = 0
        var count = 0
    }

    /// A power of two in size, at most half full.
    private var table = [Slot](repeating: Slot(), count: 1 << 12)

    var count: Int { starts.count - 1 }

    /// The slot key of `bytes` (see Slot).
    @inline(__always)
    static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard bytes.count <= 8 else { return hash(bytes) }
        var key: UInt64 = 0
        for index in 0..<bytes.count { key |= UInt64(bytes[index]) << (8 * UInt64(index)) }
        return key
    }

    /// Where a key's probe starts: a short word's bytes mixed with its length; a long
    /// word's key is already a hash.
    @inline(__always)
    private static func home(key: UInt64, length: Int) -> UInt64 {
        guard length <= 8 else { return key }
        var h = (key ^ UInt64(length) << 59) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        return h
    }

    /// Eight bytes at a time, each block multiplied in and folded, then a finaliser so the
    /// low bits (the slot) mix well: a word costs a multiplication per 8 bytes, where a
    /// byte-at-a-time hash would chain one per byte.
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
    private func slot(of bytes: UnsafeBufferPointer<UInt8>, key: UInt64) -> (slot: Int, id: Int32?) {
        let length = bytes.count
        return table.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: Self.home(key: key, length: length)) & mask
            while true {
                let entry = slots[slot].entry
                if entry == 0 { return (slot, nil) }
                if slots[slot].key == key && Int(entry >> 32) == length {
                    let id = Int(entry & 0xFFFF_FFFF) - 1
                    if length <= 8 { return (slot, Int32(id)) }
                    let same = arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + starts[id], bytes.baseAddress!, length) == 0 }
                    if same { return (slot, Int32(id)) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The word's number, or nil when it has not been seen.
    func find(_ bytes: UnsafeBufferPointer<UInt8>, key: UInt64? = nil) -> Int32? {
        slot(of: bytes, key: key ?? Self.key(bytes)).id
    }

    /// Asks the cache for the slot where a word of this key and length is first looked for.
    @inline(__always)
    func prefetch(key: UInt64, length: Int) {
        table.withUnsafeBufferPointer { slots in
            recur_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: Self.home(key: key, length: length)) & (slots.count - 1)))
        }
    }

    /// The word's number, adding it when new; its count grows by `occurrences`. `key`:
    /// `WordInterner.key(bytes)`, when already known.
    @inline(__always)
    @discardableResult
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, key known: UInt64? = nil, occurrences: Int = 0) -> Int32 {
        let key = known ?? Self.key(bytes)
        let found = slot(of: bytes, key: key)
        if let id = found.id {
            table.withUnsafeMutableBufferPointer { $0[found.slot].count += occurrences }
            return id
        }
        return add(bytes, key: key, slot: found.slot, occurrences: occurrences)
    }

    /// How often each word was counted, by number.
    var counts: [Int] {
        var counts = [Int](repeating: 0, count: count)
        for slot in table where slot.entry != 0 { counts[Int(slot.entry & 0xFFFF_FFFF) - 1] = slot.count }
        return counts
    }

    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, key: UInt64, slot: Int, occurrences: Int) -> Int32 {
        let id = Int32(count)
        table[slot] = Slot(key: key, entry: UInt64(bytes.count) << 32 | UInt64(id + 1), count: occurrences)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        if count * 2 > table.count { grow() }
        return id
    }

    /// Word `id` as a String.
    func spelling(_ id: Int) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    /// Word `id`'s bytes, for ordering.
    func bytes(_ id: Int) -> ArraySlice<UInt8> { arena[starts[id]..<starts[id + 1]] }

    /// Calls `body` with word `id`'s bytes.
    func withBytes<Result>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]])) }
    }

    private mutating func grow() {
        var larger = [Slot](repeating: Slot(), count: table.count * 2)
        let mask = larger.count - 1
        for old in table where old.entry != 0 {
            var slot = Int(truncatingIfNeeded: Self.home(key: old.key, length: Int(old.entry >> 32))) & mask
            while larger[slot].entry != 0 { slot = (slot + 1) & mask }
            larger[slot] = old
        }
        table = larger
    }
}
