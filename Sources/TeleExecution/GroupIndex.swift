// Maps key tuples to dense group ids (0, 1, 2, ...) with open-addressing hash tables.
//
// The key types choose one path for the life of the index:
//   - One integer-like key: a linear-probing table of Int64 keys stored in the slots.
//   - One string key: a `StringKeyTable` whose values are the group ids. A dictionary-encoded
//     key looks up each dictionary entry once per row group and maps rows through their codes.
//   - An integer and a string key (a DISTINCT aggregate's group and argument): both are laid
//     out as one byte key in a `StringKeyTable` (GroupIndex+PairKeys.swift).
//   - Other keys of integer, double, boolean, interval or string type: every column becomes
//     one 64-bit word per row, strings through a per-column `StringKeyTable` of dense ids.
//     A `FixedWidthKeyTable` maps the word rows to group ids (GroupIndex+TypedKeys.swift).
//   - Anything else (histogram keys): rows encoded as byte strings (`EncodedKeys`) in a
//     linear-probing table of group ids that compares stored hashes first.
// On every path group ids follow the first appearance of their key, NULL keys included, and
// the key values of every group are kept as vectors for output.

import TeleCore

final class GroupIndex {
    /// The table layout that an index uses for all of its chunks.
    enum Path: Equatable {
        case int64
        case string
        case integerAndString
        case fixedWidth
        case encoded
    }

    let keyTypes: [DataType]
    let path: Path
    var groupCount = 0
    /// The key values of each group, in group id order, on the paths whose tables do not
    /// store the keys as they came.
    var keyColumns: [VectorAccumulator]
    /// The group of NULL keys on the one-key paths, or -1 before any NULL key.
    var nullGroup: Int32 = -1

    // The Int64 path: the key and the group of each slot (group -1 marks an empty slot).
    private var slotKeys: [Int64] = []
    private var slotGroups: [Int32] = []

    // The string path: strings to group ids.
    var stringKeys = StringKeyTable(capacity: 1)
    var stringCodeCache = DictionaryCodeCache()

    // The (integer, string) path: combined keys to group ids.
    var pairKeys = StringKeyTable(capacity: 1)

    // The fixed-width path: one string table of dense ids per key column (unused for columns
    // of other types), and the table of word rows.
    var internedStrings: [StringKeyTable] = []
    var fixedWidthKeys = FixedWidthKeyTable(columns: 0, capacity: 1)
    var internedCodeCaches: [DictionaryCodeCache] = []

    // The byte-string path: the group of each slot, and each group's hash and encoded key.
    private var slots: [Int32] = []
    private var groupHashes: [UInt64] = []
    private var groupKeyBytes: [UInt8] = []
    private var groupKeyOffsets: [Int] = [0]

    /// Creates an index for keys of `keyTypes`. With `usesTypedPaths` false every key goes
    /// through the byte-encoded path, which tests use as the reference for the other paths.
    init(keyTypes: [DataType], usesTypedPaths: Bool = true) {
        self.keyTypes = keyTypes
        keyColumns = keyTypes.map { VectorAccumulator(type: $0) }
        path = usesTypedPaths ? Self.choosePath(keyTypes) : .encoded
        let capacity = 1024
        switch path {
        case .int64:
            slotKeys = [Int64](repeating: 0, count: capacity)
            slotGroups = [Int32](repeating: -1, count: capacity)
        case .string:
            stringKeys = StringKeyTable(capacity: capacity)
        case .integerAndString:
            pairKeys = StringKeyTable(capacity: capacity)
        case .fixedWidth:
            internedStrings = keyTypes.map { StringKeyTable(capacity: $0.physical == .string ? capacity : 1) }
            fixedWidthKeys = FixedWidthKeyTable(columns: keyTypes.count, capacity: capacity)
            internedCodeCaches = keyTypes.map { _ in DictionaryCodeCache() }
        case .encoded:
            slots = [Int32](repeating: -1, count: capacity)
        }
    }

    private static func choosePath(_ keyTypes: [DataType]) -> Path {
        if keyTypes.count == 1 && keyTypes[0].physical == .int64 { return .int64 }
        if keyTypes.count == 1 && keyTypes[0].physical == .string { return .string }
        if keyTypes.count == 2 && keyTypes[0].physical == .int64 && keyTypes[1].physical == .string {
            return .integerAndString
        }
        // The NULL-flag word has one bit per column.
        let fixedWidthTypes: [PhysicalType] = [.int64, .double, .bool, .interval, .string]
        if !keyTypes.isEmpty && keyTypes.count <= 64 && keyTypes.allSatisfy({ fixedWidthTypes.contains($0.physical) }) {
            return .fixedWidth
        }
        return .encoded
    }

    /// Returns the key values of every group, one vector per key column.
    func keyVectors() -> [Vector] {
        switch path {
        case .string: return [stringKeyVector()]
        case .integerAndString: return integerStringKeyVectors()
        case .int64, .fixedWidth, .encoded: return keyColumns.map { $0.finish() }
        }
    }

    /// Prepares the index for lookups without insert (a join's probe side) once its keys are
    /// in. A large one-string-key index builds a Bloom filter, because most probe rows of a
    /// selective join miss, and the filter rejects them without reading the table.
    func prepareForProbing() {
        // NOTE: the 16,384-key limit is a guess, not a measured crossover.
        if path == .string && stringKeys.count >= 16_384 { stringKeys.buildFilter() }
    }

