// End-to-end tests of the facade: SQL text in, results out, on real database directories.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Session")
struct SessionTests {
    @Test("create, insert, select")
    func createInsertSelect() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER, b VARCHAR, c DOUBLE)")
        let inserted = try session.execute("INSERT INTO t VALUES (1, 'x', 1.5), (2, NULL, 2.5), (3, 'z', NULL)")
        #expect(inserted[0].commandTag == "INSERT 0 3")
        let rows = try session.execute("SELECT a, b, c FROM t ORDER BY a")[0].rows
        #expect(rows == [
            [.integer(1), .string("x"), .double(1.5)],
            [.integer(2), .null, .double(2.5)],
            [.integer(3), .string("z"), .null],
        ])
    }

    @Test("data survives reopen")
    func reopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        do {
            let session = try Database.open(path: path).connect()
            _ = try session.execute("CREATE TABLE t (a BIGINT, s TEXT); INSERT INTO t VALUES (7, 'seven'), (8, 'eight')")
        }
        let session = try Database.open(path: path).connect()
        #expect(try session.count("SELECT sum(a) FROM t") == 15)
        #expect(try session.scalar("SELECT s FROM t WHERE a = 8") == .string("eight"))
    }

    @Test("update and delete rewrite rows")
    func updateDelete() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER, b INTEGER)")
        _ = try session.execute("INSERT INTO t SELECT 1, 10 UNION ALL SELECT 2, 20 UNION ALL SELECT 3, 30")
        let updated = try session.execute("UPDATE t SET b = b + 1 WHERE a >= 2")
        #expect(updated[0].commandTag == "UPDATE 2")
        let deleted = try session.execute("DELETE FROM t WHERE a = 1")
        #expect(deleted[0].commandTag == "DELETE 1")
        let rows = try session.execute("SELECT a, b FROM t ORDER BY a")[0].rows
        #expect(rows == [[.integer(2), .integer(21)], [.integer(3), .integer(31)]])
    }

    @Test("rollback discards changes")
    func rollback() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER)")
        _ = try session.execute("BEGIN; INSERT INTO t VALUES (1); ROLLBACK")
        #expect(try session.count("SELECT count(*) FROM t") == 0)
        _ = try session.execute("BEGIN; INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); COMMIT")
        #expect(try session.count("SELECT count(*) FROM t") == 2)
    }

    @Test("failed statement aborts the transaction")
    func abortedTransaction() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER); BEGIN; INSERT INTO t VALUES (1)")
        #expect(throws: TeleError.self) { try session.execute("SELECT 1 / 0") }
        let error = #expect(throws: TeleError.self) { try session.execute("SELECT 1") }
        #expect(error?.state == .inFailedSQLTransaction)
        _ = try session.execute("ROLLBACK")
        #expect(try session.count("SELECT count(*) FROM t") == 0)
    }

    @Test("errors carry SQLSTATE codes", arguments: [
        ("SELEC 1", "42601"),
        ("SELECT * FROM missing_table", "42P01"),
        ("SELECT 1 / 0", "22012"),
        ("CREATE TABLE t (a INTEGER); CREATE TABLE t (a INTEGER)", "42P07"),
        ("CREATE TABLE n (a INTEGER NOT NULL); INSERT INTO n VALUES (NULL)", "23502"),
        ("CREATE TABLE w (a wibble)", "42704"),
        ("SELECT CAST('abc' AS INTEGER)", "22P02"),
    ])
    func errorCodes(sql: String, code: String) throws {
        let session = Database.inMemory().connect()
        let error = #expect(throws: TeleError.self) { try session.execute(sql) }
        #expect(error?.state.code == code)
    }

    @Test("bad statements leave data intact")
    func badStatementsKeepData() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        do {
            let session = try Database.open(path: path).connect()
            _ = try session.execute("CREATE TABLE t (a INTEGER NOT NULL, s VARCHAR); INSERT INTO t VALUES (1, 'one'), (2, 'two')")
            let statements = [
                "INSERT INTO t VALUES (3, 'three'), (NULL, 'null')",
                "INSERT INTO t SELECT a / 0, s FROM t",
                "UPDATE t SET a = a * 2147483647 * 2",
                "DELETE FROM t WHERE a = 'x'",
                "INSERT INTO t VALUES (4, 'four'",
                "CREATE TABLE t (b INTEGER)",
                "DROP TABLE nope",
            ]
            for statement in statements {
                #expect(throws: TeleError.self, "\(statement)") { try session.execute(statement) }
            }
        }
        let session = try Database.open(path: path).connect()
        let rows = try session.execute("SELECT a, s FROM t ORDER BY a")[0].rows
        #expect(rows == [[.integer(1), .string("one")], [.integer(2), .string("two")]])
    }

    @Test("COPY csv reads every line unless HEADER")
    func copyCSV() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("rows.csv")
        try "1,x,2024-01-01\n2,,2024-01-02\n".write(toFile: file, atomically: true, encoding: .utf8)
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE ct (a INTEGER, b VARCHAR, c DATE)")
        let copied = try session.execute("COPY ct FROM '\(file)' (FORMAT csv)")
        #expect(copied[0].commandTag == "COPY 2")
        _ = try session.execute("COPY ct FROM '\(file)' (FORMAT csv, HEADER true)")
        #expect(try session.count("SELECT count(*) FROM ct") == 3)
        #expect(try session.count("SELECT count(*) FROM ct WHERE b IS NULL") == 2)

        try "3,z,2024-13-01\n".write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: TeleError.self) { try session.execute("COPY ct FROM '\(file)' (FORMAT csv)") }
        #expect(error?.message.contains("2024-13-01") == true)
        #expect(try session.count("SELECT count(*) FROM ct") == 3)
    }

    @Test("COPY FORMAT ping loads pings")
    func copyPings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("pings.ndjson")
        try Database.generatePings(count: 5, seed: 1, to: file)
        let session = try Database.open(path: directory.path("db")).connect()
        let copied = try session.execute("COPY pings FROM '\(file)' (FORMAT ping, DEDUPE)")
        #expect(copied[0].commandTag == "COPY 5")
        #expect(try session.count("SELECT count(*) FROM pings") == 5)
        _ = try session.execute("COPY pings FROM '\(file)' (FORMAT ping, DEDUPE)")
        #expect(try session.count("SELECT count(*) FROM pings") == 5)
        _ = try session.execute("BEGIN")
        let error = #expect(throws: TeleError.self) { try session.execute("COPY pings FROM '\(file)'") }
        #expect(error?.state == .activeSQLTransaction)
    }

    @Test("DROP TABLE refuses while a view depends on it")
    func dropWithDependentView() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER); CREATE VIEW v AS SELECT a * 2 AS b FROM t")
        let error = #expect(throws: TeleError.self) { try session.execute("DROP TABLE t") }
        #expect(error?.state == .dependentObjectsStillExist)
        #expect(error?.detail?.contains("view v depends on") == true)
        _ = try session.execute("DROP VIEW v; DROP TABLE t")
        #expect(session.tableNames.isEmpty)
    }

    @Test("open refuses a missing parent folder")
    func missingParentFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("missing/db.tdb")
        let error = #expect(throws: TeleError.self) { try Database.open(path: path) }
        #expect(error?.message.contains("missing") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.path("missing")))
    }

    @Test("default database creates its folders")
    func defaultPathFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database.open(path: directory.path("home/nested/default.tdb"), createParents: true)
        #expect(database.path?.hasSuffix("home/nested/default.tdb") == true)
    }

    @Test("unknown column suggests the nearest name")
    func unknownColumnHint() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (channel VARCHAR)")
        let error = #expect(throws: TeleError.self) { try session.execute("SELECT chanel FROM t") }
        #expect(error?.state == .undefinedColumn)
        #expect(error?.hint?.contains("channel") == true)
    }

    @Test("views store their query")
    func views() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2), (3)")
        _ = try session.execute("CREATE VIEW big AS SELECT a FROM t WHERE a > 1")
        #expect(try session.count("SELECT count(*) FROM big") == 2)
        _ = try session.execute("DROP VIEW big")
        #expect(throws: TeleError.self) { try session.execute("SELECT * FROM big") }
    }

    @Test("view keeps its query text")
    func viewText() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER); CREATE VIEW v (x) AS /* as */ SELECT a AS x FROM t WHERE 'as' <> '';")
        #expect(session.readSnapshot.view("v")?.sql.hasPrefix("SELECT a AS x FROM t") == true)
    }

    @Test("show tables and describe")
    func catalogStatements() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE b (x INTEGER NOT NULL); CREATE TABLE a (y VARCHAR)")
        #expect(try session.execute("SHOW TABLES")[0].rows == [[.string("a")], [.string("b")]])
        #expect(try session.execute("DESCRIBE b")[0].rows == [[.string("x"), .string("INTEGER"), .string("NO")]])
    }
}
