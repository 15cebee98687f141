// An in-memory snapshot for planner tests: a few small tables split into row groups with
// real min/max statistics, a view, and helpers that parse, plan and run SQL.

import TeleCore
import TeleExecution
import TelePlanner
import TeleStorage
import TeleSyntax
import Testing

/// One row group holding its columns as flat vectors.
final class MemoryRowGroup: RowGroup, @unchecked Sendable {
    let columns: [Vector]
    let rowCount: Int

    init(types: [DataType], rows: [[Value]]) {
        var builders = types.map { VectorBuilder(type: $0, capacity: rows.count) }
        for row in rows {
            for index in types.indices { builders[index].append(row[index]) }
        }
        columns = builders.indices.map { builders[$0].finish() }
        rowCount = rows.count
    }

    func statistics(column: Int) -> ColumnStatistics {
        let values = (0..<rowCount).map { columns[column].value(at: $0) }
        let present = values.filter { !$0.isNull }
        return ColumnStatistics(
            min: present.min(by: lessThan), max: present.max(by: lessThan), nullCount: values.count - present.count)
    }

    func readColumn(_ column: Int) throws -> Vector { columns[column] }
}

/// Orders the values the tables use: numbers, dates and strings by bytes.
func lessThan(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.integer(let x), .integer(let y)), (.date(let x), .date(let y)), (.timestamp(let x), .timestamp(let y)):
        return x < y
    case (.double(let x), .double(let y)): return x < y
    case (.string(let x), .string(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
    default: return false
    }
}

struct MemorySnapshot: Snapshot {
    var version: UInt64 = 1
    var tables: [String: TableData] = [:]
    var views: [String: ViewDefinition] = [:]

    var tableNames: [String] { tables.keys.sorted() }
    var viewNames: [String] { views.keys.sorted() }
    func table(_ name: String) -> TableData? { tables[name] }
    func view(_ name: String) -> ViewDefinition? { views[name] }

    /// Adds a table whose rows are split into row groups of `groupSize` rows.
    mutating func addTable(_ name: String, _ columns: [(String, DataType)], rows: [[Value]], groupSize: Int = 1000) {
        let schema = TableSchema(name: name, columns: columns.map { ColumnSchema(name: $0.0, type: $0.1) })
        let types = columns.map(\.1)
        var groups: [any RowGroup] = []
        var start = 0
        while start < rows.count {
            let end = min(start + groupSize, rows.count)
            groups.append(MemoryRowGroup(types: types, rows: Array(rows[start..<end])))
            start = end
        }
        tables[name] = TableData(schema: schema, rowGroups: groups)
    }
}

func date(_ text: String) -> Value {
    guard let days = DateTime.parseDate(text) else { preconditionFailure("bad test date \(text)") }
    return .date(days)
}

/// The shared test database.
///
///   pings(id, channel, os, version, day, value)   12 rows in row groups of 4, ordered by id
///   users(id, name, country)                      4 rows
///   orders(id, user_id, amount)                   6 rows, one with a NULL user and one with
///                                                 an unknown user
///   nums(n)                                       1, 2, 3, NULL
///   release_pings (view)                          pings on channel 'release'
let testSnapshot: MemorySnapshot = {
    var snapshot = MemorySnapshot()
    let channels = ["release", "beta", "nightly"]
    let systems = ["linux", "windows", "mac", "linux"]
    var pings: [[Value]] = []
    for id in 1...12 {
        pings.append([
            .integer(Int64(id)), .string(channels[id % 3]), .string(systems[id % 4]),
            .string(id <= 6 ? "119.0" : "120.0"), date("2024-01-\(id < 10 ? "0" : "")\(id)"),
            id == 5 ? .null : .double(Double(id) * 1.5),
        ])
    }
    snapshot.addTable(
        "pings",
        [("id", .integer), ("channel", .varchar), ("os", .varchar), ("version", .varchar), ("day", .date), ("value", .double)],
        rows: pings, groupSize: 4)
    snapshot.addTable(
        "users", [("id", .integer), ("name", .varchar), ("country", .varchar)],
        rows: [
            [.integer(1), .string("ada"), .string("uk")], [.integer(2), .string("bob"), .string("us")],
            [.integer(3), .string("cy"), .string("us")], [.integer(4), .string("dee"), .null],
        ])
    snapshot.addTable(
        "orders", [("id", .integer), ("user_id", .integer), ("amount", .bigint)],
        rows: [
            [.integer(10), .integer(1), .integer(100)], [.integer(11), .integer(1), .integer(50)],
            [.integer(12), .integer(2), .integer(70)], [.integer(13), .integer(3), .integer(20)],
            [.integer(14), .null, .integer(5)], [.integer(15), .integer(9), .integer(1)],
        ])
    snapshot.addTable("nums", [("n", .integer)], rows: [[.integer(1)], [.integer(2)], [.integer(3)], [.null]])
    snapshot.views["release_pings"] = ViewDefinition(
        name: "release_pings", columnNames: ["ping_id", "os"],
        sql: "SELECT id, os FROM pings WHERE channel = 'release'")
    return snapshot
}()

func parseQuery(_ sql: String) throws -> SelectStatement {
    let statements = try Parser.parse(sql)
    guard statements.count == 1, case .select(let query) = statements[0] else {
        throw TeleError.internalError("test SQL is not one SELECT: \(sql)")
    }
    return query
}

/// Plans and runs a query, returning every row.
func run(_ sql: String, parameters: [Value] = [], snapshot: MemorySnapshot = testSnapshot) throws -> [[Value]] {
    let planned = try Planner(snapshot: snapshot).plan(try parseQuery(sql), parameters: parameters)
    return try planned.root.collect().flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
}

func columns(_ sql: String) throws -> [OutputColumn] {
    try Planner(snapshot: testSnapshot).plan(try parseQuery(sql)).columns
}

func explain(_ sql: String) throws -> String {
    try Planner(snapshot: testSnapshot).explain(try parseQuery(sql))
}

/// Returns the error that planning or running `sql` throws, or nil when it succeeds.
func planningError(_ sql: String) -> TeleError? {
    do {
        _ = try run(sql)
        return nil
    } catch let error as TeleError {
        return error
    } catch {
        return TeleError.internalError("unexpected error type: \(error)")
    }
}

/// Rows as sorted text lines, for comparing results whose order the query leaves open.
func sortedText(_ rows: [[Value]]) -> [String] {
    rows.map { $0.map(\.description).joined(separator: "|") }.sorted()
}

func text(_ rows: [[Value]]) -> [String] {
    rows.map { $0.map(\.description).joined(separator: "|") }
}