    /// Returns the group id of each row's key; with `insert`, unseen keys become new groups,
    /// otherwise they get -1. With `nullsMatch` false, a row with a NULL key gets -1 (joins).
    func lookup(_ keys: [Vector], count: Int, insert: Bool, nullsMatch: Bool = true) -> [Int32] {
        switch path {
        case .int64: return lookupInt64(keys[0], count: count, insert: insert, nullsMatch: nullsMatch)
        case .string: return lookupString(keys[0], count: count, insert: insert, nullsMatch: nullsMatch)
        case .integerAndString: return lookupIntegerString(keys, count: count, insert: insert, nullsMatch: nullsMatch)
        case .fixedWidth: return lookupFixedWidth(keys, count: count, insert: insert, nullsMatch: nullsMatch)
        case .encoded: return lookupEncoded(keys, count: count, insert: insert, nullsMatch: nullsMatch)
        }
    }

    // MARK: Int64 keys

    private func lookupInt64(_ key: Vector, count: Int, insert: Bool, nullsMatch: Bool) -> [Int32] {
        // Grow before the loop so that the slot buffers stay put while it runs.
        if insert { reserveInt64(groupCount + count) }
        let values = expandedInt64(key, count: count)
        let validity = key.expandedValidity()
        let allValid = validity.allValid
        var result = [Int32](repeating: -1, count: count)
        var createdRows: [Int] = []
        var nextGroup = Int32(groupCount)
        var nullGroupId = nullGroup
        values.withUnsafeBufferPointer { values in
            slotKeys.withUnsafeMutableBufferPointer { keys in
                slotGroups.withUnsafeMutableBufferPointer { groups in
                    result.withUnsafeMutableBufferPointer { result in
                        let mask = keys.count - 1
                        for row in 0..<count {
                            if !allValid && !validity.isValid(row) {
                                guard nullsMatch else { continue }
                                // Group ids follow first appearance, NULL included.
                                if nullGroupId < 0 && insert {
                                    nullGroupId = nextGroup
                                    nextGroup += 1
                                    createdRows.append(row)
                                }
                                result[row] = nullGroupId
                                continue
                            }
                            let value = values[row]
                            var slot = Int(truncatingIfNeeded: hashInt64(value)) & mask
                            while true {
                                let group = groups[slot]
                                if group < 0 {
                                    if insert {
                                        keys[slot] = value
                                        groups[slot] = nextGroup
                                        result[row] = nextGroup
                                        nextGroup += 1
                                        createdRows.append(row)
                                    }
                                    break
                                }
                                if keys[slot] == value {
                                    result[row] = group
                                    break
                                }
                                slot = (slot + 1) & mask
                            }
                        }
                    }
                }
            }
        }
        nullGroup = nullGroupId
        for row in createdRows { keyColumns[0].append(key, row: row) }
        groupCount = Int(nextGroup)
        return result
    }

    /// Grows the Int64 table so that `groups` keys keep the load factor at most one half.
    private func reserveInt64(_ groups: Int) {
        while groups * 2 > slotKeys.count { growInt64() }
    }

    private func growInt64() {
        let oldKeys = slotKeys
        let oldGroups = slotGroups
        let capacity = oldKeys.count * 2
        slotKeys = [Int64](repeating: 0, count: capacity)
        slotGroups = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for index in oldKeys.indices where oldGroups[index] >= 0 {
            var slot = Int(truncatingIfNeeded: hashInt64(oldKeys[index])) & mask
            while slotGroups[slot] >= 0 { slot = (slot + 1) & mask }
            slotKeys[slot] = oldKeys[index]
            slotGroups[slot] = oldGroups[index]
        }
    }

    // MARK: encoded keys

    private func lookupEncoded(_ keys: [Vector], count: Int, insert: Bool, nullsMatch: Bool = true) -> [Int32] {
        let encoded = EncodedKeys(keys, count: count)
        var result = [Int32](repeating: -1, count: count)
        encoded.bytes.withUnsafeBytes { bytes in
            for row in 0..<count {
                if !nullsMatch && encoded.hasNull[row] != 0 { continue }
                let rowKey = UnsafeRawBufferPointer(rebasing: bytes[encoded.offsets[row]..<encoded.offsets[row + 1]])
                result[row] = findEncoded(rowKey, insert: insert, keys: keys, row: row)
            }
        }
        return result
    }

    private func findEncoded(_ key: UnsafeRawBufferPointer, insert: Bool, keys: [Vector], row: Int) -> Int32 {
        let hash = hashBytes(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let group = slots[slot]
            if group < 0 {
                guard insert else { return -1 }
                let created = newGroup(from: keys, row: row)
                groupHashes.append(hash)
                groupKeyBytes.append(contentsOf: key)
                groupKeyOffsets.append(groupKeyBytes.count)
                slots[slot] = created
                if groupCount * 2 > slots.count { growEncoded() }
                return created
            }
            if groupHashes[Int(group)] == hash && storedKeyEquals(Int(group), key) { return group }
            slot = (slot + 1) & mask
        }
    }

    private func storedKeyEquals(_ group: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = groupKeyOffsets[group]
        let end = groupKeyOffsets[group + 1]
        guard end - start == key.count else { return false }
        return groupKeyBytes.withUnsafeBytes { stored in
            key.isEmpty || memcmp(stored.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    private func growEncoded() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for group in 0..<groupHashes.count {
            var slot = Int(truncatingIfNeeded: groupHashes[group]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(group)
        }
    }

    private func newGroup(from keys: [Vector], row: Int) -> Int32 {
        for column in keys.indices { keyColumns[column].append(keys[column], row: row) }
        groupCount += 1
        return Int32(groupCount - 1)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
