// Scans with zone maps, sorting and top-N, LIMIT, VALUES, DISTINCT, set operations and
// subqueries.

import TeleCore
import TeleStorage
import Testing

@testable import TeleExecution

@Suite struct ScanTests {
    func table() -> (TableData, [MemoryRowGroup]) {
        let groups = (0..<3).map { group in
            MemoryRowGroup([
                Vector.int64((0..<5000).map { Int64(group * 5000 + $0) }),
                dictionaryVector((0..<5000).map { $0 % 2 == 0 ? "even" : "odd" }),
            ])
        }
        let schema = TableSchema(name: "t", columns: [ColumnSchema(name: "id", type: .bigint), ColumnSchema(name: "kind", type: .varchar)])
        return (TableData(schema: schema, rowGroups: groups), groups)
    }

    @Test func zoneMapsSkipRowGroups() throws {
        let (data, groups) = table()
        let filter = try call(">=", column(0, .bigint), int(9990))
        let scan = TableScanOperator(
            table: data, columns: [0], filter: filter,
            zoneMapPredicates: [ZoneMapPredicate(column: 0, comparison: .greaterOrEqual, value: .integer(9990))])
        let result = try rows(of: scan)
        #expect(result.count == 15000 - 9990)
        #expect(result.first == [.integer(9990)])
        #expect(scan.rowGroupsSkipped == 1)
        #expect(groups[0].columnsRead.isEmpty)
        #expect(groups[1].columnsRead == [0])
    }

    @Test func scanReadsOnlyListedColumnsInOrder() throws {
        let (data, groups) = table()
        let scan = TableScanOperator(table: data, columns: [1, 0], filter: nil, zoneMapPredicates: [])
        var total = 0
        while let chunk = try scan.next() {
            #expect(chunk.count <= Vector.defaultCapacity)
            #expect(chunk.columns[0].type == .varchar)
            total += chunk.count
        }
        #expect(total == 15000)
        #expect(groups[2].columnsRead == [1, 0])
    }

    @Test func filterKeepsDictionaryVectors() throws {
        let (data, _) = table()
        let scan = TableScanOperator(table: data, columns: [1], filter: try call("=", column(0, .varchar), text("odd")), zoneMapPredicates: [])
        let chunk = try #require(try scan.next())
        guard case .dictionary = chunk.columns[0].storage else {
            Issue.record("the filter flattened the dictionary vector")
            return
        }
        #expect(chunk.count == 1024)
    }

    @Test(arguments: [
        (ZoneMapPredicate.Comparison.equal, Value.integer(5), true), (.equal, .integer(11), false),
        (.less, .integer(1), false), (.lessOrEqual, .integer(1), true), (.greater, .integer(10), false),
        (.greaterOrEqual, .integer(10), true), (.isNull, .null, false), (.isNotNull, .null, true),
    ])
    func zoneMapDecisions(_ comparison: ZoneMapPredicate.Comparison, _ value: Value, _ mayMatch: Bool) {
        let statistics = ColumnStatistics(min: .integer(1), max: .integer(10), nullCount: 0)
        #expect(ZoneMapPredicate(column: 0, comparison: comparison, value: value).mayMatch(statistics, rowCount: 10) == mayMatch)
    }
}

@Suite struct SortTests {
    let input: [[Value]] = [[.integer(3), .string("a")], [.null, .string("b")], [.integer(1), .string("c")],
                            [.integer(3), .string("d")], [.integer(2), .string("e")]]

    func sorted(_ ascending: Bool, nullsFirst: Bool) throws -> [Value] {
        let sort = SortOperator(
            child: ChunkSource(types: [.bigint, .varchar], rows: input, chunkSize: 2),
            keys: [SortKey(expression: column(0, .bigint), ascending: ascending, nullsFirst: nullsFirst)])
        return try rows(of: sort).map { $0[1] }
    }

    @Test func nullOrderAndStability() throws {
        #expect(try sorted(true, nullsFirst: false) == ["c", "e", "a", "d", "b"].map { .string($0) })
        #expect(try sorted(false, nullsFirst: true) == ["b", "a", "d", "e", "c"].map { .string($0) })
        #expect(try sorted(true, nullsFirst: true) == ["b", "c", "e", "a", "d"].map { .string($0) })
        #expect(try sorted(false, nullsFirst: false) == ["a", "d", "e", "c", "b"].map { .string($0) })
    }

