// Files on disk: reopening, damaged and truncated files, torn commits, the directory lock
// and the removal of data files no snapshot needs.

import Foundation
import TeleCore
import Testing

@testable import TeleStorage

@Suite struct DurabilityTests {
    /// Writes `value` over the byte at `offset` of the file at `path`.
    private func overwriteByte(_ path: String, at offset: Int, with value: UInt8) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data([value]))
    }

    private func byte(_ path: String, at offset: Int) throws -> UInt8 {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data[offset]
    }

    /// Creates a database with one 1,000-row table and closes it again.
    private func makeDatabase(_ directory: TemporaryDirectory) throws {
        let engine = try StorageEngine.open(path: directory.path)
        try createTable(engine, singleBigint)
        let transaction = try engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk((0..<1000).map { $0 * 3 }))
        try transaction.commit()
    }

    @Test func reopenKeepsSchemaViewsAndStatistics() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let view = ViewDefinition(name: "v", columnNames: ["a", "b"], sql: "SELECT 1, 2")
        do {
            let engine = try StorageEngine.open(path: directory.path)
            try createTable(engine, everyTypeSchema, rows: everyTypeRows)
            let transaction = try engine.beginWrite()
            try transaction.createView(view)
            try transaction.commit()
        }
        let engine = try StorageEngine.open(path: directory.path)
        let snapshot = engine.snapshot()
        #expect(snapshot.version == 2)
        #expect(snapshot.view("v") == view)
        #expect(snapshot.table("every_type")?.schema == everyTypeSchema)
        let group = try #require(snapshot.table("every_type")?.rowGroups.first)
        try expectEveryTypeStatistics(group)
    }

    @Test func flippedByteGivesDataCorrupted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let dataPath = directory.path + "/" + (try #require(directory.dataFiles().first))
        // Byte 40 lies inside the first column chunk (the file header is 8 bytes, the chunk header 16).
        try overwriteByte(dataPath, at: 40, with: try byte(dataPath, at: 40) ^ 0x10)

        let engine = try StorageEngine.open(path: directory.path)
        let group = try #require(engine.snapshot().table("numbers")?.rowGroups.first)
        let error = #expect(throws: TeleError.self) { try group.readColumn(0) }
        #expect(error?.state == .dataCorrupted)
        #expect(error?.message == "data file \"\(dataPath)\" is damaged: checksum mismatch")
        #expect(error?.detail?.contains("column \"n\" of table \"numbers\"") == true)
    }

    @Test func truncatedFileGivesDataCorrupted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let dataPath = directory.path + "/" + (try #require(directory.dataFiles().first))
        #expect(truncate(dataPath, 30) == 0)

        let engine = try StorageEngine.open(path: directory.path)
        let group = try #require(engine.snapshot().table("numbers")?.rowGroups.first)
        let error = #expect(throws: TeleError.self) { try group.readColumn(0) }
        #expect(error?.state == .dataCorrupted)
        #expect(error?.message == "data file \"\(dataPath)\" is damaged: file is truncated")
    }

    @Test func missingDataFileGivesDataCorrupted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let dataPath = directory.path + "/" + (try #require(directory.dataFiles().first))
        #expect(unlink(dataPath) == 0)

        let engine = try StorageEngine.open(path: directory.path)
        let group = try #require(engine.snapshot().table("numbers")?.rowGroups.first)
        let error = #expect(throws: TeleError.self) { try group.readColumn(0) }
        #expect(error?.state == .dataCorrupted)
        #expect(error?.message == "data file \"\(dataPath)\" is damaged: file is missing")
    }

    @Test func manifestWithUnknownTypeNamesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let manifestPath = directory.path + "/MANIFEST"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        // Rename the column type "bigint" to "bigunt" and fix the checksum, so only the
        // type name is wrong.
        let typeName = Array("bigint".utf8)
        let start = try #require((0...(bytes.count - typeName.count)).first { Array(bytes[$0..<$0 + typeName.count]) == typeName })
        bytes[start + 3] = UInt8(ascii: "u")
        let body = bytes.count - 4
        let checksum = CRC32C.checksum(Array(bytes[0..<body]))
        withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(body..<bytes.count, with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: manifestPath))

        let error = #expect(throws: TeleError.self) { try StorageEngine.open(path: directory.path) }
        #expect(error?.state == .dataCorrupted)
        #expect(error?.message == "manifest file \"\(manifestPath)\" is damaged: invalid column type \"bigunt\"")
    }

    @Test func tornCommitIsIgnoredAndStraysRemoved() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let committedFiles = directory.fileNames()

        // A writer that died after writing its data file and manifest.new, before the rename.
        try Data("half-written column chunks".utf8).write(to: URL(fileURLWithPath: directory.path + "/data-3.tdb"))
        try Data("TDBMANIF and the rest".utf8).write(to: URL(fileURLWithPath: directory.path + "/manifest.new"))

        let engine = try StorageEngine.open(path: directory.path)
        #expect(engine.snapshot().version == 2)
        #expect(try readIntegers(engine.snapshot(), "numbers") == (0..<1000).map { $0 * 3 })
        #expect(directory.fileNames() == committedFiles)

        // The next commit reuses version 3 without tripping over the removed stray.
        let transaction = try engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk([-1]))
        try transaction.commit()
        #expect(engine.snapshot().version == 3)
        #expect(try readIntegers(engine.snapshot(), "numbers").last == -1)
    }

    @Test func damagedManifestNamesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let manifestPath = directory.path + "/MANIFEST"
        try overwriteByte(manifestPath, at: 20, with: try byte(manifestPath, at: 20) ^ 0x01)

        let error = #expect(throws: TeleError.self) { try StorageEngine.open(path: directory.path) }
        #expect(error?.state == .dataCorrupted)
        #expect(error?.message == "manifest file \"\(manifestPath)\" is damaged: checksum mismatch")
        // Nothing was removed: the data files stay for a restore.
        #expect(directory.dataFiles().count == 1)
    }

    @Test func truncatedManifestNamesIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try makeDatabase(directory)
        let manifestPath = directory.path + "/MANIFEST"
        #expect(truncate(manifestPath, 6) == 0)
        let error = #expect(throws: TeleError.self) { try StorageEngine.open(path: directory.path) }
        #expect(error?.state == .dataCorrupted)
        #expect(error?.message.contains(manifestPath) == true)
    }

    @Test func secondOpenIsRejectedWhileLocked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let engine = try StorageEngine.open(path: directory.path)
            let error = #expect(throws: TeleError.self) { try StorageEngine.open(path: directory.path) }
            #expect(error?.state.code == "55006")
            #expect(error?.message.contains(directory.path + "/LOCK") == true)
            _ = engine.snapshot()
        }
        // Releasing the first engine releases the lock.
        _ = try StorageEngine.open(path: directory.path)
    }

    @Test func obsoleteFileOutlivesOnlyItsSnapshots() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = try StorageEngine.open(path: directory.path)
        try createTable(engine, singleBigint, rows: [[.integer(1)]])
        #expect(directory.dataFiles() == ["data-1.tdb"])

        var old: (any Snapshot)? = engine.snapshot()
        let transaction = try engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk([2]))
        try transaction.commit()

        // The old snapshot still reads its row from data-1.tdb.
        #expect(directory.dataFiles() == ["data-1.tdb", "data-2.tdb"])
        #expect(try readIntegers(try #require(old), "numbers") == [1])
        old = nil
        #expect(directory.dataFiles() == ["data-2.tdb"])
        #expect(try readIntegers(engine.snapshot(), "numbers") == [1, 2])
    }

    @Test func fullRowGroupsSpillBeforeCommit() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = try StorageEngine.open(path: directory.path)
        try createTable(engine, singleBigint)
        let capacity = StorageEngine.rowGroupCapacity
        let values = (0..<Int64(capacity * 2 + 5)).map { $0 * 7 }

        let rolledBack = try engine.beginWrite()
        try rolledBack.append(table: "numbers", chunk: bigintChunk(values))
        #expect(directory.dataFiles().count == 1)
        #expect(try readIntegers(rolledBack.snapshot, "numbers") == values)
        rolledBack.rollback()
        #expect(directory.dataFiles().isEmpty)

        let transaction = try engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk(values))
        let groups = try #require(transaction.snapshot.table("numbers")?.rowGroups)
        #expect(groups.map { $0 is FileRowGroup } == [true, true, false])
        try transaction.commit()
        #expect(directory.dataFiles().count == 1)
        #expect(try readIntegers(engine.snapshot(), "numbers") == values)
    }

    @Test func droppedSpilledTableLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = try StorageEngine.open(path: directory.path)
        try createTable(engine, singleBigint, rows: [[.integer(1)]])
        let transaction = try engine.beginWrite()
        let other = TableSchema(name: "other", columns: [ColumnSchema(name: "n", type: .bigint)])
        try transaction.createTable(other)
        try transaction.append(table: "other", chunk: bigintChunk((0..<Int64(70_000)).map { $0 }))
        #expect(directory.dataFiles().count == 2)
        try transaction.dropTable("other")
        try transaction.commit()

        #expect(directory.dataFiles() == ["data-1.tdb"])
        #expect(engine.snapshot().tableNames == ["numbers"])
    }

    @Test func releasedTransactionRemovesItsFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let engine = try StorageEngine.open(path: directory.path)
        try createTable(engine, singleBigint)
        do {
            let transaction = try engine.beginWrite()
            try transaction.append(table: "numbers", chunk: bigintChunk((0..<Int64(70_000)).map { $0 }))
            #expect(directory.dataFiles().count == 1)
        }
        #expect(directory.dataFiles().isEmpty)
        #expect(try readIntegers(engine.snapshot(), "numbers") == [])
    }

    @Test func openCreatesMissingDirectories() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.path + "/a/b"
        let engine = try StorageEngine.open(path: nested)
        #expect(engine.path == nested)
        #expect(engine.snapshot().version == 0)
        #expect(engine.snapshot().tableNames.isEmpty)
    }
}
