// Checks the typed key paths of GroupIndex against the byte-encoded path on random chunks.
// The chunks contain NULLs, duplicates, empty and long strings, -0 and NaN, in flat,
// dictionary and constant vectors, with enough groups to grow every table.

import Testing
import TeleCore

@testable import TeleExecution

/// The vector shapes a string key may arrive in.
enum StringShape: CaseIterable {
    case flat
    case dictionary
    case constant
}

/// Returns a random string key: empty, short, or longer than 16 and 100 bytes, from a pool of
/// `distinct` values so that keys repeat.
func randomKey(_ random: inout SeededGenerator, distinct: Int) -> String {
    let number = Int.random(in: 0..<distinct, using: &random)
    switch number % 4 {
    case 0: return number == 0 ? "" : "k\(number)"
    case 1: return "key-\(number)-padding-past-16"
    case 2: return String(repeating: "long\(number % 7)", count: 30) + "\(number)"
    default: return "é\(number)"
    }
}

/// Builds a string vector of `values` (nil is NULL) in the given shape. A constant vector
/// repeats the first value.
func stringVector(_ values: [String?], shape: StringShape) -> Vector {
    switch shape {
    case .flat:
        return dictionaryVector(values).flattened()
    case .dictionary:
        return dictionaryVector(values)
    case .constant:
        let value: Value = values[0].map { .string($0) } ?? .null
        return Vector.constant(value, type: .varchar, count: values.count)
    }
}

/// Builds a bigint vector of `values` (nil is NULL) with non-zero garbage under the NULLs.
func bigintVector(_ values: [Int64?]) -> Vector {
    var validity = ValidityMask()
    for (row, value) in values.enumerated() where value == nil { validity.set(row, valid: false, count: values.count) }
    return Vector.int64(values.map { $0 ?? 77 }, validity: validity)
}

/// Returns the key values of every group as text, one array per column, so that NaN compares.
func keyTexts(_ index: GroupIndex) -> [[String]] {
    index.keyVectors().map { vector in (0..<vector.count).map { vector.value(at: $0).description } }
}

/// Feeds the same chunks to a typed index and an encoded one, and checks that both give the
/// same group ids, group counts and key values after every chunk.
func expectSameGroups(
    typed: GroupIndex, encoded: GroupIndex, chunks: [[Vector]], insert: Bool = true, nullsMatch: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for (number, keys) in chunks.enumerated() {
        let count = keys[0].count
        let typedIds = typed.lookup(keys, count: count, insert: insert, nullsMatch: nullsMatch)
        let encodedIds = encoded.lookup(keys, count: count, insert: insert, nullsMatch: nullsMatch)
        // Report the first differing row instead of two arrays of thousands of ids.
        let firstDifference = typedIds.indices.first { typedIds[$0] != encodedIds[$0] }
        #expect(typedIds.count == encodedIds.count, "row count of chunk \(number)", sourceLocation: sourceLocation)
        #expect(
            firstDifference == nil,
            "chunk \(number) row \(firstDifference ?? -1): typed \(firstDifference.map { typedIds[$0] } ?? -1), encoded \(firstDifference.map { encodedIds[$0] } ?? -1)",
            sourceLocation: sourceLocation)
        #expect(typed.groupCount == encoded.groupCount, "group count after chunk \(number)", sourceLocation: sourceLocation)
    }
    #expect(keyTexts(typed) == keyTexts(encoded), "key values", sourceLocation: sourceLocation)
}

@Suite struct GroupIndexPathTests {
    @Test func stringPathIsChosen() {
        #expect(GroupIndex(keyTypes: [.varchar]).path == .string)
        #expect(GroupIndex(keyTypes: [.bigint, .varchar]).path == .integerAndString)
        #expect(GroupIndex(keyTypes: [.varchar, .bigint]).path == .fixedWidth)
        #expect(GroupIndex(keyTypes: [.varchar, .varchar, .varchar]).path == .fixedWidth)
        #expect(GroupIndex(keyTypes: [.bigint]).path == .int64)
        #expect(GroupIndex(keyTypes: [.varchar], usesTypedPaths: false).path == .encoded)
    }

