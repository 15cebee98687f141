// The (integer, string) path of `GroupIndex`, the key shape of a DISTINCT aggregate: the
// group id (BIGINT) and the argument (a string such as a client id).
//
// Each row's key is laid out in a scratch buffer as the integer (8 bytes), a NULL-flag byte
// and the string's bytes, then looked up in one `StringKeyTable` whose values are group ids.
// One table lookup per row replaces the fixed-width path's two (a string id, then the word
// row), which matters once the keys outgrow the caches.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension GroupIndex {
    func lookupIntegerString(_ keys: [Vector], count: Int, insert: Bool, nullsMatch: Bool) -> [Int32] {
        let integers = expandedInt64(keys[0], count: count)
        let integerValidity = keys[0].expandedValidity()
        let flatStrings = keys[1].flatVector()
        guard case .string(let strings) = flatStrings.storage else {
            preconditionFailure("a string key vector has string storage")
        }
        let stringValidity = flatStrings.validity
        var maxLength = 0
        for row in 0..<count { maxLength = max(maxLength, strings.length(row)) }

        var result = [Int32](repeating: -1, count: count)
        var nextGroup = Int32(groupCount)
        // Work on a local table, so that the loop runs without exclusivity checks on the class.
        var table = pairKeys
        pairKeys = StringKeyTable(capacity: 1)
        var scratch = [UInt8](repeating: 0, count: 9 + maxLength)
        var hashes = [UInt64](repeating: 0, count: count)
        scratch.withUnsafeMutableBytes { scratch in
            strings.bytes.withUnsafeBytes { bytes in
                strings.offsets.withUnsafeBufferPointer { offsets in
                    /// Lays out row `row`'s key in `scratch` and returns it.
                    func key(_ row: Int) -> UnsafeRawBufferPointer {
                        let integerValid = integerValidity.isValid(row)
                        let stringValid = stringValidity.isValid(row)
                        // A NULL part stores 0 and no bytes, and the flag byte separates it
                        // from a 0 or an empty string.
                        scratch.storeBytes(
                            of: integerValid ? integers[row] : 0, toByteOffset: 0, as: Int64.self)
                        scratch[8] = (integerValid ? 0 : 1) | (stringValid ? 0 : 2)
                        var length = 0
                        if stringValid {
                            let start = Int(offsets[row])
                            length = Int(offsets[row + 1]) - start
                            if length > 0 { memcpy(scratch.baseAddress! + 9, bytes.baseAddress! + start, length) }
                        }
                        return UnsafeRawBufferPointer(rebasing: scratch[0..<(9 + length)])
                    }

                    // First hash every row and bring the table's lines into the cache, then probe.
                    hashes.withUnsafeMutableBufferPointer { hashes in
                        for row in 0..<count { hashes[row] = hashBytes(key(row)) }
                    }
                    hashes.withUnsafeBufferPointer { table.touch($0) }
                    result.withUnsafeMutableBufferPointer { result in
                        for row in 0..<count {
                            if !nullsMatch && !(integerValidity.isValid(row) && stringValidity.isValid(row)) {
                                continue
                            }
                            let rowKey = key(row)
                            if insert {
                                let found = table.findOrInsert(rowKey, hash: hashes[row], newValue: nextGroup)
                                if found.inserted { nextGroup += 1 }
                                result[row] = found.value
                            } else {
                                result[row] = table.find(rowKey, hash: hashes[row])
                            }
                        }
                    }
                }
            }
        }
        pairKeys = table
        groupCount = Int(nextGroup)
        return result
    }

    /// Rebuilds the key vectors from the table's keys, which are stored in group id order.
    func integerStringKeyVectors() -> [Vector] {
        var integers: [Int64] = []
        var integerValidity = ValidityMask()
        var strings = StringColumn()
        var stringValidity = ValidityMask()
        integers.reserveCapacity(groupCount)
        strings.offsets.reserveCapacity(groupCount + 1)
        pairKeys.forEachEntry { _, key in
            let row = integers.count
            let flags = key[8]
            integers.append(key.loadUnaligned(fromByteOffset: 0, as: Int64.self))
            strings.append(bytes: UnsafeBufferPointer(rebasing: key.bindMemory(to: UInt8.self)[9...]))
            if flags & 1 != 0 { integerValidity.set(row, valid: false, count: groupCount) }
            if flags & 2 != 0 { stringValidity.set(row, valid: false, count: groupCount) }
        }
        return [
            Vector(
                type: keyTypes[0], storage: .int64(integers), validity: integerValidity,
                count: integers.count),
            Vector(
                type: keyTypes[1], storage: .string(strings), validity: stringValidity, count: strings.count
            ),
        ]
    }
}
