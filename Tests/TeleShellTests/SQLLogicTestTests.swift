import Foundation
import TeleCore
import TeleDB
import Testing
@testable import TeleShell

@Suite struct MD5Tests {
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("The quick brown fox jumps over the lazy dog", "9e107d9d372bb6826bd81d3542a419d6"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func digestMatchesRFC1321(input: String, digest: String) {
        #expect(MD5.hexDigest(input) == digest)
    }

    @Test func digestOfPaddingBoundaries() {
        // 55, 56 and 64 bytes straddle the length field's block boundary.
        #expect(MD5.hexDigest(String(repeating: "a", count: 55)) == "ef1772b6dff9a122358552954ad0df65")
        #expect(MD5.hexDigest(String(repeating: "a", count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(MD5.hexDigest(String(repeating: "a", count: 64)) == "014842d480b571495a4a0363793f7367")
    }
}

@Suite struct SQLLogicTestParserTests {
    @Test func parsesStatementsAndQueries() throws {
        let text = """
            # a comment
            statement ok
            CREATE TABLE t(a INTEGER)

            statement error
            SELECT nope

            query IT rowsort label-1
            SELECT a,
              b FROM t
            ----
            1 x
            2 y
            """
        let records = try SQLLogicTestParser.parse(text)
        #expect(records.count == 3)
        #expect(records[0] == SQLLogicTestRecord(kind: .statement(expectError: false), sql: "CREATE TABLE t(a INTEGER)", conditions: [], line: 2))
        #expect(records[1].kind == .statement(expectError: true))
        #expect(records[1].line == 5)
        #expect(records[2].kind == .query(types: "IT", sort: .rowsort, label: "label-1", expected: .lines(["1 x", "2 y"])))
        #expect(records[2].sql == "SELECT a,\n  b FROM t")
        #expect(records[2].line == 8)
    }

    @Test func parsesHashesGuardsAndHalt() throws {
        let text = """
            hash-threshold 8

            skipif mysql
            onlyif postgresql
            query I nosort
            SELECT 1
            ----
            30 values hashing to 3c13dee48d9356ae19af2515e05e6b54

            halt
            """
        let records = try SQLLogicTestParser.parse(text)
        #expect(records.count == 3)
        #expect(records[0].kind == .hashThreshold(8))
        #expect(records[1].conditions == [EngineCondition(onlyIf: false, engine: "mysql"), EngineCondition(onlyIf: true, engine: "postgresql")])
        #expect(records[1].kind == .query(types: "I", sort: .nosort, label: nil, expected: .hash(count: 30, md5: "3c13dee48d9356ae19af2515e05e6b54")))
        #expect(records[2].kind == .halt)
    }

    @Test func readsCRLFLineEnds() throws {
        let records = try SQLLogicTestParser.parse("hash-threshold 8\r\n\r\nquery I rowsort\r\nSELECT 1\r\n----\r\n1\r\n")
        #expect(records.count == 2)
        #expect(records[0].kind == .hashThreshold(8))
        #expect(records[1].kind == .query(types: "I", sort: .rowsort, label: nil, expected: .lines(["1"])))
        #expect(records[1].sql == "SELECT 1")
    }

    @Test func queryWithoutResultsExpectsNone() throws {
        let records = try SQLLogicTestParser.parse("query I\nSELECT 1 WHERE false\n")
        #expect(records.first?.kind == .query(types: "I", sort: .nosort, label: nil, expected: .lines([])))
    }

    @Test func rejectsUnknownRecord() {
        #expect(throws: SQLLogicTestParseError(line: 3, message: "unknown record \"frobnicate\"")) {
            try SQLLogicTestParser.parse("# x\n\nfrobnicate now\n")
        }
    }

    @Test func rejectsUnknownSortMode() {
        #expect(throws: SQLLogicTestParseError.self) { try SQLLogicTestParser.parse("query I sideways\nSELECT 1\n") }
    }
}

@Suite struct SQLLogicTestResultTests {
    @Test func formatsByTypeLetter() {
        #expect(SQLLogicTestResults.format(.double(2.7), type: "I") == "2")
        #expect(SQLLogicTestResults.format(.double(-2.7), type: "I") == "-2")
        #expect(SQLLogicTestResults.format(.integer(-5), type: "I") == "-5")
        #expect(SQLLogicTestResults.format(.boolean(true), type: "I") == "1")
        #expect(SQLLogicTestResults.format(.integer(1), type: "R") == "1.000")
        #expect(SQLLogicTestResults.format(.double(2.0 / 3.0), type: "R") == "0.667")
        #expect(SQLLogicTestResults.format(.string(""), type: "T") == "(empty)")
        #expect(SQLLogicTestResults.format(.string("a b"), type: "T") == "a b")
        #expect(SQLLogicTestResults.format(.null, type: "I") == "NULL")
        #expect(SQLLogicTestResults.format(.null, type: "R") == "NULL")
    }

