// The string and fixed-width paths of `GroupIndex`: keys compared as typed values instead of
// encoded bytes.
//
// One string key maps straight through a `StringKeyTable` whose values are group ids. Keys of
// several columns become one row of 64-bit words each (see `FixedWidthKeyTable`), where a
// string column's word is a dense id from that column's own `StringKeyTable`. A
// dictionary-encoded key hashes each dictionary entry at most once per row group and reuses
// the result for every row of that code, which makes low-cardinality keys cheap.

import TeleCore

extension GroupIndex {
    // MARK: one string key

    func lookupString(_ key: Vector, count: Int, insert: Bool, nullsMatch: Bool) -> [Int32] {
        var result = [Int32](repeating: -1, count: count)
        var created: [Int] = []
        var nextGroup = Int32(groupCount)
        var nullGroupId = nullGroup
        result.withUnsafeMutableBufferPointer { result in
            if case .dictionary(let codes, let dictionary) = key.storage {
                mapDictionaryGroups(
                    codes, dictionary, validity: key.validity, count: count, insert: insert, nullsMatch: nullsMatch,
                    nextGroup: &nextGroup, nullGroup: &nullGroupId, result: result, created: &created)
                return
            }
            let flat = key.flatVector()
            guard case .string(let column) = flat.storage else {
                preconditionFailure("a string key vector has string storage")
            }
            withUnsafeMutablePointer(to: &nullGroupId) { nullPointer in
                stringKeys.lookup(
                    column, validity: flat.validity, count: count, insert: insert, nextValue: &nextGroup,
                    nullValue: nullsMatch ? nullPointer : nil, result: result, created: &created)
            }
        }
        nullGroup = nullGroupId
        groupCount = Int(nextGroup)
        return result
    }

    /// Rebuilds the key vector from the table's strings, which are stored in group id order
    /// with only the NULL group missing.
    func stringKeyVector() -> Vector {
        var strings = StringColumn()
        var validity = ValidityMask()
        strings.offsets.reserveCapacity(groupCount + 1)
        stringKeys.forEachEntry { _, key in
            if strings.count == Int(nullGroup) {
                strings.appendEmpty()
                validity.set(Int(nullGroup), valid: false, count: groupCount)
            }
            strings.append(bytes: key.bindMemory(to: UInt8.self))
        }
        if strings.count == Int(nullGroup) {
            strings.appendEmpty()
            validity.set(Int(nullGroup), valid: false, count: groupCount)
        }
        return Vector(type: keyTypes[0], storage: .string(strings), validity: validity, count: strings.count)
    }

    /// Maps the rows of a dictionary-encoded key to groups, resolving each code at its first
    /// row so that new groups still follow the order of rows.
    private func mapDictionaryGroups(
        _ codes: [Int32], _ dictionary: StringColumn, validity: ValidityMask, count: Int, insert: Bool,
        nullsMatch: Bool, nextGroup: inout Int32, nullGroup: inout Int32, result: UnsafeMutableBufferPointer<Int32>,
        created: inout [Int]
    ) {
        // Work on a local copy, so that the loop runs without exclusivity checks on the class.
        var cache = stringCodeCache
        stringCodeCache = DictionaryCodeCache()
        cache.prepare(for: dictionary)
        let allValid = validity.allValid
        dictionary.bytes.withUnsafeBytes { bytes in
            for row in 0..<count {
                if !allValid && !validity.isValid(row) {
                    guard nullsMatch else { continue }
                    if nullGroup < 0 && insert {
                        nullGroup = nextGroup
                        nextGroup += 1
                        created.append(row)
                    }
                    result[row] = nullGroup
                    continue
                }
                let code = Int(codes[row])
                var group = cache.values[code]
                if group == -2 {
                    let entry = UnsafeRawBufferPointer(
                        rebasing: bytes[Int(dictionary.offsets[code])..<Int(dictionary.offsets[code + 1])])
                    let hash = hashBytes(entry)
                    if insert {
                        let found = stringKeys.findOrInsert(entry, hash: hash, newValue: nextGroup)
                        if found.inserted {
                            nextGroup += 1
                            created.append(row)
                        }
                        group = found.value
                    } else {
                        group = stringKeys.find(entry, hash: hash)
                    }
                    if group >= 0 { cache.store(group, code: code) }
                }
                result[row] = group
            }
        }
        stringCodeCache = cache
    }

    // MARK: several fixed-width keys

    func lookupFixedWidth(_ keys: [Vector], count: Int, insert: Bool, nullsMatch: Bool) -> [Int32] {
        let stride = keys.count + 1
        var words = [UInt64](repeating: 0, count: count * stride)
        // 1 for rows that get -1 without a probe: a NULL key that must not match, or a string
        // that a lookup without insert has never seen.
        var skip = [UInt8](repeating: 0, count: count)
        words.withUnsafeMutableBufferPointer { words in
            skip.withUnsafeMutableBufferPointer { skip in
                for (column, key) in keys.enumerated() {
                    writeWords(
                        of: key, column: column, stride: stride, count: count, insert: insert, nullsMatch: nullsMatch,
                        words: words, skip: skip)
                }
            }
        }
        var result = [Int32](repeating: -1, count: count)
        var created: [Int] = []
        words.withUnsafeBufferPointer { words in
            skip.withUnsafeBufferPointer { skip in
                result.withUnsafeMutableBufferPointer { result in
                    fixedWidthKeys.lookup(
                        words: words, skip: skip, count: count, insert: insert, result: result, created: &created)
                }
            }
        }
        for row in created {
            for column in keys.indices { keyColumns[column].append(keys[column], row: row) }
        }
        groupCount = fixedWidthKeys.count
        return result
    }

