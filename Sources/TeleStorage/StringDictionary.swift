// Finds the distinct strings of a column chunk for dictionary encoding, with an
// open-addressing hash table over the raw bytes (no Swift `String` per row).

import Glibc
import TeleCore

enum StringDictionary {
    /// Returns each row's code and the distinct strings in order of first appearance, or nil
    /// when the chunk has more than `ColumnChunkFormat.maxDictionarySize` distinct strings,
    /// not fewer than half as many distinct strings as rows, or no valid row at all.
    ///
    /// NULL rows get code 0.
    static func build(_ column: StringColumn, validity: ValidityMask) -> (codes: [Int64], dictionary: StringColumn)? {
        let rows = column.count
        let limit = min(ColumnChunkFormat.maxDictionarySize, (rows - 1) / 2)
        guard limit > 0 else { return nil }
        // A power of two at least twice the limit keeps probe sequences short.
        var capacity = 16
        while capacity < limit * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        var dictionary = StringColumn()
        var codes = [Int64](repeating: 0, count: rows)

        let found = column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<rows where validity.isValid(row) {
                    let value = UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
                    var slot = Int(hash(value) & UInt64(capacity - 1))
                    while true {
                        let code = slots[slot]
                        if code < 0 {
                            if dictionary.count == limit { return false }
                            slots[slot] = Int32(dictionary.count)
                            codes[row] = Int64(dictionary.count)
                            dictionary.append(bytes: value)
                            break
                        }
                        if dictionary.withBytes(Int(code), { equalBytes($0, value) }) {
                            codes[row] = Int64(code)
                            break
                        }
                        slot = (slot + 1) & (capacity - 1)
                    }
                }
                return true
            }
        }
        guard found, dictionary.count > 0 else { return nil }
        return (codes, dictionary)
    }

    private static func equalBytes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
        return memcmp(leftBase, rightBase, left.count) == 0
    }

    /// FNV-1a over the bytes.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash ^ (hash >> 29)
    }
}
