// A hash table from byte strings to Int32 values, for GROUP BY, DISTINCT and join keys.
//
// Every distinct string is copied once into one byte arena, with its 64-bit hash and its
// value. The open-addressing slots hold the entry number in their low 32 bits and the high
// 32 bits of the hash in their high bits, so a probe rejects most other entries without
// reading the arena, and compares lengths, then bytes, only when the tags agree.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct StringKeyTable {
    /// Linear-probing slots: 0 marks an empty slot, otherwise hash tag | (entry + 1).
    private var slots: [UInt64]
    private var hashes: [UInt64] = []
    private var arena: [UInt8] = []
    /// Entry i is `arena[offsets[i] ..< offsets[i + 1]]`.
    private var offsets: [Int] = [0]
    /// The value stored with each entry (a group id or a dense string id).
    private(set) var values: [Int32] = []

    init(capacity: Int = 1024) {
        slots = [UInt64](repeating: 0, count: capacity)
    }

    var count: Int { values.count }

    /// Returns the value of `key`, or -1 when the table does not contain it.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        let entry = findEntry(key, hash: hash)
        return entry < 0 ? -1 : values[entry]
    }

    /// Returns the value of `key`, adding it with `newValue` first when the table lacks it.
    /// `inserted` tells the caller whether `newValue` was used.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeRawBufferPointer, hash: UInt64, newValue: Int32) -> (
        value: Int32, inserted: Bool
    ) {
        let mask = slots.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 {
                slots[slot] = tag | UInt64(values.count + 1)
                hashes.append(hash)
                arena.append(contentsOf: key)
                offsets.append(arena.count)
                values.append(newValue)
                if values.count * 2 > slots.count { grow() }
                return (newValue, true)
            }
            if stored & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                if entryEquals(entry, key) { return (values[entry], false) }
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func findEntry(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        let mask = slots.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return -1 }
            if stored & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                if entryEquals(entry, key) { return entry }
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func entryEquals(_ entry: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[entry]
        guard offsets[entry + 1] - start == key.count else { return false }
        if key.isEmpty { return true }
        return arena.withUnsafeBytes { stored in
            memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    /// Doubles the slots and places every entry again from its stored hash.
    private mutating func grow() {
        let capacity = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for entry in 0..<hashes.count {
            let hash = hashes[entry]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
        }
        slots = newSlots
    }
}

extension StringKeyTable {
    /// Maps the strings of a flat column to values, row by row.
    ///
    /// A valid row gets its string's value; with `insert`, an unseen string is added with
    /// `nextValue`, which then grows by one and the row is appended to `created`. Without
    /// `insert` an unseen string gets -1. A NULL row gets -1 unless `nullValue` is given: then
    /// NULL rows share `nullValue`, which is assigned from `nextValue` at the first NULL row
    /// when it is still -1 and `insert` is set.
    mutating func lookup(
        _ column: StringColumn, validity: ValidityMask, count: Int, insert: Bool, nextValue: inout Int32,
        nullValue: UnsafeMutablePointer<Int32>?, result: UnsafeMutableBufferPointer<Int32>, created: inout [Int]
    ) {
        let allValid = validity.allValid
        column.bytes.withUnsafeBytes { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<count {
                    if !allValid && !validity.isValid(row) {
                        guard let nullValue else {
                            result[row] = -1
                            continue
                        }
                        if nullValue.pointee < 0 && insert {
                            nullValue.pointee = nextValue
                            nextValue += 1
                            created.append(row)
                        }
                        result[row] = nullValue.pointee
                        continue
                    }
                    let start = Int(offsets[row])
                    let key = UnsafeRawBufferPointer(rebasing: bytes[start..<Int(offsets[row + 1])])
                    let hash = hashBytes(key)
                    if insert {
                        let found = findOrInsert(key, hash: hash, newValue: nextValue)
                        if found.inserted {
                            nextValue += 1
                            created.append(row)
                        }
                        result[row] = found.value
                    } else {
                        result[row] = find(key, hash: hash)
                    }
                }
            }
        }
    }
}