    /// Writes one key column's word into every row, and its bit into the NULL-flag words.
    private func writeWords(
        of key: Vector, column: Int, stride: Int, count: Int, insert: Bool, nullsMatch: Bool,
        words: UnsafeMutableBufferPointer<UInt64>, skip: UnsafeMutableBufferPointer<UInt8>
    ) {
        switch key.type.physical {
        case .int64:
            let values = expandedInt64(key, count: count)
            for row in 0..<count { words[row * stride + column] = UInt64(bitPattern: values[row]) }
        case .double:
            let values = expandedDouble(key, count: count)
            for row in 0..<count { words[row * stride + column] = normalizedBits(values[row]) }
        case .bool:
            guard case .bool(let values) = key.flatVector().storage else { preconditionFailure("boolean storage") }
            for row in 0..<count { words[row * stride + column] = values[row] != 0 ? 1 : 0 }
        case .interval:
            guard case .interval(let values) = key.flatVector().storage else { preconditionFailure("interval storage") }
            for row in 0..<count {
                words[row * stride + column] = UInt64(bitPattern: values[row].comparableMicros)
            }
        case .string:
            writeStringIds(of: key, column: column, stride: stride, count: count, insert: insert, words: words, skip: skip)
        case .histogram:
            preconditionFailure("histogram keys take the encoded path")
        }

        let validity = key.expandedValidity()
        if validity.allValid { return }
        let nullBit = UInt64(1) << UInt64(column)
        for row in 0..<count where !validity.isValid(row) {
            // A NULL row's value word is 0 whatever the storage holds, so that NULLs compare equal.
            words[row * stride + column] = 0
            words[row * stride + stride - 1] |= nullBit
            skip[row] = nullsMatch ? skip[row] : 1
        }
    }

    /// Writes the dense id of each valid row's string; without `insert`, a string the column
    /// has never seen marks its row skipped.
    private func writeStringIds(
        of key: Vector, column: Int, stride: Int, count: Int, insert: Bool, words: UnsafeMutableBufferPointer<UInt64>,
        skip: UnsafeMutableBufferPointer<UInt8>
    ) {
        var ids = [Int32](repeating: -1, count: count)
        var nextId = Int32(internedStrings[column].count)
        var created: [Int] = []
        ids.withUnsafeMutableBufferPointer { ids in
            if case .dictionary(let codes, let dictionary) = key.storage {
                // NULL rows get no id here, because the caller flags them.
                mapDictionaryIds(
                    codes, dictionary, validity: key.validity, count: count, insert: insert, column: column,
                    nextId: &nextId, result: ids)
                return
            }
            let flat = key.flatVector()
            guard case .string(let strings) = flat.storage else { preconditionFailure("string storage") }
            internedStrings[column].lookup(
                strings, validity: flat.validity, count: count, insert: insert, nextValue: &nextId, nullValue: nil,
                result: ids, created: &created)
        }
        let validity = key.expandedValidity()
        for row in 0..<count {
            let id = ids[row]
            if id >= 0 {
                words[row * stride + column] = UInt64(id)
            } else if validity.isValid(row) {
                skip[row] = 1
            }
        }
    }

    private func mapDictionaryIds(
        _ codes: [Int32], _ dictionary: StringColumn, validity: ValidityMask, count: Int, insert: Bool, column: Int,
        nextId: inout Int32, result: UnsafeMutableBufferPointer<Int32>
    ) {
        var cache = internedCodeCaches[column]
        internedCodeCaches[column] = DictionaryCodeCache()
        var strings = internedStrings[column]
        internedStrings[column] = StringKeyTable(capacity: 1)
        cache.prepare(for: dictionary)
        let allValid = validity.allValid
        dictionary.bytes.withUnsafeBytes { bytes in
            for row in 0..<count {
                if !allValid && !validity.isValid(row) { continue }
                let code = Int(codes[row])
                var id = cache.values[code]
                if id == -2 {
                    let entry = UnsafeRawBufferPointer(
                        rebasing: bytes[Int(dictionary.offsets[code])..<Int(dictionary.offsets[code + 1])])
                    let hash = hashBytes(entry)
                    if insert {
                        let found = strings.findOrInsert(entry, hash: hash, newValue: nextId)
                        if found.inserted { nextId += 1 }
                        id = found.value
                    } else {
                        id = strings.find(entry, hash: hash)
                    }
                    if id >= 0 { cache.store(id, code: code) }
                }
                result[row] = id
            }
        }
        internedStrings[column] = strings
        internedCodeCaches[column] = cache
    }
}

/// Returns the bits of a double key with -0 folded into 0 and every NaN into one NaN, so that
/// values SQL treats as equal get equal words.
@inline(__always)
func normalizedBits(_ value: Double) -> UInt64 {
    if value == 0 { return 0 }
    if value.isNaN { return Double.nan.bitPattern }
    return value.bitPattern
}
