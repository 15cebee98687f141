// Round trips of every column type through the in-memory engine and through files.

import Foundation
import TeleCore
import Testing

@testable import TeleStorage

@Suite struct RoundTripTests {
    /// Compares rows value by value, treating NaN as equal to NaN.
    private func expectSameRows(_ actual: [[Value]], _ expected: [[Value]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (actualRow, expectedRow) in zip(actual, expected) {
            for (actualValue, expectedValue) in zip(actualRow, expectedRow) {
                if case .double(let left) = actualValue, case .double(let right) = expectedValue, left.isNaN, right.isNaN {
                    continue
                }
                #expect(actualValue == expectedValue, sourceLocation: sourceLocation)
            }
        }
    }

    @Test func inMemoryEveryType() throws {
        let engine = StorageEngine.inMemory()
        try createTable(engine, everyTypeSchema, rows: everyTypeRows)
        #expect(engine.path == nil)
        expectSameRows(try readRows(engine.snapshot(), "every_type"), everyTypeRows)
    }

    @Test func onDiskEveryTypeAfterReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let engine = try StorageEngine.open(path: directory.path)
            try createTable(engine, everyTypeSchema, rows: everyTypeRows)
            expectSameRows(try readRows(engine.snapshot(), "every_type"), everyTypeRows)
        }
        let reopened = try StorageEngine.open(path: directory.path)
        let snapshot = reopened.snapshot()
        #expect(snapshot.version == 1)
        #expect(snapshot.table("every_type")?.schema == everyTypeSchema)
        expectSameRows(try readRows(snapshot, "every_type"), everyTypeRows)
    }

    @Test func onDiskLargeColumnsReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let count = 150_000
        let schema = TableSchema(
            name: "events",
            columns: [
                ColumnSchema(name: "at", type: .timestamp), ColumnSchema(name: "value", type: .double),
                ColumnSchema(name: "os", type: .varchar), ColumnSchema(name: "id", type: .varchar),
            ])
        let times = (0..<count).map { Int64(1_700_000_000_000_000) + Int64($0) * 1_000 + Int64($0 % 7) }
        let values = (0..<count).map { Double($0) * 0.5 }
        let systems = StringColumn((0..<count).map { ["Linux", "Windows_NT", "Darwin"][$0 % 3] })
        let ids = StringColumn((0..<count).map { "client-\($0)" })
        let chunk = DataChunk(
            columns: [
                Vector.int64(times, type: .timestamp), Vector.double(values), Vector.string(systems), Vector.string(ids),
            ], count: count)
        do {
            let engine = try StorageEngine.open(path: directory.path)
            let transaction = try engine.beginWrite()
            try transaction.createTable(schema)
            try transaction.append(table: "events", chunk: chunk)
            try transaction.commit()
        }
        let engine = try StorageEngine.open(path: directory.path)
        let table = try #require(engine.snapshot().table("events"))
        #expect(table.rowGroups.map(\.rowCount) == [65_536, 65_536, 18_928])

        var readTimes: [Int64] = []
        var readValues: [Double] = []
        var readSystems: [String] = []
        var readIds: [String] = []
        for group in table.rowGroups {
            let timeVector = try group.readColumn(0)
            let valueVector = try group.readColumn(1)
            let systemVector = try group.readColumn(2)
            let idVector = try group.readColumn(3)
            guard case .int64(let groupTimes) = timeVector.storage, case .double(let groupValues) = valueVector.storage
            else {
                Issue.record("numeric columns come back flat")
                return
            }
            guard case .dictionary = systemVector.storage else {
                Issue.record("a three-value string column comes back as a dictionary vector")
                return
            }
            readTimes += groupTimes
            readValues += groupValues
            readSystems += (0..<systemVector.count).map { systemVector.value(at: $0).description }
            readIds += (0..<idVector.count).map { idVector.value(at: $0).description }
        }
        #expect(readTimes == times)
        #expect(readValues == values)
        #expect(readSystems == (0..<count).map { systems[$0] })
        #expect(readIds == (0..<count).map { ids[$0] })
    }
}