    @Test func topNMatchesSortThenLimit() throws {
        var generator = SeededGenerator(seed: 9)
        let data = (0..<10_000).map { index -> [Value] in
            [Int.random(in: 0..<10, using: &generator) == 0 ? .null : .double(Double(Int.random(in: 0..<500, using: &generator))),
             .integer(Int64(index))]
        }
        let keys = [SortKey(expression: column(0, .double), ascending: false, nullsFirst: false)]
        let full = try rows(of: SortOperator(child: ChunkSource(types: [.double, .bigint], rows: data), keys: keys))
        let top = try rows(of: TopNOperator(child: ChunkSource(types: [.double, .bigint], rows: data, chunkSize: 999), keys: keys, limit: 3000, offset: 17))
        // Compared outside #expect, which would describe both 3000-row arrays.
        let matches = top == Array(full[17..<3017])
        #expect(top.count == 3000)
        #expect(matches)
    }

    @Test func nanSortsAboveInfinity() throws {
        let data: [[Value]] = [.nan, 1, .infinity, -.infinity].map { [.double($0)] } + [[.null]]
        let sort = SortOperator(child: ChunkSource(types: [.double], rows: data),
                                keys: [SortKey(expression: column(0, .double), ascending: true, nullsFirst: false)])
        let result = try rows(of: sort).map { $0[0] }
        #expect(result.map(\.description) == ["-Infinity", "1", "Infinity", "NaN", "NULL"])
    }

    @Test func multipleKeysWithMixedDirections() throws {
        let data: [[Value]] = [[.integer(1), .string("b")], [.integer(2), .string("a")], [.integer(1), .string("c")],
                               [.null, .string("a")], [.integer(2), .null]]
        let sort = SortOperator(child: ChunkSource(types: [.bigint, .varchar], rows: data), keys: [
            SortKey(expression: column(0, .bigint), ascending: false, nullsFirst: false),
            SortKey(expression: column(1, .varchar), ascending: true, nullsFirst: true),
        ])
        #expect(try rows(of: sort) == [[.integer(2), .null], [.integer(2), .string("a")], [.integer(1), .string("b")],
                                       [.integer(1), .string("c")], [.null, .string("a")]])
    }

    @Test func stringKeysSortBytewise() throws {
        let data: [[Value]] = ["b", "B", "a", "é", "ab"].map { [.string($0)] }
        let sort = SortOperator(child: ChunkSource(types: [.varchar], rows: data),
                                keys: [SortKey(expression: column(0, .varchar), ascending: true, nullsFirst: false)])
        #expect(try rows(of: sort).map { $0[0] } == ["B", "a", "ab", "b", "é"].map { .string($0) })
    }
}

@Suite struct StreamingOperatorTests {
    @Test func limitAndOffset() throws {
        let data = (0..<5000).map { [Value.integer(Int64($0))] }
        let limit = LimitOperator(child: ChunkSource(types: [.bigint], rows: data, chunkSize: 1000), limit: 1500, offset: 2500)
        let result = try rows(of: limit)
        #expect(result.count == 1500)
        #expect(result.first == [.integer(2500)])
        #expect(result.last == [.integer(3999)])
        let noLimit = LimitOperator(child: ChunkSource(types: [.bigint], rows: data), limit: nil, offset: 4990)
        #expect(try rows(of: noLimit).count == 10)
        let zero = LimitOperator(child: ChunkSource(types: [.bigint], rows: data), limit: 0, offset: 0)
        #expect(try rows(of: zero).isEmpty)
    }

    @Test func valuesWithAndWithoutColumns() throws {
        let values = ValuesOperator(types: [.bigint, .double], rows: [[.integer(1), .integer(2)], [.null, .double(0.5)]])
        #expect(try rows(of: values) == [[.integer(1), .double(2)], [.null, .double(0.5)]])
        let empty = ValuesOperator(types: [], rows: [[]])
        let chunk = try #require(try empty.next())
        #expect(chunk.count == 1)
        #expect(chunk.columnCount == 0)
        let projection = ProjectionOperator(child: ValuesOperator(types: [], rows: [[]]), expressions: [int(1)])
        #expect(try rows(of: projection) == [[.integer(1)]])
    }

