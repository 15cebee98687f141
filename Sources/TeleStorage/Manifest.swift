// The MANIFEST file: the one record of what a database directory contains. It lists the
// tables with their schemas and row groups (data file, byte range and statistics of every
// column chunk), the views and the database version, and ends with a CRC-32C of everything
// before it. Opening a database reads this file and nothing else.
//
//   "TDBMANIF"  u32 format version  u64 database version
//   u32 table count, then per table:
//     string name, u32 column count, per column: string name, string type, u8 not-null
//     u32 row group count, per group: string data file name, u32 row count,
//       per column: u64 offset, u32 length, statistics
//   u32 view count, then per view: string name, u32 column count, strings, string sql
//   format 2 only: u32 column default count, per default: string table, string column,
//     string sql of the DEFAULT expression
//   u32 CRC-32C
//
// A database without column defaults is written in format 1, so versions that predate
// defaults still open it. Format 2 adds the defaults section, and this version reads both.
//
// Strings are a u32 byte count and UTF-8 bytes. Statistics are a u64 NULL count and the min
// and max, each a tag byte (0 none, 1 boolean, 2 integer, 3 double, 4 string, 5 date,
// 6 timestamp) and its payload.

import TeleCore

enum Manifest {
    static let fileName = "MANIFEST"
    static let temporaryName = "manifest.new"
    static let magic: [UInt8] = Array("TDBMANIF".utf8)
    /// The format of manifests without column defaults.
    static let formatVersion: UInt32 = 1
    /// The format of manifests with a column defaults section.
    static let formatVersionWithDefaults: UInt32 = 2

    /// A manifest entry whose bytes are complete but whose value is not valid.
    private struct InvalidEntry: Error {
        var description: String
    }

