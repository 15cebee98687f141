// The hash aggregate against a naive reference on random data, plus its edge cases: no
// keys on empty input, NULL keys, DISTINCT, FILTER and dictionary-encoded keys.

import TeleCore
import Testing

@testable import TeleExecution

@Suite struct HashAggregateTests {
    func aggregate(_ name: String, _ arguments: [BoundExpression], distinct: Bool = false, filter: BoundExpression? = nil)
        throws -> BoundAggregate
    {
        let function = try AggregateFunctionRegistry.resolve(
            name: name, argumentTypes: arguments.map(\.type), distinct: distinct)
        return BoundAggregate(function: function, arguments: arguments, distinct: distinct, filter: filter)
    }

    @Test func noKeysOnEmptyInputGivesOneRow() throws {
        let source = ChunkSource(types: [.bigint], rows: [])
        let x = column(0, .bigint)
        let operator_ = HashAggregateOperator(
            child: source, groupKeys: [],
            aggregates: [try aggregate("count", []), try aggregate("count", [x]), try aggregate("sum", [x]),
                         try aggregate("min", [x]), try aggregate("avg", [x])])
        #expect(try rows(of: operator_) == [[.integer(0), .integer(0), .null, .null, .null]])
    }

    @Test func groupedAggregatesMatchReference() throws {
        var generator = SeededGenerator(seed: 11)
        var input: [[Value]] = []
        for _ in 0..<10_000 {
            let key: Value = Int.random(in: 0..<20, using: &generator) == 0 ? .null : .integer(Int64.random(in: 0..<50, using: &generator))
            let value: Value = Int.random(in: 0..<10, using: &generator) == 0 ? .null : .integer(Int64.random(in: -1000...1000, using: &generator))
            input.append([key, value])
        }
        let x = column(1, .bigint)
        let operator_ = HashAggregateOperator(
            child: ChunkSource(types: [.bigint, .bigint], rows: input, chunkSize: 777), groupKeys: [column(0, .bigint)],
            aggregates: [try aggregate("count", []), try aggregate("count", [x]), try aggregate("sum", [x]),
                         try aggregate("min", [x]), try aggregate("max", [x]), try aggregate("count", [x], distinct: true)])
        let actual = sortedRows(try rows(of: operator_))

        // Reference: group with a dictionary over boxed values.
        var groups: [Value: [Value]] = [:]
        for row in input { groups[row[0], default: []].append(row[1]) }
        let expected = sortedRows(groups.map { key, values in
            let present = values.compactMap { value -> Int64? in if case .integer(let number) = value { return number }; return nil }
            return [key, .integer(Int64(values.count)), .integer(Int64(present.count)),
                    present.isEmpty ? .null : .integer(present.reduce(0, +)),
                    present.min().map { .integer($0) } ?? .null, present.max().map { .integer($0) } ?? .null,
                    .integer(Int64(Set(present).count))]
        })
        #expect(actual.count == expected.count)
        #expect(actual == expected)
    }

    @Test func stringKeysFromDictionaryAndFlatVectorsAgree() throws {
        let values = ["a", "b", nil, "a", "c", "b", "a", nil]
        let dictionaryChunk = DataChunk(columns: [dictionaryVector(values), Vector.int64((0..<8).map { Int64($0) })], count: 8)
        let flatChunk = DataChunk(columns: [dictionaryVector(values).flattened(), Vector.int64((0..<8).map { Int64($0) })], count: 8)
        var results: [[[Value]]] = []
        for chunk in [dictionaryChunk, flatChunk] {
            let operator_ = HashAggregateOperator(
                child: ChunkSource(types: [.varchar, .bigint], chunks: [chunk, chunk]), groupKeys: [column(0, .varchar)],
                aggregates: [try aggregate("sum", [column(1, .bigint)]), try aggregate("string_agg", [column(0, .varchar), text(",")])])
            results.append(sortedRows(try rows(of: operator_)))
        }
        #expect(results[0] == results[1])
        #expect(results[0].first == [.string("a"), .integer(2 * (0 + 3 + 6)), .string("a,a,a,a,a,a")])
        #expect(results[0].last?.first == .null)
        #expect(results[0].count == 4)
    }