    @Test func rowsortComparesAsText() {
        let rows: [[Value]] = [[.integer(2), .string("b")], [.integer(10), .string("a")], [.integer(1), .string("c")]]
        let sorted = SQLLogicTestResults.formatRows(rows, types: "IT", sort: .rowsort)
        #expect(sorted == [["1", "c"], ["10", "a"], ["2", "b"]])
    }

    @Test func valuesortSortsEveryValue() {
        let rows: [[Value]] = [[.integer(3), .integer(1)], [.integer(2), .integer(4)]]
        let sorted = SQLLogicTestResults.formatRows(rows, types: "II", sort: .valuesort)
        #expect(sorted.flatMap { $0 } == ["1", "2", "3", "4"])
    }

    @Test func hashIsMD5OfNewlineTerminatedValues() {
        // md5sum of "1\n2\n3\n".
        #expect(SQLLogicTestResults.hash([["1", "2"], ["3"]]) == "c0710d6b4f15dfa88f600b0e6b624077")
    }

    @Test func comparesValuePerLineAndRowPerLine() {
        let rows = [["1", "a"], ["2", "b"]]
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .lines(["1", "a", "2", "b"])) == nil)
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .lines(["1 a", "2 b"])) == nil)
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .lines(["1\ta", "2\tb"])) == nil)
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .lines(["1 a", "2 c"])) != nil)
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .lines(["1 a"])) != nil)
        #expect(SQLLogicTestResults.mismatch(actual: [], expected: .lines([])) == nil)
    }

    @Test func comparesHashAndCount() {
        let rows = [["1"], ["2"], ["3"]]
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .hash(count: 3, md5: "c0710d6b4f15dfa88f600b0e6b624077")) == nil)
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .hash(count: 4, md5: "c0710d6b4f15dfa88f600b0e6b624077")) != nil)
        #expect(SQLLogicTestResults.mismatch(actual: rows, expected: .hash(count: 3, md5: "00000000000000000000000000000000")) != nil)
    }
}

@Suite struct SQLLogicTestRunnerTests {
    func makeSession() -> ScriptedSession {
        let session = ScriptedSession()
        session.answer("CREATE TABLE t(a INTEGER)", with: makeCommandResult("CREATE TABLE"))
        session.answer("SELECT 1", with: makeResult([("x", .integer)], [[.integer(1)]]))
        session.answer("SELECT 'x'", with: makeResult([("x", .varchar)], [[.string("x")]]))
        session.answer("SELECT a FROM t", with: makeResult([("a", .integer)], [[.integer(2)], [.integer(10)], [.integer(1)]]))
        return session
    }

    func run(_ text: String) throws -> SQLLogicTestFileResult {
        let session = makeSession()
        let runner = SQLLogicTestRunner(options: SQLLogicTestOptions()) { session }
        return runner.runRecords(try SQLLogicTestParser.parse(text), path: "test.test")
    }

    @Test func countsPassesSkipsAndHalt() throws {
        let text = """
            statement ok
            CREATE TABLE t(a INTEGER)

            statement error
            SELECT nope

            query I nosort
            SELECT 1
            ----
            1

            skipif postgresql
            query I
            SELECT 2
            ----
            2

            onlyif mysql
            statement ok
            anything

            onlyif teledb
            query T
            SELECT 'x'
            ----
            x

            skipif sqlite
            query I rowsort
            SELECT a FROM t
            ----
            1
            10
            2

            halt

            query I
            SELECT never
            ----
            0
            """
        let result = try run(text)
        #expect(result.failures == [])
        #expect(result.passed == 5)
        #expect(result.skipped == 2)
        #expect(result.failed == 0)
    }

    @Test func reportsWrongValues() throws {
        let result = try run("statement ok\nSELECT 1\n\nquery I\nSELECT 1\n----\n2\n")
        #expect(result.passed == 1)
        #expect(result.failed == 1)
        let failure = try #require(result.failures.first)
        #expect(failure.line == 4)
        #expect(failure.expected == ["2"])
        #expect(failure.actual == ["1"])
        #expect(failure.report.contains("test.test:4"))
    }

