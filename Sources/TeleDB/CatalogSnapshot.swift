// The snapshot sessions plan queries against: the committed tables and views, plus the
// emulated `pg_catalog` and `information_schema` tables built on demand from them, plus the
// session state that catalog functions read (settings, user, backend process ID).
//
// Name resolution follows PostgreSQL's search path `pg_catalog, public`: `pg_class` and
// `pg_catalog.pg_class` name the catalog table even when a user table of that name exists,
// which `public.pg_class` then reaches. information_schema tables need the schema prefix.

import Foundation
import Synchronization
import TeleCore
import TelePlanner
import TeleStorage

/// A committed snapshot seen through the emulated PostgreSQL catalog.
final class CatalogSnapshot: CatalogEnvironment {
    let base: any Snapshot
    let settings: [String: String]
    let userName: String
    let databaseName: String
    let backendPID: Int64
    let startTime: Int64
    /// Settings changed by set_config() while the statement was planned.
    let recordedSettings = Mutex<[String: String]>([:])

    init(base: any Snapshot, settings: [String: String], userName: String, databaseName: String, backendPID: Int64) {
        self.base = base
        self.settings = settings
        self.userName = userName
        self.databaseName = databaseName
        self.backendPID = backendPID
        self.startTime = CatalogSnapshot.processStartTime
    }

    /// When this process first built a catalog snapshot, for pg_postmaster_start_time().
    static let processStartTime = Int64(Date().timeIntervalSince1970 * 1_000_000)

    var version: UInt64 { base.version }
    var tableNames: [String] { base.tableNames }
    var viewNames: [String] { base.viewNames }

    func table(_ name: String) -> TableData? {
        let (schema, relation) = CatalogSnapshot.split(name)
        switch schema {
        case "pg_catalog":
            return PGCatalogTables.table(named: relation, in: self)
        case "information_schema":
            return PGInformationSchema.table(named: relation, in: self)
        case "public":
            return base.table(relation)
        case nil:
            return PGCatalogTables.table(named: relation, in: self) ?? base.table(relation)
        default:
            return nil
        }
    }

    func view(_ name: String) -> ViewDefinition? {
        let (schema, relation) = CatalogSnapshot.split(name)
        guard schema == nil || schema == "public" else { return nil }
        return base.view(relation)
    }

    func setting(_ name: String) -> String? {
        recordedSettings.withLock { $0[name] } ?? settings[name]
    }

    func recordSetting(_ name: String, value: String) {
        recordedSettings.withLock { $0[name] = value }
    }

    /// Splits `schema.name` at its first dot. A name without a dot has no schema.
    static func split(_ name: String) -> (schema: String?, name: String) {
        guard let dot = name.firstIndex(of: ".") else { return (nil, name) }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }
}

/// The rows of one emulated catalog table, held as vectors in memory.
final class CatalogRowGroup: RowGroup {
    let vectors: [Vector]
    let rowCount: Int
    private let nullCounts: [Int]

    init(vectors: [Vector], rowCount: Int) {
        self.vectors = vectors
        self.rowCount = rowCount
        nullCounts = vectors.map { vector in (0..<rowCount).reduce(0) { $0 + (vector.value(at: $1).isNull ? 1 : 0) } }
    }

    // No min and max: scans then read every row group, which is one small group here.
    func statistics(column: Int) -> ColumnStatistics {
        ColumnStatistics(min: nil, max: nil, nullCount: nullCounts[column])
    }

    func readColumn(_ column: Int) throws -> Vector { vectors[column] }
}

/// A catalog table's columns and rows before they become vectors.
struct CatalogTableBuilder {
    let name: String
    var columns: [ColumnSchema] = []
    var rows: [[Value]] = []

    init(name: String, columns: [(String, DataType)]) {
        self.name = name
        self.columns = columns.map { ColumnSchema(name: $0.0, type: $0.1) }
    }

    /// Appends a row whose values follow the column order.
    mutating func append(_ row: [Value]) {
        precondition(row.count == columns.count, "catalog table \(name) got a row of \(row.count) values for \(columns.count) columns")
        rows.append(row)
    }

    func finish() -> TableData {
        var builders = columns.map { VectorBuilder(type: $0.type, capacity: rows.count) }
        for row in rows {
            for (index, value) in row.enumerated() { builders[index].append(value) }
        }
        var vectors: [Vector] = []
        for index in builders.indices { vectors.append(builders[index].finish()) }
        let schema = TableSchema(name: name, columns: columns)
        let groups: [any RowGroup] = rows.isEmpty ? [] : [CatalogRowGroup(vectors: vectors, rowCount: rows.count)]
        return TableData(schema: schema, rowGroups: groups)
    }
}