    /// Serializes `snapshot`, whose row groups must all be `FileRowGroup`s.
    static func encode(_ snapshot: DatabaseSnapshot) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes.append(contentsOf: magic)
        let hasDefaults = snapshot.tables.values.contains { !$0.columnDefaults.isEmpty }
        writer.write(hasDefaults ? formatVersionWithDefaults : formatVersion)
        writer.write(snapshot.version)
        writer.write(UInt32(snapshot.tables.count))
        for name in snapshot.tableNames {
            guard let table = snapshot.tables[name] else { continue }
            writer.write(name)
            writer.write(UInt32(table.schema.columns.count))
            for column in table.schema.columns {
                writer.write(column.name)
                writer.write(column.type.rawValue)
                writer.write(column.notNull)
            }
            writer.write(UInt32(table.rowGroups.count))
            for group in table.rowGroups {
                guard let group = group as? FileRowGroup else {
                    preconditionFailure("a committed row group is stored in a data file")
                }
                writer.write(group.file.name)
                writer.write(UInt32(group.rowCount))
                for chunk in group.chunks {
                    writer.write(UInt64(chunk.offset))
                    writer.write(UInt32(chunk.length))
                    writeStatistics(chunk.statistics, into: &writer)
                }
            }
        }
        writer.write(UInt32(snapshot.views.count))
        for name in snapshot.viewNames {
            guard let view = snapshot.views[name] else { continue }
            writer.write(view.name)
            writer.write(UInt32(view.columnNames.count))
            for column in view.columnNames { writer.write(column) }
            writer.write(view.sql)
        }
        if hasDefaults { writeColumnDefaults(snapshot, into: &writer) }
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Parses a manifest of the database in `directory`.
    ///
    /// - Throws: `TeleError` XX001 naming `path` when the checksum or the structure is wrong.
    static func decode(_ bytes: [UInt8], directory: String, path: String) throws -> DatabaseSnapshot {
        func damaged(_ reason: String) -> TeleError {
            TeleError(
                .dataCorrupted, "manifest file \"\(path)\" is damaged: \(reason)",
                hint: "Restore the database directory from a backup.")
        }
        guard bytes.count >= magic.count + 4, Array(bytes[0..<magic.count]) == magic else {
            throw damaged("not a TeleDB manifest")
        }
        let body = bytes.count - 4
        let stored = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: body, as: UInt32.self)) }
        let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
        guard stored == actual else { throw damaged("checksum mismatch") }
        do {
            return try bytes.withUnsafeBytes { raw in
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[magic.count..<body]))
                let snapshot = try readSnapshot(&reader, directory: directory)
                guard reader.remaining == 0 else { throw damaged("trailing bytes") }
                return snapshot
            }
        } catch let error as TeleError {
            throw error
        } catch let error as InvalidEntry {
            throw damaged("invalid \(error.description)")
        } catch {
            throw damaged("entries end early")
        }
    }

    private static func readSnapshot(_ reader: inout ByteReader, directory: String) throws -> DatabaseSnapshot {
        let format = try reader.read(UInt32.self)
        guard format == formatVersion || format == formatVersionWithDefaults else {
            throw TeleError(
                .featureNotSupported, "manifest format version \(format) is not supported",
                hint: "Open this database with the TeleDB version that wrote it.")
        }
        var snapshot = DatabaseSnapshot(version: try reader.read(UInt64.self), tables: [:], views: [:])
        var files: [String: DataFile] = [:]
        for _ in 0..<(try reader.read(UInt32.self)) {
            let table = try readTable(&reader, directory: directory, files: &files)
            snapshot.tables[table.schema.name] = table
        }
        for _ in 0..<(try reader.read(UInt32.self)) {
            let name = try reader.readString()
            var columnNames: [String] = []
            for _ in 0..<(try reader.read(UInt32.self)) { columnNames.append(try reader.readString()) }
            snapshot.views[name] = ViewDefinition(name: name, columnNames: columnNames, sql: try reader.readString())
        }
        if format == formatVersionWithDefaults { try readColumnDefaults(&reader, into: &snapshot) }
        return snapshot
    }

    // MARK: Column defaults

    private static func writeColumnDefaults(_ snapshot: DatabaseSnapshot, into writer: inout ByteWriter) {
        var entries: [(table: String, column: String, sql: String)] = []
        for name in snapshot.tableNames {
            guard let table = snapshot.tables[name] else { continue }
            for column in table.schema.columns {
                if let sql = table.columnDefaults[column.name] { entries.append((name, column.name, sql)) }
            }
        }
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.write(entry.table)
            writer.write(entry.column)
            writer.write(entry.sql)
        }
    }

    private static func readColumnDefaults(_ reader: inout ByteReader, into snapshot: inout DatabaseSnapshot) throws {
        for _ in 0..<(try reader.read(UInt32.self)) {
            let table = try reader.readString()
            let column = try reader.readString()
            let sql = try reader.readString()
            guard snapshot.tables[table]?.schema.columnIndex(column) != nil else {
                throw InvalidEntry(description: "default of unknown column \"\(table).\(column)\"")
            }
            snapshot.tables[table]?.columnDefaults[column] = sql
        }
    }

    private static func readTable(
        _ reader: inout ByteReader, directory: String, files: inout [String: DataFile]
    ) throws -> TableData {
        let name = try reader.readString()
        var columns: [ColumnSchema] = []
        for _ in 0..<(try reader.read(UInt32.self)) {
            let columnName = try reader.readString()
            let typeName = try reader.readString()
            guard let type = DataType(rawValue: typeName) else { throw InvalidEntry(description: "column type \"\(typeName)\"") }
            columns.append(ColumnSchema(name: columnName, type: type, notNull: try reader.readBool()))
        }
        let schema = TableSchema(name: name, columns: columns)
        var groups: [any RowGroup] = []
        for _ in 0..<(try reader.read(UInt32.self)) {
            let fileName = try reader.readString()
            let file = files[fileName] ?? DataFile(directory: directory, name: fileName)
            files[fileName] = file
            let rowCount = Int(try reader.read(UInt32.self))
            var chunks: [StoredColumnChunk] = []
            for column in columns {
                let offset = Int(try reader.read(UInt64.self))
                let length = Int(try reader.read(UInt32.self))
                let statistics = try readStatistics(&reader)
                chunks.append(StoredColumnChunk(offset: offset, length: length, statistics: statistics))
            }
            groups.append(FileRowGroup(file: file, rowCount: rowCount, chunks: chunks, tableName: name, columns: columns))
        }
        return TableData(schema: schema, rowGroups: groups)
    }

    // MARK: Statistics

    private static func writeStatistics(_ statistics: ColumnStatistics, into writer: inout ByteWriter) {
        writer.write(UInt64(statistics.nullCount))
        writeBound(statistics.min, into: &writer)
        writeBound(statistics.max, into: &writer)
    }

    private static func writeBound(_ value: Value?, into writer: inout ByteWriter) {
        switch value {
        case .boolean(let flag):
            writer.write(UInt8(1))
            writer.write(flag)
        case .integer(let number):
            writer.write(UInt8(2))
            writer.write(number)
        case .double(let number):
            writer.write(UInt8(3))
            writer.write(number)
        case .string(let text):
            writer.write(UInt8(4))
            writer.write(text)
        case .date(let days):
            writer.write(UInt8(5))
            writer.write(days)
        case .timestamp(let micros):
            writer.write(UInt8(6))
            writer.write(micros)
        case nil, .null, .interval, .histogram:
            writer.write(UInt8(0))
        }
    }

    private static func readStatistics(_ reader: inout ByteReader) throws -> ColumnStatistics {
        let nullCount = Int(try reader.read(UInt64.self))
        return ColumnStatistics(min: try readBound(&reader), max: try readBound(&reader), nullCount: nullCount)
    }

    private static func readBound(_ reader: inout ByteReader) throws -> Value? {
        switch try reader.read(UInt8.self) {
        case 0: return nil
        case 1: return .boolean(try reader.readBool())
        case 2: return .integer(try reader.read(Int64.self))
        case 3: return .double(try reader.readDouble())
        case 4: return .string(try reader.readString())
        case 5: return .date(try reader.read(Int64.self))
        case 6: return .timestamp(try reader.read(Int64.self))
        case let tag: throw InvalidEntry(description: "statistics tag \(tag)")
        }
    }
}