    @Test func dictionaryGroupsFollowRowOrder() {
        // Entry 0 ("b") first appears after entry 1 ("a"), so "a" must become group 0.
        let key = Vector(
            type: .varchar, storage: .dictionary(codes: [1, 0, 1, 0], dictionary: StringColumn(["b", "a"])),
            validity: ValidityMask(), count: 4)
        let index = GroupIndex(keyTypes: [.varchar])
        #expect(index.lookup([key], count: 4, insert: true) == [0, 1, 0, 1])
        #expect(keyTexts(index) == [["a", "b"]])
    }

    @Test func nullKeyFormsOneGroupInOrder() {
        let index = GroupIndex(keyTypes: [.varchar])
        let key = stringVector(["x", nil, "y", nil, "x"], shape: .flat)
        #expect(index.lookup([key], count: 5, insert: true) == [0, 1, 2, 1, 0])
        #expect(index.lookup([key], count: 5, insert: false, nullsMatch: false) == [0, -1, 2, -1, 0])
        #expect(index.groupCount == 3)
    }

    @Test(arguments: [3, 300, 6000])
    func oneStringKeyMatchesEncoded(distinct: Int) {
        var random = SeededGenerator(seed: UInt64(distinct))
        var chunks: [[Vector]] = []
        for number in 0..<24 {
            let count = Int.random(in: 1...2048, using: &random)
            let values: [String?] = (0..<count).map { _ in
                Int.random(in: 0..<10, using: &random) == 0 ? nil : randomKey(&random, distinct: distinct)
            }
            chunks.append([stringVector(values, shape: StringShape.allCases[number % 3])])
        }
        let typed = GroupIndex(keyTypes: [.varchar])
        let encoded = GroupIndex(keyTypes: [.varchar], usesTypedPaths: false)
        expectSameGroups(typed: typed, encoded: encoded, chunks: chunks)
        #expect(typed.groupCount > min(distinct, 3) - 1)

        // Probing as a join does: unseen keys and NULLs get -1, nothing is added.
        var probes: [[Vector]] = []
        for number in 0..<6 {
            let values: [String?] = (0..<1000).map { _ in
                Int.random(in: 0..<8, using: &random) == 0 ? nil : randomKey(&random, distinct: distinct * 2)
            }
            probes.append([stringVector(values, shape: StringShape.allCases[number % 2])])
        }
        let groupsBefore = typed.groupCount
        expectSameGroups(typed: typed, encoded: encoded, chunks: probes, insert: false, nullsMatch: false)
        #expect(typed.groupCount == groupsBefore)
    }

    @Test(arguments: [4, 50, 3000])
    func stringTriplesMatchEncoded(distinct: Int) {
        var random = SeededGenerator(seed: 1000 + UInt64(distinct))
        var chunks: [[Vector]] = []
        for number in 0..<20 {
            let count = Int.random(in: 1...2048, using: &random)
            let columns: [Vector] = (0..<3).map { column in
                let values: [String?] = (0..<count).map { _ in
                    Int.random(in: 0..<12, using: &random) == 0 ? nil : randomKey(&random, distinct: distinct)
                }
                return stringVector(values, shape: StringShape.allCases[(number + column) % 3])
            }
            chunks.append(columns)
        }
        let types: [DataType] = [.varchar, .varchar, .varchar]
        let typed = GroupIndex(keyTypes: types)
        let encoded = GroupIndex(keyTypes: types, usesTypedPaths: false)
        expectSameGroups(typed: typed, encoded: encoded, chunks: chunks)
        expectSameGroups(typed: typed, encoded: encoded, chunks: Array(chunks.prefix(5)), insert: false, nullsMatch: false)
    }

