// Statements other than queries: DDL, DML, EXPLAIN, SHOW, DESCRIBE, COPY, transactions, SET,
// and scripts with several statements.

import Testing
import TeleCore
@testable import TeleSyntax

@Suite struct CreateTableTests {
    private func createTable(_ sql: String) throws -> CreateTable {
        guard case .createTable(let table) = try parseOne(sql) else {
            throw TeleError.internalError("not CREATE TABLE: \(sql)")
        }
        return table
    }

    @Test func columnsTypesAndConstraints() throws {
        let table = try createTable("""
            CREATE TABLE IF NOT EXISTS metrics (
                id BIGINT PRIMARY KEY,
                host VARCHAR(20) NOT NULL,
                value DOUBLE PRECISION DEFAULT 0.5 NOT NULL,
                ts TIMESTAMP WITH TIME ZONE NULL,
                price NUMERIC(10, 2) UNIQUE,
                "Key" text CONSTRAINT k NOT NULL
            )
            """)
        #expect(table.name == "metrics")
        #expect(table.ifNotExists)
        #expect(table.columns.map(\.name) == ["id", "host", "value", "ts", "price", "Key"])
        #expect(table.columns.map(\.typeName.description) == [
            "bigint", "varchar(20)", "double precision", "timestamp with time zone", "numeric(10,2)", "text",
        ])
        #expect(table.columns.map(\.notNull) == [false, true, true, false, false, true])
        #expect(table.columns.map(\.primaryKey) == [true, false, false, false, false, false])
        #expect(table.columns.map(\.unique) == [false, false, false, false, true, false])
        #expect(table.columns[2].defaultValue.map(render) == "#0.5")
        #expect(table.columns[2].defaultText == "0.5")
        #expect(table.primaryKey.isEmpty)
    }

    @Test func tableLevelKeys() throws {
        let table = try createTable("CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b), UNIQUE (b))")
        #expect(table.primaryKey == ["a", "b"])
        #expect(table.uniqueKeys == [["b"]])
        #expect(!table.ifNotExists)
    }

    @Test func uniqueWithoutPrimaryKeyFillsPrimaryKey() throws {
        let table = try createTable("CREATE TABLE t (a INT, CONSTRAINT u UNIQUE (a))")
        #expect(table.primaryKey == ["a"])
    }

    @Test func twoPrimaryKeysIsError() {
        let error = parseError("CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))")
        #expect(error?.state.code == "42P16")
        #expect(error?.message == "multiple primary keys for table \"t\" are not allowed")
    }

    @Test func createTableAs() throws {
        guard case .createTableAs(let name, let ifNotExists, let query) = try parseOne(
            "CREATE TABLE IF NOT EXISTS t2 AS SELECT * FROM t WHERE a > 1")
        else {
            Issue.record("expected CREATE TABLE AS")
            return
        }
        #expect(name == "t2")
        #expect(ifNotExists)
        guard case .select(let core) = query.body else {
            Issue.record("expected a SELECT body")
            return
        }
        #expect(core.whereClause.map(render) == "(a > 1)")
    }

    @Test func checkConstraintIsNotSupported() {
        #expect(parseError("CREATE TABLE t (a INT CHECK (a > 0))")?.state == .featureNotSupported)
    }
}

@Suite struct SchemaStatementTests {
    @Test func dropTable() throws {
        #expect(try parseOne("DROP TABLE IF EXISTS a, b") == .dropTable(names: ["a", "b"], ifExists: true))
        #expect(try parseOne("drop table a") == .dropTable(names: ["a"], ifExists: false))
    }

    @Test func createAndDropView() throws {
        guard case .createView(let name, let orReplace, let ifNotExists, let columns, _) = try parseOne(
            "CREATE OR REPLACE VIEW v (x, y) AS SELECT 1, 2")
        else {
            Issue.record("expected CREATE VIEW")
            return
        }
        #expect(name == "v")
        #expect(orReplace)
        #expect(!ifNotExists)
        #expect(columns == ["x", "y"])
        guard case .createView(_, false, true, [], _) = try parseOne("CREATE VIEW IF NOT EXISTS v AS SELECT 1") else {
            Issue.record("expected CREATE VIEW IF NOT EXISTS")
            return
        }
        #expect(try parseOne("DROP VIEW IF EXISTS v, w") == .dropView(names: ["v", "w"], ifExists: true))
    }

