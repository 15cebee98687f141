// Hash and nested-loop joins of every type against a naive reference on random data with
// duplicate and NULL keys.

import TeleCore
import Testing

@testable import TeleExecution

@Suite struct JoinTests {
    static let types: [JoinType] = [.inner, .left, .right, .full, .semi, .anti]

    func randomRows(count: Int, seed: UInt64) -> [[Value]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let key: Value = Int.random(in: 0..<8, using: &generator) == 0 ? .null : .integer(Int64.random(in: 0..<30, using: &generator))
            return [key, .integer(Int64(index))]
        }
    }

    /// Joins row by row over every pair, with `accept` as the extra condition.
    func reference(_ left: [[Value]], _ right: [[Value]], _ type: JoinType, accept: ([Value], [Value]) -> Bool) -> [[Value]] {
        var result: [[Value]] = []
        var rightMatched = [Bool](repeating: false, count: right.count)
        let nullRight = [Value](repeating: .null, count: right.first?.count ?? 2)
        for l in left {
            var matched = false
            for (index, r) in right.enumerated() where !l[0].isNull && l[0] == r[0] && accept(l, r) {
                matched = true
                rightMatched[index] = true
                if type != .semi && type != .anti { result.append(l + r) }
            }
            switch type {
            case .semi where matched, .anti where !matched: result.append(l)
            case .left where !matched, .full where !matched: result.append(l + nullRight)
            default: break
            }
        }
        if type == .right || type == .full {
            for (index, r) in right.enumerated() where !rightMatched[index] { result.append([.null, .null] + r) }
        }
        return sortedRows(result)
    }

    @Test(arguments: types)
    func hashJoinMatchesReference(_ type: JoinType) throws {
        let left = randomRows(count: 1500, seed: 1)
        let right = randomRows(count: 200, seed: 2)
        let join = HashJoinOperator(
            probe: ChunkSource(types: [.bigint, .bigint], rows: left, chunkSize: 1000),
            build: ChunkSource(types: [.bigint, .bigint], rows: right, chunkSize: 300), type: type,
            probeKeys: [column(0, .bigint)], buildKeys: [column(0, .bigint)], residual: nil)
        let expected = reference(left, right, type) { _, _ in true }
        // Compared outside #expect, which would describe both arrays.
        let actual = sortedRows(try rows(of: join))
        #expect(actual.count == expected.count)
        let matches = actual == expected
        #expect(matches)
    }

    @Test(arguments: types)
    func hashJoinWithResidualMatchesReference(_ type: JoinType) throws {
        let left = randomRows(count: 500, seed: 3)
        let right = randomRows(count: 200, seed: 4)
        // Residual over the combined layout: left.id % 3 < right.id % 3.
        let residual = try call("<", try call("%", column(1, .bigint), int(3)), try call("%", column(3, .bigint), int(3)))
        let join = HashJoinOperator(
            probe: ChunkSource(types: [.bigint, .bigint], rows: left), build: ChunkSource(types: [.bigint, .bigint], rows: right),
            type: type, probeKeys: [column(0, .bigint)], buildKeys: [column(0, .bigint)], residual: residual)
        let expected = reference(left, right, type) { l, r in
            guard case .integer(let a) = l[1], case .integer(let b) = r[1] else { return false }
            return a % 3 < b % 3
        }
        #expect(sortedRows(try rows(of: join)) == expected)
    }

    @Test(arguments: types)
    func nestedLoopJoinMatchesReference(_ type: JoinType) throws {
        let left = randomRows(count: 300, seed: 5)
        let right = randomRows(count: 200, seed: 6)
        let condition = try call("=", column(0, .bigint), column(2, .bigint))
        let join = NestedLoopJoinOperator(
            left: ChunkSource(types: [.bigint, .bigint], rows: left, chunkSize: 128),
            right: ChunkSource(types: [.bigint, .bigint], rows: right), type: type, condition: condition)
        #expect(sortedRows(try rows(of: join)) == reference(left, right, type) { _, _ in true })
    }

    @Test func stringKeysJoinAcrossDictionaryAndFlat() throws {
        let probe = DataChunk(columns: [dictionaryVector(["x", "y", nil, "z", "x"])], count: 5)
        let build = makeChunk(types: [.varchar, .bigint], rows: [[.string("x"), .integer(1)], [.string("z"), .integer(2)], [.null, .integer(3)]])
        let join = HashJoinOperator(
            probe: ChunkSource(types: [.varchar], chunks: [probe]), build: ChunkSource(types: [.varchar, .bigint], chunks: [build]),
            type: .inner, probeKeys: [column(0, .varchar)], buildKeys: [column(0, .varchar)], residual: nil)
        #expect(sortedRows(try rows(of: join)) == [
            [.string("x"), .string("x"), .integer(1)], [.string("x"), .string("x"), .integer(1)],
            [.string("z"), .string("z"), .integer(2)],
        ])
    }

    @Test func crossJoinWithoutCondition() throws {
        let join = NestedLoopJoinOperator(
            left: ChunkSource(types: [.bigint], rows: [[.integer(1)], [.integer(2)]]),
            right: ChunkSource(types: [.varchar], rows: [[.string("a")], [.string("b")], [.string("c")]]), type: .inner, condition: nil)
        #expect(try rows(of: join).count == 6)
    }

    @Test func largeOutputIsSplitIntoChunks() throws {
        // 3000 x 2 rows on one key make 6000 output rows from one probe chunk.
        let left = (0..<3000).map { [Value.integer(1), .integer(Int64($0))] }
        let right: [[Value]] = [[.integer(1), .integer(0)], [.integer(1), .integer(1)]]
        let join = HashJoinOperator(
            probe: ChunkSource(types: [.bigint, .bigint], rows: left, chunkSize: 3000),
            build: ChunkSource(types: [.bigint, .bigint], rows: right), type: .inner,
            probeKeys: [column(0, .bigint)], buildKeys: [column(0, .bigint)], residual: nil)
        var total = 0
        while let chunk = try join.next() {
            #expect(chunk.count <= Vector.defaultCapacity)
            total += chunk.count
        }
        #expect(total == 6000)
    }
}
