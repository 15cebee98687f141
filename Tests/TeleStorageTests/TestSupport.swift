// Shared helpers for the storage tests: a temporary directory per test, chunk builders and
// a reader that turns a table of a snapshot back into rows of values.

import Foundation
import TeleCore

@testable import TeleStorage

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/teledb-storage-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Returns the names of the files in the directory, sorted.
    func fileNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func dataFiles() -> [String] {
        fileNames().filter { $0.hasPrefix("data-") }
    }
}

/// Builds a chunk from rows of boxed values, typed by `schema`.
func makeChunk(_ schema: TableSchema, _ rows: [[Value]]) -> DataChunk {
    var builders = schema.columns.map { VectorBuilder(type: $0.type, capacity: rows.count) }
    for row in rows {
        for index in builders.indices { builders[index].append(row[index]) }
    }
    let columns = builders.indices.map { builders[$0].finish() }
    return DataChunk(columns: columns, count: rows.count)
}

/// Returns a one-column BIGINT chunk of `values`.
func bigintChunk(_ values: [Int64]) -> DataChunk {
    DataChunk(columns: [Vector.int64(values)], count: values.count)
}

/// Reads every row of `table` in `snapshot`, in storage order.
func readRows(_ snapshot: any Snapshot, _ table: String) throws -> [[Value]] {
    guard let data = snapshot.table(table) else { return [] }
    var rows: [[Value]] = []
    for group in data.rowGroups {
        let vectors = try data.schema.columns.indices.map { try group.readColumn($0) }
        for row in 0..<group.rowCount { rows.append(vectors.map { $0.value(at: row) }) }
    }
    return rows
}

/// Reads the BIGINT values of column 0 of `table`, in storage order.
func readIntegers(_ snapshot: any Snapshot, _ table: String) throws -> [Int64] {
    try readRows(snapshot, table).map { row in
        if case .integer(let value) = row[0] { return value }
        return Int64.min
    }
}

let singleBigint = TableSchema(name: "numbers", columns: [ColumnSchema(name: "n", type: .bigint)])

/// Creates `schema` and appends `rows` in one committed transaction.
func createTable(_ engine: StorageEngine, _ schema: TableSchema, rows: [[Value]] = []) throws {
    let transaction = try engine.beginWrite()
    try transaction.createTable(schema)
    if !rows.isEmpty { try transaction.append(table: schema.name, chunk: makeChunk(schema, rows)) }
    try transaction.commit()
}

/// A table with one column of every type, and rows that use NULL in each.
let everyTypeSchema = TableSchema(
    name: "every_type",
    columns: [
        ColumnSchema(name: "flag", type: .boolean),
        ColumnSchema(name: "small", type: .smallint),
        ColumnSchema(name: "medium", type: .integer),
        ColumnSchema(name: "big", type: .bigint, notNull: true),
        ColumnSchema(name: "single", type: .real),
        ColumnSchema(name: "wide", type: .double),
        ColumnSchema(name: "label", type: .varchar),
        ColumnSchema(name: "day", type: .date),
        ColumnSchema(name: "moment", type: .timestamp),
        ColumnSchema(name: "span", type: .interval),
        ColumnSchema(name: "latency", type: .histogram),
    ])

let sampleHistogram = Histogram(
    kind: .exponential, low: 1, high: 10_000, bucketCount: 50, sum: 1234, bucketLowerBounds: [0, 5, 800],
    bucketCounts: [3, 1, 9], submissions: 4)

let everyTypeRows: [[Value]] = [
    [
        .boolean(true), .integer(-3), .integer(70_000), .integer(Int64.max), .double(1.5), .double(-2.25),
        .string("héllo"), .date(19_000), .timestamp(1_700_000_000_123_456),
        .interval(Interval(months: 14, days: -3, micros: 5_000_001)), .histogram(sampleHistogram),
    ],
    [.null, .null, .null, .integer(Int64.min), .null, .null, .null, .null, .null, .null, .null],
    [
        .boolean(false), .integer(32_767), .integer(-1), .integer(0), .double(-0.5), .double(Double.nan),
        .string(""), .date(-1), .timestamp(-5), .interval(Interval()),
        .histogram(Histogram(kind: .count, low: 0, high: 0, bucketCount: 3, sum: 0, bucketLowerBounds: [], bucketCounts: [])),
    ],
]