    @Test func createAndDropIndex() throws {
        #expect(try parseOne("CREATE UNIQUE INDEX IF NOT EXISTS i ON t (a DESC, b ASC, c)")
            == .createIndex(name: "i", ifNotExists: true, table: "t", columns: ["a", "b", "c"], unique: true))
        #expect(try parseOne("CREATE INDEX i ON t (a)")
            == .createIndex(name: "i", ifNotExists: false, table: "t", columns: ["a"], unique: false))
        #expect(try parseOne("DROP INDEX IF EXISTS i") == .dropIndex(name: "i", ifExists: true))
    }
}

@Suite struct DataStatementTests {
    @Test func insertValues() throws {
        guard case .insert(let insert) = try parseOne("INSERT INTO t (a, b) VALUES (1, 'x'), (2, NULL)") else {
            Issue.record("expected INSERT")
            return
        }
        #expect(insert.table == "t")
        #expect(insert.columns == ["a", "b"])
        guard case .values(let rows) = insert.source else {
            Issue.record("expected VALUES")
            return
        }
        #expect(rows.map { $0.map(render) } == [["1", "'x'"], ["2", "NULL"]])
    }

    @Test func insertQueryAndDefaultValues() throws {
        guard case .insert(let fromQuery) = try parseOne("INSERT INTO t SELECT * FROM u"),
            case .query = fromQuery.source
        else {
            Issue.record("expected INSERT ... SELECT")
            return
        }
        #expect(fromQuery.columns.isEmpty)
        guard case .insert(let parenthesized) = try parseOne("INSERT INTO t (SELECT 1)"),
            case .query = parenthesized.source
        else {
            Issue.record("expected INSERT ... (SELECT)")
            return
        }
        #expect(try parseOne("INSERT INTO t DEFAULT VALUES")
            == .insert(Insert(table: "t", columns: [], source: .defaultValues)))
    }

    @Test func defaultInInsertValues() throws {
        guard case .insert(let insert) = try parseOne("INSERT INTO t VALUES (1, DEFAULT), (DEFAULT, 2)"),
            case .values(let rows) = insert.source
        else {
            Issue.record("expected INSERT ... VALUES")
            return
        }
        #expect(insert.defaultSlots == [ValuesSlot(row: 0, column: 1), ValuesSlot(row: 1, column: 0)])
        #expect(rows[0][1].kind == .literal(.null))
        #expect(rows[1][1].kind == .literal(.integer(2)))
    }

    @Test func defaultOutsideInsertIsRejected() {
        let error = parseError("SELECT * FROM (VALUES (1, DEFAULT)) AS v")
        #expect(error?.state == .syntaxError)
    }

    @Test func update() throws {
        guard case .update(let update) = try parseOne("UPDATE t AS x SET a = a + 1, b = 'y' WHERE x.c > 2") else {
            Issue.record("expected UPDATE")
            return
        }
        #expect(update.table == "t")
        #expect(update.alias == "x")
        #expect(update.assignments.map(\.column) == ["a", "b"])
        #expect(update.assignments.map { render($0.value) } == ["(a + 1)", "'y'"])
        #expect(update.whereClause.map(render) == "(x.c > 2)")
        guard case .update(let bare) = try parseOne("UPDATE t SET a = 1") else {
            Issue.record("expected UPDATE")
            return
        }
        #expect(bare.alias == nil)
        #expect(bare.whereClause == nil)
    }

    @Test func delete() throws {
        guard case .delete(let table, let alias, let whereClause) = try parseOne("DELETE FROM t WHERE a IS NULL") else {
            Issue.record("expected DELETE")
            return
        }
        #expect(table == "t")
        #expect(alias == nil)
        #expect(whereClause.map(render) == "(a IS NULL)")
        #expect(try parseOne("DELETE FROM t") == .delete(table: "t", alias: nil, whereClause: nil))
    }
}