    @Test func reportsUnexpectedErrorsAndSuccesses() throws {
        let result = try run("statement ok\nSELECT nope\n\nstatement error\nSELECT 1\n\nquery I\nSELECT nope\n----\n1\n")
        #expect(result.failed == 3)
        #expect(result.failures.map(\.line) == [1, 4, 7])
        #expect(result.failures[0].actual.first?.hasPrefix("ERROR 42601") == true)
    }

    @Test func reportsColumnCountMismatch() throws {
        let result = try run("query II\nSELECT 1\n----\n1 1\n")
        #expect(result.failed == 1)
        #expect(result.failures.first?.reason.contains("1 columns") == true)
    }

    @Test func comparesHashedResults() throws {
        let text = """
            hash-threshold 2

            query I rowsort
            SELECT a FROM t
            ----
            3 values hashing to \(SQLLogicTestResults.hash([["1"], ["10"], ["2"]]))
            """
        let result = try run(text)
        #expect(result.failures == [])
        #expect(result.passed == 1)
    }

    @Test func failFastStopsAtFirstFailure() throws {
        let session = makeSession()
        let runner = SQLLogicTestRunner(options: SQLLogicTestOptions(failFast: true)) { session }
        let records = try SQLLogicTestParser.parse("statement ok\nSELECT nope\n\nstatement ok\nSELECT 1\n")
        let result = runner.runRecords(records, path: "x.test")
        #expect(result.failed == 1)
        #expect(result.passed == 0)
    }

    @Test func engineGuards() {
        func record(_ conditions: [EngineCondition]) -> SQLLogicTestRecord {
            SQLLogicTestRecord(kind: .statement(expectError: false), sql: "", conditions: conditions, line: 1)
        }
        #expect(!SQLLogicTestRunner.isSkipped(record([EngineCondition(onlyIf: true, engine: "postgresql")])))
        #expect(SQLLogicTestRunner.isSkipped(record([EngineCondition(onlyIf: false, engine: "postgresql")])))
        #expect(SQLLogicTestRunner.isSkipped(record([EngineCondition(onlyIf: true, engine: "mssql")])))
        #expect(!SQLLogicTestRunner.isSkipped(record([EngineCondition(onlyIf: false, engine: "mysql")])))
        #expect(SQLLogicTestRunner.isSkipped(record([EngineCondition(onlyIf: false, engine: "teledb")])))
    }

    @Test func runsDirectoriesAndPrintsSummary() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-slt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "query I\nSELECT 1\n----\n1\n".write(to: directory.appendingPathComponent("b.test"), atomically: true, encoding: .utf8)
        try "query I\nSELECT 1\n----\n9\n".write(to: directory.appendingPathComponent("sub/a.test"), atomically: true, encoding: .utf8)
        try "ignored".write(to: directory.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let session = makeSession()
        let runner = SQLLogicTestRunner(options: SQLLogicTestOptions()) { session }
        var lines: [String] = []
        let results = try runner.run(paths: [directory.path]) { lines.append($0) }
        #expect(results.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["b.test", "a.test"])
        #expect(lines.first?.hasPrefix(directory.path + "/b.test: 1 passed, 0 failed, 0 skipped (") == true)
        #expect(lines.last == "1 passed, 1 failed, 0 skipped")
        #expect(lines.contains { $0.hasPrefix("FAILED ") })
    }

    @Test func filterSelectsFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teledb-slt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "query I\nSELECT 1\n----\n1\n".write(to: directory.appendingPathComponent("joins.test"), atomically: true, encoding: .utf8)
        try "query I\nSELECT 1\n----\n1\n".write(to: directory.appendingPathComponent("casts.test"), atomically: true, encoding: .utf8)
        let session = makeSession()
        let runner = SQLLogicTestRunner(options: SQLLogicTestOptions(filter: "join")) { session }
        let results = try runner.run(paths: [directory.path]) { _ in }
        #expect(results.count == 1)
        #expect(results.first?.path.hasSuffix("joins.test") == true)
    }

    @Test func missingPathThrows() {
        #expect(throws: TeleError.self) { try SQLLogicTestRunner.collectFiles(["/nonexistent/teledb.test"]) }
    }
}

@Suite struct ProjectSQLFileTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("SQL")

    @Test func everyFileParsesWithHeader() throws {
        let files = try SQLLogicTestRunner.collectFiles([Self.directory.path])
        #expect(files.count >= 13)
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.hasPrefix("# "), "\(file) has no header comment")
            let records = try SQLLogicTestParser.parse(text)
            let queries = records.filter { if case .query = $0.kind { return true } else { return false } }
            #expect(records.count >= 10, "\(file) has only \(records.count) records")
            #expect(queries.count >= 2, "\(file) has only \(queries.count) queries")
        }
    }
}
