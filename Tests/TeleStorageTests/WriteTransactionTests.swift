// Transaction semantics, run against both the in-memory and the on-disk engine.

import Foundation
import TeleCore
import Testing

@testable import TeleStorage

/// Which engine a test runs against.
enum EngineKind: String, CaseIterable, CustomTestStringConvertible {
    case memory
    case disk

    var testDescription: String { rawValue }
}

/// An engine of the given kind with its temporary directory, if any.
final class EngineFixture {
    let directory: TemporaryDirectory?
    var engine: StorageEngine

    init(_ kind: EngineKind) throws {
        switch kind {
        case .memory:
            directory = nil
            engine = StorageEngine.inMemory()
        case .disk:
            let directory = try TemporaryDirectory()
            self.directory = directory
            engine = try StorageEngine.open(path: directory.path)
        }
    }

    deinit {
        directory?.remove()
    }
}

@Suite struct WriteTransactionTests {
    @Test(arguments: EngineKind.allCases) func rollbackLeavesNothing(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint, rows: [[.integer(1)]])

        let transaction = try fixture.engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk([2, 3]))
        try transaction.createTable(TableSchema(name: "other", columns: [ColumnSchema(name: "x", type: .double)]))
        #expect(try readIntegers(transaction.snapshot, "numbers") == [1, 2, 3])
        transaction.rollback()

        let snapshot = fixture.engine.snapshot()
        #expect(snapshot.version == 1)
        #expect(snapshot.tableNames == ["numbers"])
        #expect(try readIntegers(snapshot, "numbers") == [1])
        if let directory = fixture.directory {
            #expect(directory.dataFiles().count == 1)
        }
    }

    @Test(arguments: EngineKind.allCases) func uncommittedChangesStayPrivate(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint)
        let transaction = try fixture.engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk([7]))
        #expect(try readIntegers(fixture.engine.snapshot(), "numbers") == [])
        try transaction.commit()
        #expect(try readIntegers(fixture.engine.snapshot(), "numbers") == [7])
        #expect(fixture.engine.snapshot().version == 2)
    }

    @Test(arguments: EngineKind.allCases) func snapshotIsolation(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint, rows: [[.integer(1)], [.integer(2)]])
        let old = fixture.engine.snapshot()

        // Rewrite the only row group and append to it, so the old data file becomes obsolete.
        let transaction = try fixture.engine.beginWrite()
        let groups = try #require(transaction.snapshot.table("numbers")?.rowGroups)
        try transaction.replaceRowGroups(table: "numbers", removing: groups, adding: [bigintChunk([10])])
        try transaction.append(table: "numbers", chunk: bigintChunk([11]))
        try transaction.commit()

        #expect(try readIntegers(old, "numbers") == [1, 2])
        #expect(try readIntegers(fixture.engine.snapshot(), "numbers") == [10, 11])
    }

    @Test(arguments: EngineKind.allCases) func transactionSnapshotKeepsRowsAfterLaterAppend(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint)
        let transaction = try fixture.engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk([1]))
        let early = transaction.snapshot
        try transaction.append(table: "numbers", chunk: bigintChunk([2]))
        #expect(try readIntegers(early, "numbers") == [1])
        #expect(try readIntegers(transaction.snapshot, "numbers") == [1, 2])
        try transaction.commit()
    }

    @Test(arguments: EngineKind.allCases) func dropTableRemovesIt(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint, rows: [[.integer(5)]])
        let transaction = try fixture.engine.beginWrite()
        try transaction.dropTable("numbers")
        try transaction.commit()
        #expect(fixture.engine.snapshot().table("numbers") == nil)
        #expect(fixture.engine.snapshot().tableNames.isEmpty)
        if let directory = fixture.directory {
            #expect(directory.dataFiles().isEmpty)
        }

        let again = try fixture.engine.beginWrite()
        let error = #expect(throws: TeleError.self) { try again.dropTable("numbers") }
        #expect(error?.state == .undefinedTable)
        again.rollback()
    }

    @Test(arguments: EngineKind.allCases) func replaceRowGroupsKeepsOtherGroups(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        let capacity = StorageEngine.rowGroupCapacity
        let values = (0..<Int64(capacity + 10)).map { $0 }
        try createTable(fixture.engine, singleBigint)
        let load = try fixture.engine.beginWrite()
        try load.append(table: "numbers", chunk: bigintChunk(values))
        try load.commit()

        let groups = try #require(fixture.engine.snapshot().table("numbers")?.rowGroups)
        #expect(groups.map(\.rowCount) == [capacity, 10])

        // Delete the even numbers of the first group, as a DELETE would.
        let transaction = try fixture.engine.beginWrite()
        let first = try #require(transaction.snapshot.table("numbers")?.rowGroups.first)
        let kept = (0..<Int64(capacity)).filter { $0 % 2 == 1 }
        try transaction.replaceRowGroups(table: "numbers", removing: [first], adding: [bigintChunk(kept)])
        try transaction.commit()

        let result = try readIntegers(fixture.engine.snapshot(), "numbers")
        #expect(result.count == kept.count + 10)
        #expect(Set(result) == Set(kept + (Int64(capacity)..<Int64(capacity + 10))))
    }

    @Test(arguments: EngineKind.allCases) func rewriteLoopOverEveryGroup(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        let capacity = StorageEngine.rowGroupCapacity
        try createTable(fixture.engine, singleBigint)
        // Committed: one full group and one partial group.
        let load = try fixture.engine.beginWrite()
        try load.append(table: "numbers", chunk: bigintChunk((0..<Int64(capacity + 100)).map { $0 }))
        try load.commit()

        // In the transaction: an append, which absorbs the partial group into the tail, then
        // an UPDATE-style loop over every group of one snapshot, each replaced by its rows
        // plus one million.
        let transaction = try fixture.engine.beginWrite()
        try transaction.append(table: "numbers", chunk: bigintChunk([-1, -2]))
        let table = try #require(transaction.snapshot.table("numbers"))
        #expect(table.rowGroups.map(\.rowCount) == [capacity, 102])
        for group in table.rowGroups {
            guard case .int64(let values) = try group.readColumn(0).storage else {
                Issue.record("BIGINT column reads as Int64 values")
                return
            }
            try transaction.replaceRowGroups(
                table: "numbers", removing: [group], adding: [bigintChunk(values.map { $0 + 1_000_000 })])
        }
        try transaction.commit()

        let expected = ((0..<Int64(capacity + 100)).map { $0 } + [-1, -2]).map { $0 + 1_000_000 }
        let result = try readIntegers(fixture.engine.snapshot(), "numbers")
        #expect(result.sorted() == expected.sorted())
        let groups = try #require(fixture.engine.snapshot().table("numbers")?.rowGroups)
        #expect(groups.map(\.rowCount).reduce(0, +) == capacity + 102)
        #expect(groups.count == 2)
    }

    @Test(arguments: EngineKind.allCases) func deleteLoopThenInsert(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint, rows: (0..<10).map { [.integer(Int64($0))] })
        let transaction = try fixture.engine.beginWrite()
        let table = try #require(transaction.snapshot.table("numbers"))
        for group in table.rowGroups {
            try transaction.replaceRowGroups(table: "numbers", removing: [group], adding: [bigintChunk([1, 3, 5])])
        }
        try transaction.append(table: "numbers", chunk: bigintChunk([42]))
        let second = try #require(transaction.snapshot.table("numbers"))
        for group in second.rowGroups {
            try transaction.replaceRowGroups(table: "numbers", removing: [group], adding: [])
        }
        #expect(try readIntegers(transaction.snapshot, "numbers") == [])
        try transaction.append(table: "numbers", chunk: bigintChunk([7]))
        try transaction.commit()
        #expect(try readIntegers(fixture.engine.snapshot(), "numbers") == [7])
    }

    @Test(arguments: EngineKind.allCases) func replaceRejectsForeignRowGroup(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint, rows: [[.integer(1)]])
        let other = TableSchema(name: "other", columns: [ColumnSchema(name: "n", type: .bigint)])
        try createTable(fixture.engine, other, rows: [[.integer(2)]])
        let foreign = try #require(fixture.engine.snapshot().table("other")?.rowGroups.first)

        let transaction = try fixture.engine.beginWrite()
        let error = #expect(throws: TeleError.self) {
            try transaction.replaceRowGroups(table: "numbers", removing: [foreign], adding: [])
        }
        #expect(error?.state == .internalError)
        #expect(try readIntegers(transaction.snapshot, "numbers") == [1])
        transaction.rollback()
    }

    @Test(arguments: EngineKind.allCases) func manySmallAppendsEndInFewGroups(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint)
        for value in 0..<300 {
            let transaction = try fixture.engine.beginWrite()
            try transaction.append(table: "numbers", chunk: bigintChunk([Int64(value)]))
            try transaction.commit()
        }
        let table = try #require(fixture.engine.snapshot().table("numbers"))
        #expect(table.rowGroups.count == 1)
        #expect(try readIntegers(fixture.engine.snapshot(), "numbers") == (0..<300).map { Int64($0) })
        if let directory = fixture.directory {
            // Each commit rewrote the one row group, so only the newest data file is left.
            #expect(directory.dataFiles().count == 1)
        }
    }

    @Test(arguments: EngineKind.allCases) func appendsCutFullGroups(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        let capacity = StorageEngine.rowGroupCapacity
        try createTable(fixture.engine, singleBigint)
        let transaction = try fixture.engine.beginWrite()
        for start in stride(from: 0, to: capacity * 2 + 100, by: 1000) {
            try transaction.append(table: "numbers", chunk: bigintChunk((start..<start + 1000).map { Int64($0) }))
        }
        try transaction.commit()
        let groups = try #require(fixture.engine.snapshot().table("numbers")?.rowGroups)
        #expect(groups.map(\.rowCount) == [capacity, capacity, 1000 * 132 - capacity * 2])
    }

    @Test(arguments: EngineKind.allCases) func viewsAreStoredAndDropped(kind: EngineKind) throws {
        let fixture = try EngineFixture(kind)
        let view = ViewDefinition(name: "recent", columnNames: ["n"], sql: "SELECT n FROM numbers WHERE n > 1")
        let transaction = try fixture.engine.beginWrite()
        try transaction.createView(view)
        try transaction.commit()
        #expect(fixture.engine.snapshot().view("recent") == view)
        #expect(fixture.engine.snapshot().viewNames == ["recent"])

        let drop = try fixture.engine.beginWrite()
        let duplicate = #expect(throws: TeleError.self) { try drop.createTable(TableSchema(name: "recent", columns: [])) }
        #expect(duplicate?.state == .duplicateTable)
        let wrongKind = #expect(throws: TeleError.self) { try drop.dropTable("recent") }
        #expect(wrongKind?.state == .wrongObjectType)
        try drop.dropView("recent")
        let missing = #expect(throws: TeleError.self) { try drop.dropView("recent") }
        #expect(missing?.state == .undefinedTable)
        try drop.commit()
        #expect(fixture.engine.snapshot().view("recent") == nil)
    }

    @Test func notNullViolation() throws {
        let engine = StorageEngine.inMemory()
        let schema = TableSchema(name: "strict", columns: [ColumnSchema(name: "id", type: .bigint, notNull: true)])
        try createTable(engine, schema)
        let transaction = try engine.beginWrite()
        let error = #expect(throws: TeleError.self) {
            try transaction.append(table: "strict", chunk: makeChunk(schema, [[.integer(1)], [.null]]))
        }
        #expect(error?.state == .notNullViolation)
        #expect(error?.message.contains("\"id\"") == true)
        let constant = #expect(throws: TeleError.self) {
            try transaction.append(
                table: "strict", chunk: DataChunk(columns: [Vector.constant(.null, type: .bigint, count: 2)], count: 2))
        }
        #expect(constant?.state == .notNullViolation)
        #expect(try readIntegers(transaction.snapshot, "strict") == [])
        transaction.rollback()
    }

    @Test func appendChecksTableAndTypes() throws {
        let engine = StorageEngine.inMemory()
        try createTable(engine, singleBigint)
        let transaction = try engine.beginWrite()
        let missing = #expect(throws: TeleError.self) { try transaction.append(table: "numberz", chunk: bigintChunk([1])) }
        #expect(missing?.state == .undefinedTable)
        #expect(missing?.hint == "Did you mean \"numbers\"?")
        let wrongType = #expect(throws: TeleError.self) {
            try transaction.append(table: "numbers", chunk: DataChunk(columns: [Vector.double([1.5])], count: 1))
        }
        #expect(wrongType?.state == .datatypeMismatch)
        let wrongWidth = #expect(throws: TeleError.self) {
            try transaction.append(
                table: "numbers", chunk: DataChunk(columns: [Vector.int64([1]), Vector.int64([2])], count: 1))
        }
        #expect(wrongWidth?.state == .datatypeMismatch)
        let duplicate = #expect(throws: TeleError.self) { try transaction.createTable(singleBigint) }
        #expect(duplicate?.state == .duplicateTable)
        transaction.rollback()
    }

    @Test func constantAndNullTypedVectorsAppend() throws {
        let engine = StorageEngine.inMemory()
        let schema = TableSchema(
            name: "mixed", columns: [ColumnSchema(name: "n", type: .bigint), ColumnSchema(name: "x", type: .double)])
        try createTable(engine, schema)
        let transaction = try engine.beginWrite()
        let nullColumn = Vector(type: .null, storage: .constant(.null), validity: ValidityMask(), count: 2)
        let chunk = DataChunk(columns: [Vector.constant(.integer(4), type: .bigint, count: 2), nullColumn], count: 2)
        try transaction.append(table: "mixed", chunk: chunk)
        try transaction.commit()
        #expect(try readRows(engine.snapshot(), "mixed") == [[.integer(4), .null], [.integer(4), .null]])
    }

    @Test func endedTransactionRejectsChanges() throws {
        let engine = StorageEngine.inMemory()
        let transaction = try engine.beginWrite()
        try transaction.commit()
        let error = #expect(throws: TeleError.self) { try transaction.createTable(singleBigint) }
        #expect(error?.state == .noActiveSQLTransaction)
        transaction.rollback()
        // The gate was released once: a new writer starts without waiting.
        let next = try engine.beginWrite()
        next.rollback()
    }

    @Test func releasedTransactionRollsBack() throws {
        let engine = StorageEngine.inMemory()
        do {
            let transaction = try engine.beginWrite()
            try transaction.createTable(singleBigint)
        }
        #expect(engine.snapshot().tableNames.isEmpty)
        let next = try engine.beginWrite()
        #expect(next.snapshot.tableNames.isEmpty)
        next.rollback()
    }

    @Test func beginWriteTimesOut() throws {
        let engine = StorageEngine.inMemory()
        let first = try engine.beginWrite()
        let error = #expect(throws: TeleError.self) { try engine.beginWrite(timeout: .milliseconds(20)) }
        #expect(error?.state.code == "55P03")
        first.rollback()
        let second = try engine.beginWrite(timeout: .milliseconds(20))
        second.rollback()
    }

    @Test func secondWriterWaitsForFirst() async throws {
        let engine = StorageEngine.inMemory()
        try createTable(engine, singleBigint)
        let first = try engine.beginWrite()
        try first.append(table: "numbers", chunk: bigintChunk([1]))

        let second = Task.detached { () throws -> [Int64] in
            let transaction = try engine.beginWrite()
            defer { transaction.rollback() }
            return try readIntegers(transaction.snapshot, "numbers")
        }
        try await Task.sleep(for: .milliseconds(100))
        try first.commit()
        // The second writer started after the commit, so it reads the appended row.
        #expect(try await second.value == [1])
    }

    @Test(arguments: EngineKind.allCases) func readersDuringCommits(kind: EngineKind) async throws {
        let fixture = try EngineFixture(kind)
        try createTable(fixture.engine, singleBigint)
        let engine = fixture.engine
        let commits = 40

        // Each commit appends the next number, so every snapshot contains 0 ..< k for some k.
        let reader = Task.detached { () throws -> Int in
            var checked = 0
            var last = 0
            while last < commits {
                let values = try readIntegers(engine.snapshot(), "numbers")
                guard values == (0..<Int64(values.count)).map({ $0 }) else { return -1 }
                last = values.count
                checked += 1
            }
            return checked
        }
        for value in 0..<commits {
            let transaction = try engine.beginWrite()
            try transaction.append(table: "numbers", chunk: bigintChunk([Int64(value)]))
            try transaction.commit()
        }
        let checked = try await reader.value
        #expect(checked > 0)
    }

    @Test func statisticsPerColumn() throws {
        let engine = StorageEngine.inMemory()
        try createTable(engine, everyTypeSchema, rows: everyTypeRows)
        let group = try #require(engine.snapshot().table("every_type")?.rowGroups.first)
        try expectEveryTypeStatistics(group)
    }
}