    @Test(arguments: [10, 5000])
    func groupAndStringPairsMatchEncoded(distinct: Int) {
        // The key shape of a DISTINCT aggregate: (group id, argument).
        var random = SeededGenerator(seed: 2000 + UInt64(distinct))
        var chunks: [[Vector]] = []
        for number in 0..<20 {
            let count = Int.random(in: 1...2048, using: &random)
            let groups: [Int64?] = (0..<count).map { _ in
                Int.random(in: 0..<20, using: &random) == 0 ? nil : Int64.random(in: -3...40, using: &random)
            }
            let strings: [String?] = (0..<count).map { _ in
                Int.random(in: 0..<10, using: &random) == 0 ? nil : randomKey(&random, distinct: distinct)
            }
            chunks.append([bigintVector(groups), stringVector(strings, shape: StringShape.allCases[number % 3])])
        }
        let types: [DataType] = [.bigint, .varchar]
        let typed = GroupIndex(keyTypes: types)
        let encoded = GroupIndex(keyTypes: types, usesTypedPaths: false)
        expectSameGroups(typed: typed, encoded: encoded, chunks: chunks)
        if distinct > 1000 {
            // Past the tables' first capacity, so growth ran between chunks.
            #expect(typed.groupCount > 1024)
        }
        expectSameGroups(typed: typed, encoded: encoded, chunks: Array(chunks.suffix(4)), insert: false, nullsMatch: false)

        // The same keys in the other order take the fixed-width path.
        let swappedTypes: [DataType] = [.varchar, .bigint]
        let swapped = GroupIndex(keyTypes: swappedTypes)
        let swappedEncoded = GroupIndex(keyTypes: swappedTypes, usesTypedPaths: false)
        #expect(swapped.path == .fixedWidth)
        expectSameGroups(typed: swapped, encoded: swappedEncoded, chunks: chunks.map { [$0[1], $0[0]] })
    }

    @Test(arguments: [1, 2])
    func sharedDictionaryChunksMatchEncoded(keyCount: Int) {
        // Chunks sliced from one row group share their dictionary's buffers, which the typed
        // paths cache per code. A second dictionary of the same size lists the entries in
        // reverse order, so a cache that ignored the switch would map codes wrongly.
        var random = SeededGenerator(seed: 40 + UInt64(keyCount))
        let entries = (0..<3000).map { "client-\($0)-" + String(repeating: "x", count: $0 % 40) }
        let forward = StringColumn(entries)
        let reversed = StringColumn(entries.reversed())
        func slice(_ dictionary: StringColumn) -> Vector {
            let count = Int.random(in: 1...2048, using: &random)
            let codes = (0..<count).map { _ in Int32.random(in: 0..<Int32(entries.count), using: &random) }
            var validity = ValidityMask()
            for row in 0..<count where Int.random(in: 0..<15, using: &random) == 0 {
                validity.set(row, valid: false, count: count)
            }
            return Vector(
                type: .varchar, storage: .dictionary(codes: codes, dictionary: dictionary), validity: validity,
                count: count)
        }
        func chunk(_ dictionary: StringColumn) -> [Vector] {
            let strings = slice(dictionary)
            if keyCount == 1 { return [strings] }
            let groups = (0..<strings.count).map { _ in Int64.random(in: 0..<3, using: &random) }
            return [Vector.int64(groups), strings]
        }
        let types: [DataType] = keyCount == 1 ? [.varchar] : [.bigint, .varchar]
        let typed = GroupIndex(keyTypes: types)
        let encoded = GroupIndex(keyTypes: types, usesTypedPaths: false)

        // Probe before any insert: the misses must not be remembered as misses.
        let probes = (0..<3).map { _ in chunk(forward) }
        expectSameGroups(typed: typed, encoded: encoded, chunks: probes, insert: false, nullsMatch: false)
        #expect(typed.groupCount == 0)

        let chunks = (0..<8).map { _ in chunk(forward) } + (0..<4).map { _ in chunk(reversed) }
            + (0..<4).map { _ in chunk(forward) }
        expectSameGroups(typed: typed, encoded: encoded, chunks: chunks)
        expectSameGroups(typed: typed, encoded: encoded, chunks: probes, insert: false, nullsMatch: false)
    }

