// A microbenchmark of the hot path, run by hand and skipped otherwise:
//
//     TELEDB_BENCHMARK=1 swift test -c release --filter FilterGroupByBenchmark
//
// It scans 10 million rows in row groups of 122,880 rows, filters them, groups them by an
// integer key and by a dictionary-encoded string key, joins them with a 1,000-row table on
// the integer key, and prints rows per second.

import Foundation
import TeleCore
import TeleStorage
import Testing

@testable import TeleExecution

@Suite(.enabled(if: ProcessInfo.processInfo.environment["TELEDB_BENCHMARK"] == "1"))
struct FilterGroupByBenchmark {
    static let rowCount = 10_000_000
    static let rowGroupSize = 122_880

    func makeTable() -> TableData {
        var generator = SeededGenerator(seed: 42)
        let categories = StringColumn((0..<40).map { "category-\($0)" })
        var groups: [any RowGroup] = []
        var start = 0
        while start < Self.rowCount {
            let count = min(Self.rowGroupSize, Self.rowCount - start)
            let keys = (0..<count).map { _ in Int64.random(in: 0..<1000, using: &generator) }
            let values = (0..<count).map { _ in Double.random(in: 0..<1, using: &generator) }
            let codes = (0..<count).map { _ in Int32.random(in: 0..<40, using: &generator) }
            groups.append(MemoryRowGroup([
                Vector.int64(keys), Vector.double(values),
                Vector(type: .varchar, storage: .dictionary(codes: codes, dictionary: categories), count: count),
            ]))
            start += count
        }
        let schema = TableSchema(name: "bench", columns: [
            ColumnSchema(name: "key", type: .bigint), ColumnSchema(name: "value", type: .double),
            ColumnSchema(name: "category", type: .varchar),
        ])
        return TableData(schema: schema, rowGroups: groups)
    }

    func measure(_ label: String, _ body: () throws -> Int) rethrows {
        var best = Double.infinity
        var groups = 0
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            groups = try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let rate = Double(Self.rowCount) / best / 1e6
        print("\(label): best of 3 \(String(format: "%.3f", best)) s, \(String(format: "%.1f", rate)) M rows/s, \(groups) result rows")
    }

    @Test func filterAndGroupBy() throws {
        let table = makeTable()
        let sum = try AggregateFunctionRegistry.resolve(name: "sum", argumentTypes: [.double], distinct: false)
        let count = try AggregateFunctionRegistry.resolve(name: "count", argumentTypes: [], distinct: false)
        let filter = try call(">", column(1, .double), constant(.double(0.5), .double))
        let aggregates = [
            BoundAggregate(function: count, arguments: [], distinct: false, filter: nil),
            BoundAggregate(function: sum, arguments: [column(1, .double)], distinct: false, filter: nil),
        ]

        try measure("scan only") {
            let scan = TableScanOperator(table: table, columns: [0, 1], filter: nil, zoneMapPredicates: [])
            var rows = 0
            while let chunk = try scan.next() { rows += chunk.count }
            return rows
        }
        try measure("filter value > 0.5") {
            let scan = TableScanOperator(table: table, columns: [0, 1], filter: filter, zoneMapPredicates: [])
            var rows = 0
            while let chunk = try scan.next() { rows += chunk.count }
            return rows
        }
        try measure("filter + group by bigint key (1000 groups)") {
            let scan = TableScanOperator(table: table, columns: [0, 1], filter: filter, zoneMapPredicates: [])
            let aggregate = HashAggregateOperator(child: scan, groupKeys: [column(0, .bigint)], aggregates: aggregates)
            return try aggregate.collect().reduce(0) { $0 + $1.count }
        }
        try measure("filter + group by dictionary string (40 groups)") {
            let scan = TableScanOperator(table: table, columns: [2, 1], filter: filter, zoneMapPredicates: [])
            let aggregate = HashAggregateOperator(child: scan, groupKeys: [column(0, .varchar)], aggregates: aggregates)
            return try aggregate.collect().reduce(0) { $0 + $1.count }
        }

        let dimension = (0..<1000).map { [Value.integer(Int64($0)), .integer(Int64($0 % 7))] }
        try measure("hash join on bigint key with 1000 build rows") {
            let scan = TableScanOperator(table: table, columns: [0, 1], filter: nil, zoneMapPredicates: [])
            let build = ValuesOperator(types: [.bigint, .bigint], rows: dimension)
            let join = HashJoinOperator(
                probe: scan, build: build, type: .inner, probeKeys: [column(0, .bigint)], buildKeys: [column(0, .bigint)],
                residual: nil)
            var rows = 0
            while let chunk = try join.next() { rows += chunk.count }
            return rows
        }
    }
}