/// Checks the statistics of the row group holding `everyTypeRows`.
func expectEveryTypeStatistics(_ group: any RowGroup, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expected: [ColumnStatistics] = [
        ColumnStatistics(min: .boolean(false), max: .boolean(true), nullCount: 1),
        ColumnStatistics(min: .integer(-3), max: .integer(32_767), nullCount: 1),
        ColumnStatistics(min: .integer(-1), max: .integer(70_000), nullCount: 1),
        ColumnStatistics(min: .integer(Int64.min), max: .integer(Int64.max), nullCount: 0),
        ColumnStatistics(min: .double(-0.5), max: .double(1.5), nullCount: 1),
        ColumnStatistics(min: nil, max: nil, nullCount: 1),
        ColumnStatistics(min: .string(""), max: .string("héllo"), nullCount: 1),
        ColumnStatistics(min: .date(-1), max: .date(19_000), nullCount: 1),
        ColumnStatistics(min: .timestamp(-5), max: .timestamp(1_700_000_000_123_456), nullCount: 1),
        ColumnStatistics(min: nil, max: nil, nullCount: 1),
        ColumnStatistics(min: nil, max: nil, nullCount: 1),
    ]
    for column in expected.indices where column != 5 {
        #expect(group.statistics(column: column) == expected[column], "column \(column)", sourceLocation: sourceLocation)
    }
    // DOUBLE with a NaN: NaN counts above every number, as PostgreSQL orders it.
    let wide = group.statistics(column: 5)
    #expect(wide.min == .double(-2.25), sourceLocation: sourceLocation)
    if case .double(let high) = wide.max {
        #expect(high.isNaN, sourceLocation: sourceLocation)
    } else {
        Issue.record("DOUBLE max is a double", sourceLocation: sourceLocation)
    }
    #expect(wide.nullCount == 1, sourceLocation: sourceLocation)
}