    @Test func filterAndDistinct() throws {
        let input: [[Value]] = [[.integer(1)], [.integer(1)], [.integer(2)], [.integer(3)], [.null]]
        let x = column(0, .bigint)
        let positive = try call(">", x, int(1))
        let operator_ = HashAggregateOperator(
            child: ChunkSource(types: [.bigint], rows: input), groupKeys: [],
            aggregates: [try aggregate("count", [], filter: positive), try aggregate("sum", [x], distinct: true),
                         try aggregate("avg", [x]), try aggregate("count", [x], distinct: true, filter: positive)])
        #expect(try rows(of: operator_) == [[.integer(2), .integer(6), .double(7.0 / 4), .integer(2)]])
    }

    @Test func statisticalAggregates() throws {
        let input: [[Value]] = [2, 4, 4, 4, 5, 5, 7, 9].map { [.double($0)] }
        let x = column(0, .double)
        let operator_ = HashAggregateOperator(
            child: ChunkSource(types: [.double], rows: input), groupKeys: [],
            aggregates: [try aggregate("stddev_pop", [x]), try aggregate("var_pop", [x]), try aggregate("variance", [x]),
                         try aggregate("stddev", [x]), try aggregate("sum", [x])])
        let row = try #require(try rows(of: operator_).first)
        #expect(row[0] == .double(2))
        #expect(row[1] == .double(4))
        #expect(row[2] == .double(32.0 / 7))
        #expect(row[4] == .double(40))
    }

    @Test func booleanAndStringAggregates() throws {
        let input: [[Value]] = [[.boolean(true), .string("b")], [.boolean(false), .string("a")], [.null, .null]]
        let operator_ = HashAggregateOperator(
            child: ChunkSource(types: [.boolean, .varchar], rows: input), groupKeys: [],
            aggregates: [try aggregate("bool_and", [column(0, .boolean)]), try aggregate("bool_or", [column(0, .boolean)]),
                         try aggregate("min", [column(1, .varchar)]), try aggregate("max", [column(1, .varchar)])])
        #expect(try rows(of: operator_) == [[.boolean(false), .boolean(true), .string("a"), .string("b")]])
    }

    @Test func sumOverflowRaises22003() throws {
        let input: [[Value]] = [[.integer(.max)], [.integer(1)]]
        let operator_ = HashAggregateOperator(
            child: ChunkSource(types: [.bigint], rows: input), groupKeys: [], aggregates: [try aggregate("sum", [column(0, .bigint)])])
        let error = #expect(throws: TeleError.self) { try rows(of: operator_) }
        #expect(error?.state == .numericValueOutOfRange)
    }

    @Test func registryResolvesTypes() throws {
        #expect(try AggregateFunctionRegistry.resolve(name: "sum", argumentTypes: [.integer], distinct: false).returnType == .bigint)
        #expect(try AggregateFunctionRegistry.resolve(name: "sum", argumentTypes: [.real], distinct: false).returnType == .double)
        #expect(try AggregateFunctionRegistry.resolve(name: "avg", argumentTypes: [.smallint], distinct: false).returnType == .double)
        #expect(try AggregateFunctionRegistry.resolve(name: "max", argumentTypes: [.date], distinct: false).returnType == .date)
        #expect(AggregateFunctionRegistry.isAggregate("COUNT"))
        #expect(!AggregateFunctionRegistry.isAggregate("lower"))
        let error = #expect(throws: TeleError.self) {
            try AggregateFunctionRegistry.resolve(name: "sum", argumentTypes: [.varchar], distinct: false)
        }
        #expect(error?.state == .undefinedFunction)
    }
}