    @Test func unionAllDistinctAndSetOperations() throws {
        let left: [[Value]] = [[.integer(1)], [.integer(1)], [.integer(2)], [.null], [.null], [.integer(3)]]
        let right: [[Value]] = [[.integer(1)], [.null], [.integer(4)]]
        func source(_ rows: [[Value]]) -> ChunkSource { ChunkSource(types: [.bigint], rows: rows, chunkSize: 2) }
        func run(_ kind: SetOperationKind, all: Bool) throws -> [[Value]] {
            sortedRows(try rows(of: SetOperationOperator(left: source(left), right: source(right), kind: kind, all: all)))
        }
        let ints = { (values: [Int64?]) in values.map { [$0.map { Value.integer($0) } ?? .null] } }
        #expect(try rows(of: UnionAllOperator(children: [source(left), source(right)])).count == 9)
        #expect(sortedRows(try rows(of: DistinctOperator(child: source(left)))) == ints([1, 2, 3, nil]))
        #expect(try run(.union, all: false) == ints([1, 2, 3, 4, nil]))
        #expect(try run(.union, all: true).count == 9)
        #expect(try run(.intersect, all: false) == ints([1, nil]))
        #expect(try run(.intersect, all: true) == ints([1, nil]))
        #expect(try run(.except, all: false) == ints([2, 3]))
        #expect(try run(.except, all: true) == ints([1, 2, 3, nil]))
    }

    @Test func explainTreeListsOperators() {
        let plan = FilterOperator(child: ValuesOperator(types: [.bigint], rows: []), predicate: constant(.boolean(true), .boolean))
        #expect(plan.explainTree() == "Filter\n  Values rows=0\n")
    }
}

@Suite struct SubqueryTests {
    func subquery(_ kind: BoundSubquery.Kind, type: DataType, correlated: [BoundExpression] = [],
                  rows: @escaping @Sendable ([Value]) -> [[Value]]) -> BoundExpression {
        .subquery(BoundSubquery(kind: kind, type: type, correlatedValues: correlated, makePlan: { outer in
            ValuesOperator(types: [type == .boolean ? .bigint : type], rows: rows(outer))
        }, explain: "test"))
    }

    @Test func scalarSubqueryRowCounts() throws {
        #expect(try ExpressionEvaluator.evaluateConstant(subquery(.scalar, type: .bigint) { _ in [] }) == .null)
        #expect(try ExpressionEvaluator.evaluateConstant(subquery(.scalar, type: .bigint) { _ in [[.integer(4)]] }) == .integer(4))
        let error = #expect(throws: TeleError.self) {
            try ExpressionEvaluator.evaluateConstant(subquery(.scalar, type: .bigint) { _ in [[.integer(1)], [.integer(2)]] })
        }
        #expect(error?.state == .cardinalityViolation)
    }

    @Test func correlatedSubqueryRunsOncePerDistinctOuterValue() throws {
        let counter = RunCounter()
        let expression = BoundExpression.subquery(BoundSubquery(
            kind: .scalar, type: .bigint, correlatedValues: [column(0, .bigint)],
            makePlan: { outer in
                counter.increment()
                return ValuesOperator(types: [.bigint], rows: [[.integer(outer[0].isNull ? -1 : 10 * (outer[0] == .integer(1) ? 1 : 2))]])
            }, explain: "test"))
        let chunk = makeChunk(types: [.bigint], rows: [[.integer(1)], [.integer(2)], [.integer(1)], [.null]])
        let result = try ExpressionEvaluator.evaluate(expression, on: chunk)
        #expect((0..<4).map { result.value(at: $0) } == [.integer(10), .integer(20), .integer(10), .integer(-1)])
        #expect(counter.value == 3)
    }

    @Test func existsAndInSubqueries() throws {
        #expect(try ExpressionEvaluator.evaluateConstant(subquery(.exists(negated: false), type: .boolean) { _ in [] }) == .boolean(false))
        #expect(try ExpressionEvaluator.evaluateConstant(subquery(.exists(negated: true), type: .boolean) { _ in [] }) == .boolean(true))
        let members: [[Value]] = [[.integer(1)], [.null]]
        let inSet = subquery(.inSubquery(operand: int(1), negated: false), type: .boolean) { _ in members }
        #expect(try ExpressionEvaluator.evaluateConstant(inSet) == .boolean(true))
        let notFound = subquery(.inSubquery(operand: int(2), negated: true), type: .boolean) { _ in members }
        #expect(try ExpressionEvaluator.evaluateConstant(notFound) == .null)
        let empty = subquery(.inSubquery(operand: constant(.null, .bigint), negated: false), type: .boolean) { _ in [] }
        #expect(try ExpressionEvaluator.evaluateConstant(empty) == .boolean(false))
    }
}

/// Counts plan instantiations from a `@Sendable` closure.
final class RunCounter: @unchecked Sendable {
    private(set) var value = 0
    func increment() { value += 1 }
}
