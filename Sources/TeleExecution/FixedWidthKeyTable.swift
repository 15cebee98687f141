// A hash table from rows of fixed-width key words to group ids, for keys of several columns.
//
// Each key column contributes one 64-bit word per row: an integer's bits, a normalized double's
// bits, a boolean, or the dense id that a `StringKeyTable` gave the row's string. One more
// word has a bit per column, set when that column is NULL. The value word of a NULL is 0, and
// the flag bit keeps NULL apart from a real 0. Rows are hashed word by word and compared word by word, with
// no byte encoding. The slots carry a hash tag as in `StringKeyTable`.

struct FixedWidthKeyTable {
    /// Words per stored key: one per key column plus the NULL-flag word.
    let stride: Int
    private var slots: [UInt64]
    private var hashes: [UInt64] = []
    /// `stride` words per group, in group id order.
    private var keys: [UInt64] = []

    init(columns: Int, capacity: Int = 1024) {
        stride = columns + 1
        slots = [UInt64](repeating: 0, count: capacity)
    }

    var count: Int { hashes.count }

    /// Maps each row of `words` (row-major, `stride` words per row) to a group id.
    ///
    /// Rows whose `skip` byte is set get -1. With `insert`, an unseen key becomes group
    /// `count` (ids follow first appearance) and its row is appended to `created`. Without
    /// `insert`, an unseen key gets -1.
    mutating func lookup(
        words: UnsafeBufferPointer<UInt64>, skip: UnsafeBufferPointer<UInt8>, count rowCount: Int, insert: Bool,
        result: UnsafeMutableBufferPointer<Int32>, created: inout [Int]
    ) {
        let stride = self.stride
        for row in 0..<rowCount {
            if skip[row] != 0 {
                result[row] = -1
                continue
            }
            let rowWords = UnsafeBufferPointer(rebasing: words[(row * stride)..<(row * stride + stride)])
            var hash: UInt64 = 0
            for word in rowWords { hash = combineHash(hash, word) }
            result[row] = findOrInsert(rowWords, hash: hash, insert: insert, row: row, created: &created)
        }
    }

    @inline(__always)
    private mutating func findOrInsert(
        _ rowWords: UnsafeBufferPointer<UInt64>, hash: UInt64, insert: Bool, row: Int, created: inout [Int]
    ) -> Int32 {
        let mask = slots.count - 1
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 {
                guard insert else { return -1 }
                let group = hashes.count
                slots[slot] = tag | UInt64(group + 1)
                hashes.append(hash)
                keys.append(contentsOf: rowWords)
                created.append(row)
                if hashes.count * 2 > slots.count { grow() }
                return Int32(group)
            }
            if stored & 0xFFFF_FFFF_0000_0000 == tag {
                let group = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                if storedKeyEquals(group, rowWords) { return Int32(group) }
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private func storedKeyEquals(_ group: Int, _ rowWords: UnsafeBufferPointer<UInt64>) -> Bool {
        let base = group * stride
        for index in 0..<stride where keys[base + index] != rowWords[index] { return false }
        return true
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for group in 0..<hashes.count {
            let hash = hashes[group]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while newSlots[slot] != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(group + 1)
        }
        slots = newSlots
    }
}
