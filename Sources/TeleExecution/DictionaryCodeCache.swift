// Per-code results for dictionary-encoded keys, kept across the chunks of one row group.
//
// A scan cuts a row group into chunks that share one dictionary, and a large dictionary (a
// high-cardinality column such as a client id) would otherwise cost an array of its size per
// chunk and a string lookup per row. The cache keeps the dictionary it was filled for, which
// also keeps that dictionary's buffers allocated, so equal buffer addresses mean the same
// dictionary.

import TeleCore

struct DictionaryCodeCache {
    private var dictionary = StringColumn()
    /// The cached value of each code, or -2 while the code is unresolved.
    private(set) var values: [Int32] = []

    /// Empties the cache unless it was filled for `newDictionary`.
    mutating func prepare(for newDictionary: StringColumn) {
        if Self.isSameStorage(dictionary, newDictionary) && values.count == newDictionary.count { return }
        dictionary = newDictionary
        values = [Int32](repeating: -2, count: newDictionary.count)
    }

    /// Stores a resolved value. Callers store only values that cannot change later (ids of
    /// keys that exist), never a "not found", because a later insert may add the key.
    @inline(__always)
    mutating func store(_ value: Int32, code: Int) {
        values[code] = value
    }

    private static func isSameStorage(_ left: StringColumn, _ right: StringColumn) -> Bool {
        let sameBytes = left.bytes.withUnsafeBufferPointer { leftBytes in
            right.bytes.withUnsafeBufferPointer { $0.baseAddress == leftBytes.baseAddress && $0.count == leftBytes.count }
        }
        let sameOffsets = left.offsets.withUnsafeBufferPointer { leftOffsets in
            right.offsets.withUnsafeBufferPointer {
                $0.baseAddress == leftOffsets.baseAddress && $0.count == leftOffsets.count
            }
        }
        return sameBytes && sameOffsets
    }
}