@Suite struct UtilityStatementTests {
    @Test func explain() throws {
        guard case .explain(let inner, let analyze) = try parseOne("EXPLAIN ANALYZE SELECT 1"),
            case .select = inner
        else {
            Issue.record("expected EXPLAIN ANALYZE")
            return
        }
        #expect(analyze)
        guard case .explain(.delete, false) = try parseOne("EXPLAIN DELETE FROM t") else {
            Issue.record("expected EXPLAIN DELETE")
            return
        }
    }

    @Test func showAndDescribe() throws {
        #expect(try parseOne("SHOW TABLES") == .showTables)
        #expect(try parseOne("SHOW search_path") == .show(name: "search_path"))
        #expect(try parseOne("DESCRIBE metrics") == .describe(table: "metrics"))
        guard case .describeQuery = try parseOne("DESCRIBE SELECT a FROM t") else {
            Issue.record("expected DESCRIBE SELECT")
            return
        }
    }

    @Test func copyWithParenthesizedOptions() throws {
        guard case .copyFrom(let table, let path, let options) = try parseOne(
            "COPY metrics FROM '/data/m.csv' WITH (FORMAT csv, HEADER true, DEDUPE, DELIMITER ';', SCHEMA 'm.json')")
        else {
            Issue.record("expected COPY")
            return
        }
        #expect(table == "metrics")
        #expect(path == "/data/m.csv")
        #expect(options.map(\.name) == ["format", "header", "dedupe", "delimiter", "schema"])
        #expect(options.map { $0.value.map(render) ?? "-" } == ["'csv'", "TRUE", "-", "';'", "'m.json'"])
    }

    @Test func copyWithBareOptions() throws {
        guard case .copyFrom(_, _, let options) = try parseOne("COPY t FROM 'x.csv' CSV HEADER DELIMITER ','") else {
            Issue.record("expected COPY")
            return
        }
        #expect(options.map(\.name) == ["format", "header", "delimiter"])
        #expect(options.map { $0.value.map(render) ?? "-" } == ["'csv'", "-", "','"])
    }

    @Test(arguments: [
        ("BEGIN", Statement.begin), ("BEGIN TRANSACTION", .begin), ("START TRANSACTION", .begin),
        ("COMMIT", .commit), ("END", .commit), ("commit work", .commit),
        ("ROLLBACK", .rollback), ("ABORT", .rollback),
    ])
    func transactions(sql: String, expected: Statement) throws {
        #expect(try parseOne(sql) == expected)
    }

    @Test(arguments: [
        ("SET threads = 4", "threads", "4"),
        ("SET threads TO 4", "threads", "4"),
        ("SET search_path TO main", "search_path", "'main'"),
        ("SET timezone = 'UTC'", "timezone", "'UTC'"),
        ("SET enable_x = off", "enable_x", "FALSE"),
        ("SET SESSION memory_limit = '1GB'", "memory_limit", "'1GB'"),
    ])
    func set(sql: String, name: String, value: String) throws {
        guard case .set(let parsedName, let parsedValue) = try parseOne(sql) else {
            Issue.record("expected SET")
            return
        }
        #expect(parsedName == name)
        #expect(render(parsedValue) == value)
    }

    @Test func scriptWithSeveralStatements() throws {
        let statements = try Parser.parse(";; CREATE TABLE t (a INT); INSERT INTO t VALUES (1);\nSELECT * FROM t;")
        #expect(statements.count == 3)
        #expect(try Parser.parse("").isEmpty)
        #expect(try Parser.parse(" -- only a comment\n").isEmpty)
    }
}

@Suite struct SourceTextTests {
    @Test func statementAndQueryText() throws {
        let parsed = try Parser.parseWithText("""
            CREATE VIEW v (n) AS
              SELECT 'a;b' AS n FROM t -- trailing comment
            ;  SELECT 1 ;CREATE TABLE c AS (SELECT é FROM t)
            """)
        #expect(parsed.count == 3)
        guard parsed.count == 3 else { return }
        #expect(parsed[0].text == "CREATE VIEW v (n) AS\n  SELECT 'a;b' AS n FROM t")
        #expect(parsed[0].queryText == "SELECT 'a;b' AS n FROM t")
        #expect(parsed[1].text == "SELECT 1")
        #expect(parsed[1].queryText == nil)
        #expect(parsed[2].queryText == "(SELECT é FROM t)")
        #expect(try Parser.parse(parsed[0].queryText ?? "").count == 1)
    }
}