    @Test func probeFilterKeepsEveryMatch() {
        // Enough keys for prepareForProbing to build the Bloom filter, then probes that mix
        // stored and absent keys. Keys inserted after the filter must still be found.
        var random = SeededGenerator(seed: 77)
        func chunk(_ range: Range<Int>, count: Int) -> [Vector] {
            let values: [String?] = (0..<count).map { _ in
                Int.random(in: 0..<20, using: &random) == 0
                    ? nil : "document-\(Int.random(in: range, using: &random))-0123456789abcdef"
            }
            return [stringVector(values, shape: .flat)]
        }
        let typed = GroupIndex(keyTypes: [.varchar])
        let encoded = GroupIndex(keyTypes: [.varchar], usesTypedPaths: false)
        let build = (0..<20).map { _ in chunk(0..<30_000, count: 2048) }
        expectSameGroups(typed: typed, encoded: encoded, chunks: build, nullsMatch: false)
        #expect(typed.groupCount >= 16_384)
        typed.prepareForProbing()

        let probes = (0..<10).map { _ in chunk(0..<60_000, count: 2048) }
        expectSameGroups(typed: typed, encoded: encoded, chunks: probes, insert: false, nullsMatch: false)
        let found = probes.map { typed.lookup($0, count: 2048, insert: false, nullsMatch: false).filter { $0 >= 0 }.count }
        #expect(found.allSatisfy { $0 > 0 })

        let later = (0..<3).map { _ in chunk(30_000..<40_000, count: 2048) }
        expectSameGroups(typed: typed, encoded: encoded, chunks: later)
        expectSameGroups(typed: typed, encoded: encoded, chunks: later, insert: false, nullsMatch: false)
    }

    @Test func doubleBooleanIntervalKeysMatchEncoded() {
        var random = SeededGenerator(seed: 3)
        let specialDoubles: [Double] = [0, -0.0, .nan, -.nan, .infinity, 1.5, -2.25]
        var chunks: [[Vector]] = []
        for _ in 0..<12 {
            let count = Int.random(in: 1...2048, using: &random)
            let doubles: [Value] = (0..<count).map { _ in
                Int.random(in: 0..<9, using: &random) == 0 ? .null : .double(specialDoubles.randomElement(using: &random)!)
            }
            let booleans: [Value] = (0..<count).map { _ in
                Int.random(in: 0..<9, using: &random) == 0 ? .null : .boolean(Bool.random(using: &random))
            }
            let intervals: [Value] = (0..<count).map { _ in
                // One month and 30 days compare equal, as they do in SQL.
                let choice = Int.random(in: 0..<4, using: &random)
                if choice == 0 { return .null }
                if choice == 1 { return .interval(Interval(months: 1)) }
                if choice == 2 { return .interval(Interval(days: 30)) }
                return .interval(Interval(micros: Int64.random(in: 0..<50, using: &random)))
            }
            chunks.append([
                makeVector(.double, doubles), makeVector(.boolean, booleans), makeVector(.interval, intervals),
            ])
        }
        let types: [DataType] = [.double, .boolean, .interval]
        let typed = GroupIndex(keyTypes: types)
        let encoded = GroupIndex(keyTypes: types, usesTypedPaths: false)
        #expect(typed.path == .fixedWidth)
        expectSameGroups(typed: typed, encoded: encoded, chunks: chunks)
    }

    @Test func constantKeysMatchEncoded() {
        let chunks: [[Vector]] = [
            [Vector.constant(.integer(5), type: .bigint, count: 3), Vector.constant(.null, type: .varchar, count: 3)],
            [Vector.constant(.null, type: .bigint, count: 2), Vector.constant(.string(""), type: .varchar, count: 2)],
            [bigintVector([5, nil, nil]), stringVector([nil, "", nil], shape: .flat)],
        ]
        let types: [DataType] = [.bigint, .varchar]
        let typed = GroupIndex(keyTypes: types)
        let encoded = GroupIndex(keyTypes: types, usesTypedPaths: false)
        expectSameGroups(typed: typed, encoded: encoded, chunks: chunks)
        // (5, NULL), (NULL, ''), (NULL, NULL).
        #expect(typed.groupCount == 3)
    }

    @Test func hashSeparatesNearbyStrings() {
        // Strings that differ in one byte at each position, for lengths around the load sizes.
        var seen = Set<UInt64>()
        var total = 0
        for length in [0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 36, 64] {
            var bytes = [UInt8](repeating: 97, count: length)
            for position in 0..<max(length, 1) {
                if length > 0 { bytes[position] = 98 }
                seen.insert(bytes.withUnsafeBytes { hashBytes($0) })
                total += 1
                if length > 0 { bytes[position] = 97 }
            }
        }
        #expect(seen.count == total)
    }
}
