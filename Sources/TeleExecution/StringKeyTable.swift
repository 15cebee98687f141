// A hash table from byte strings to Int32 values, for GROUP BY, DISTINCT and join keys.
//
// Every distinct string is copied once into one byte arena as a record: its value (4 bytes),
// its length (4 bytes), then its bytes. An open-addressing slot stores the record's offset in
// its low 40 bits and the top 24 bits of the string's hash above them. A probe thus rejects
// most other strings without touching the arena, and a match reads one record (the length,
// then the bytes). Keeping no per-entry side arrays saves a cache miss per probe on large
// tables. Growing rehashes the records in arena order.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct StringKeyTable {
    private static let tagMask: UInt64 = 0xFFFF_FF00_0000_0000
    private static let offsetMask: UInt64 = 0x0000_00FF_FFFF_FFFF
    private static let headerSize = 8

    /// Linear-probing slots: 0 marks an empty slot, otherwise hash tag | (record offset + 1).
    private var slots: [UInt64]
    private var arena: [UInt8] = []
    private(set) var count = 0
    /// A blocked Bloom filter of the stored strings' hashes, empty until `buildFilter()`, so
    /// that `find` can reject most absent strings without reading the large slot array.
    private var filter: [UInt64] = []
    /// The combined words that `touch` read, stored so that the optimizer keeps its loads.
    private var touchedWords: UInt64 = 0

    init(capacity: Int = 1024) {
        slots = [UInt64](repeating: 0, count: capacity)
    }

    /// Returns the value of `key`, or -1 when the table does not contain it.
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        if !filter.isEmpty && !filterMayContain(hash) { return -1 }
        let mask = slots.count - 1
        let tag = hash & Self.tagMask
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return -1 }
            if stored & Self.tagMask == tag {
                let record = Int(truncatingIfNeeded: stored & Self.offsetMask) - 1
                if let value = value(at: record, ifEqualTo: key) { return value }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Returns the value of `key`, adding it with `newValue` first when the table lacks it.
    /// `inserted` is true when the key was added with `newValue`.
    @inline(__always)
    mutating func findOrInsert(_ key: UnsafeRawBufferPointer, hash: UInt64, newValue: Int32) -> (
        value: Int32, inserted: Bool
    ) {
        let mask = slots.count - 1
        let tag = hash & Self.tagMask
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 {
                slots[slot] = tag | UInt64(appendRecord(key, value: newValue) + 1)
                count += 1
                if !filter.isEmpty { addToFilter(hash) }
                if count * 2 > slots.count { grow() }
                return (newValue, true)
            }
            if stored & Self.tagMask == tag {
                let record = Int(truncatingIfNeeded: stored & Self.offsetMask) - 1
                if let value = value(at: record, ifEqualTo: key) { return (value, false) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Reads the slot, and the record behind a slot whose tag matches, of every hash, so that
    /// the lookups that follow find them in the cache.
    ///
    /// The reads of different rows do not depend on each other, so the processor overlaps
    /// their cache misses, where a lookup loop waits for each in turn because of its
    /// branches. On a large table this hides most of the memory latency.
    mutating func touch(_ hashes: UnsafeBufferPointer<UInt64>) {
        // A small table stays in the cache, where the extra pass only costs time.
        // NOTE: the 16,384-slot limit is a guess, not a measured crossover.
        guard slots.count >= 16_384 else { return }
        let mask = slots.count - 1
        var combined: UInt64 = 0
        let usesFilter = !filter.isEmpty
        filter.withUnsafeBufferPointer { filter in
            slots.withUnsafeBufferPointer { slots in
                arena.withUnsafeBytes { stored in
                    for hash in hashes {
                        // A row that the filter rejects reads slot 0 instead, without a branch,
                        // so that probes of a selective join touch only the lines they will use.
                        var slotHash = hash
                        if usesFilter {
                            let (word, bits) = Self.filterBits(hash)
                            let passes = filter[Int(truncatingIfNeeded: word) & (filter.count - 1)] & bits == bits
                            slotHash &= 0 &- UInt64(passes ? 1 : 0)
                        }
                        let slotWord = slots[Int(truncatingIfNeeded: slotHash) & mask]
                        // An empty or foreign slot reads the arena's first byte instead.
                        let matches = slotWord != 0 && (slotWord ^ hash) & Self.tagMask == 0
                        let record = Int(truncatingIfNeeded: slotWord & Self.offsetMask) &- 1
                        let offset = matches ? record &+ 4 : 0
                        combined ^= slotWord
                        if !stored.isEmpty { combined ^= UInt64(stored[offset]) }
                    }
                }
            }
        }
        touchedWords ^= combined
    }

    /// Builds the Bloom filter over the strings stored so far. Later inserts keep it current.
    ///
    /// About 16 bits per string with 4 bits set per string, all in one 64-bit word, gives an
    /// estimated false-positive rate of a few percent, at one cache line per probe.
    mutating func buildFilter() {
        var words = 64
        while words * 4 < count { words *= 2 }
        filter = [UInt64](repeating: 0, count: words)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(count)
        forEachEntry { _, key in hashes.append(hashBytes(key)) }
        for hash in hashes { addToFilter(hash) }
    }

    @inline(__always)
    private static func filterBits(_ hash: UInt64) -> (word: UInt64, bits: UInt64) {
        // Remix so that the filter's bits do not repeat the slot index (low bits) or tag.
        let mixed = foldedMultiply(hash, 0x9E37_79B9_7F4A_7C15)
        let bits: UInt64 =
            (1 << (mixed & 63)) | (1 << ((mixed >> 6) & 63)) | (1 << ((mixed >> 12) & 63))
            | (1 << ((mixed >> 18) & 63))
        return (mixed >> 24, bits)
    }

    @inline(__always)
    private func filterMayContain(_ hash: UInt64) -> Bool {
        let (word, bits) = Self.filterBits(hash)
        return filter[Int(truncatingIfNeeded: word) & (filter.count - 1)] & bits == bits
    }

    private mutating func addToFilter(_ hash: UInt64) {
        let (word, bits) = Self.filterBits(hash)
        filter[Int(truncatingIfNeeded: word) & (filter.count - 1)] |= bits
    }

    /// Appends a record and returns its offset.
    private mutating func appendRecord(_ key: UnsafeRawBufferPointer, value: Int32) -> Int {
        let record = arena.count
        precondition(UInt64(record) < Self.offsetMask, "string key arena past 2^40 bytes")
        withUnsafeBytes(of: value) { arena.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(key.count)) { arena.append(contentsOf: $0) }
        arena.append(contentsOf: key)
        return record
    }

    @inline(__always)
    private func value(at record: Int, ifEqualTo key: UnsafeRawBufferPointer) -> Int32? {
        arena.withUnsafeBytes { stored in
            let length = Int(stored.loadUnaligned(fromByteOffset: record + 4, as: UInt32.self))
            guard length == key.count else { return nil }
            if length > 0 && memcmp(stored.baseAddress! + record + Self.headerSize, key.baseAddress!, length) != 0 {
                return nil
            }
            return stored.loadUnaligned(fromByteOffset: record, as: Int32.self)
        }
    }

    /// Calls `body` with the value and the bytes of every string, in insertion order.
    func forEachEntry(_ body: (Int32, UnsafeRawBufferPointer) -> Void) {
        arena.withUnsafeBytes { stored in
            var record = 0
            while record < stored.count {
                let value = stored.loadUnaligned(fromByteOffset: record, as: Int32.self)
                let length = Int(stored.loadUnaligned(fromByteOffset: record + 4, as: UInt32.self))
                let start = record + Self.headerSize
                body(value, UnsafeRawBufferPointer(rebasing: stored[start..<(start + length)]))
                record = start + length
            }
        }
    }

    /// Doubles the slots and places every record again, hashing its bytes anew.
    private mutating func grow() {
        let capacity = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        arena.withUnsafeBytes { stored in
            var record = 0
            while record < stored.count {
                let length = Int(stored.loadUnaligned(fromByteOffset: record + 4, as: UInt32.self))
                let start = record + Self.headerSize
                let hash = hashBytes(UnsafeRawBufferPointer(rebasing: stored[start..<(start + length)]))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while newSlots[slot] != 0 { slot = (slot + 1) & mask }
                newSlots[slot] = (hash & Self.tagMask) | UInt64(record + 1)
                record = start + length
            }
        }
        slots = newSlots
    }
}

extension StringKeyTable {
    /// Maps the strings of a flat column to values, row by row.
    ///
    /// A valid row gets its string's value. With `insert`, an unseen string is added with
    /// `nextValue`, which then grows by one, and the row is appended to `created`. Without
    /// `insert`, an unseen string gets -1. A NULL row gets -1 unless `nullValue` is given.
    /// Then NULL rows share `nullValue`, which the first NULL row takes from `nextValue` when
    /// it is still -1 and `insert` is set.
    mutating func lookup(
        _ column: StringColumn, validity: ValidityMask, count: Int, insert: Bool, nextValue: inout Int32,
        nullValue: UnsafeMutablePointer<Int32>?, result: UnsafeMutableBufferPointer<Int32>, created: inout [Int]
    ) {
        let allValid = validity.allValid
        var hashes = [UInt64](repeating: 0, count: count)
        column.bytes.withUnsafeBytes { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                // First hash every row and bring the table's lines into the cache, then probe.
                hashes.withUnsafeMutableBufferPointer { hashes in
                    for row in 0..<count {
                        let start = Int(offsets[row])
                        hashes[row] = hashBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<Int(offsets[row + 1])]))
                    }
                }
                hashes.withUnsafeBufferPointer { touch($0) }
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
                    let hash = hashes[row]
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
