// Runs the catalog queries that psql 15, asyncpg 0.32, psycopg and SQLAlchemy 2.1 send,
// captured from a PostgreSQL 15 statement log into Fixtures/pg_client_queries, through a
// session over a database with a few tables, and checks the values clients rely on.

import Foundation
import Testing
import TeleCore
import TeleDB
import TelePlanner
import TeleSyntax

/// One captured client query with its parameters.
struct ClientQuery: CustomStringConvertible {
    var name: String
    var sql: String
    var parameters: [Value]

    var description: String { name }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pg_client_queries")

    /// Every fixture, sorted by name, or none when the folder is missing.
    static var all: [ClientQuery] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".sql") }.sorted().compactMap { try? load(String($0.dropLast(4))) }
    }

    /// Reads `name.sql`. A `-- parameters: 'a', 'b'` line gives the values of $1, $2, ...
    static func load(_ name: String) throws -> ClientQuery {
        let text = try String(contentsOf: folder.appendingPathComponent(name + ".sql"), encoding: .utf8)
        var parameters: [Value] = []
        for line in text.split(separator: "\n") where line.hasPrefix("-- parameters: ") {
            parameters = line.dropFirst("-- parameters: ".count).split(separator: ",").map {
                .string(String($0.trimmingCharacters(in: .whitespaces).dropFirst().dropLast()))
            }
        }
        var sql = text
        for relation in ["pings", "linux_pings"] {
            sql = sql.replacingOccurrences(of: "{{oid:\(relation)}}", with: String(PGCatalogIDs.relationOID(named: relation)))
        }
        return ClientQuery(name: name, sql: sql, parameters: parameters)
    }
}

/// Creates a database with a table of every kind of column, a second table and a view.
func makeCatalogDatabase() throws -> Session {
    let session = Database.inMemory().connect()
    _ = try session.execute(
        """
        CREATE TABLE pings (id BIGINT NOT NULL, os VARCHAR, ts TIMESTAMP, hist HISTOGRAM);
        CREATE TABLE metrics (name TEXT, v DOUBLE, d DATE, n INTEGER, s SMALLINT, b BOOLEAN, r REAL);
        INSERT INTO pings VALUES (1, 'Linux', TIMESTAMP '2024-01-01 00:00:00', NULL);
        CREATE VIEW linux_pings AS SELECT id, os FROM pings WHERE os = 'Linux';
        """)
    return session
}

extension Session {
    /// Runs every statement of `sql` with `parameters` and returns the last result.
    func runClientQuery(_ query: ClientQuery) throws -> StatementResult {
        var last: StatementResult?
        for parsed in try Parser.parseWithText(query.sql) {
            last = try run(parsed.statement, text: parsed.text, parameters: query.parameters)
        }
        guard let last else { throw TeleError.internalError("fixture \(query.name) holds no statement") }
        return last
    }
}

@Suite struct PGClientQueryTests {
    @Test(arguments: ClientQuery.all)
    func fixtureRuns(_ query: ClientQuery) throws {
        let session = try makeCatalogDatabase()
        #expect(throws: Never.self) { _ = try session.runClientQuery(query) }
    }

    @Test func fixturesArePresent() {
        #expect(ClientQuery.all.count >= 20)
    }

    @Test func asyncpgIntrospectsJSON() throws {
        let session = try makeCatalogDatabase()
        let result = try session.runClientQuery(try ClientQuery.load("asyncpg_type_introspection"))
        let names = result.columns.map(\.name)
        #expect(names.prefix(4) == ["oid", "ns", "name", "kind"])
        #expect(result.rows.count == 1)
        let row = result.rows.first ?? []
        #expect(row.prefix(4) == [.integer(114), .string("pg_catalog"), .string("json"), .string("b")])
    }

    @Test func asyncpgIntrospectsArrayAndElement() throws {
        let session = try makeCatalogDatabase()
        var query = try ClientQuery.load("asyncpg_type_introspection")
        query.parameters = [.string("{1009}")]
        let result = try session.runClientQuery(query)
        let depth = try #require(result.columns.firstIndex { $0.name == "depth" })
        let elementName = try #require(result.columns.firstIndex { $0.name == "elemtype_name" })
        // The element type comes first: the query orders by depth, deepest first.
        #expect(result.rows.map { $0[2] } == [.string("text"), .string("_text")])
        #expect(result.rows.map { $0[depth] } == [.integer(1), .integer(0)])
        #expect(result.rows.last?[elementName] == .string("text"))
    }

    @Test func psqlListsTables() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.runClientQuery(try ClientQuery.load("psql_dt")).rows
        #expect(rows.count == 2)
        #expect(rows.first == [.string("public"), .string("metrics"), .string("table"), .string("teledb")])
        #expect(rows.last == [.string("public"), .string("pings"), .string("table"), .string("teledb")])
    }

    @Test func psqlListsRelationsWithViews() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.runClientQuery(try ClientQuery.load("psql_d_list")).rows
        #expect(rows.map { $0[1] } == [.string("linux_pings"), .string("metrics"), .string("pings")])
        #expect(rows[0][2] == .string("view"))
    }

    @Test func psqlFindsTableByPattern() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.runClientQuery(try ClientQuery.load("psql_d_table_lookup")).rows
        #expect(rows == [[.integer(PGCatalogIDs.relationOID(named: "pings")), .string("public"), .string("pings")]])
    }

    @Test func psqlDescribesColumns() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.runClientQuery(try ClientQuery.load("psql_d_table_columns")).rows
        #expect(rows.map { $0[0] } == ["id", "os", "ts", "hist"].map(Value.string))
        #expect(rows.map { $0[1] } == ["bigint", "text", "timestamp without time zone", "json"].map(Value.string))
        #expect(rows.map { $0[3] } == [true, false, false, false].map(Value.boolean))
        #expect(rows.allSatisfy { $0[2] == .null })
        #expect(rows.allSatisfy { $0[4] == .null })
    }

    @Test func psqlDescribesViewColumns() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.runClientQuery(try ClientQuery.load("psql_d_view_columns")).rows
        #expect(rows.map { $0[0] } == [.string("id"), .string("os")])
        #expect(rows.map { $0[1] } == [.string("bigint"), .string("text")])
        let info = try session.runClientQuery(try ClientQuery.load("psql_d_view_info")).rows
        #expect(info.first?[1] == .string("v"))
    }

    @Test func psqlListsRolesAndViews() throws {
        let session = try makeCatalogDatabase()
        let roles = try session.runClientQuery(try ClientQuery.load("psql_du")).rows
        #expect(roles.map { $0[0] } == [.string("teledb")])
        #expect(roles.first?[1] == .boolean(true))
        let views = try session.runClientQuery(try ClientQuery.load("psql_dv")).rows
        #expect(views.map { $0[1] } == [.string("linux_pings")])
    }

    @Test func psqlReadsTableProperties() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.runClientQuery(try ClientQuery.load("psql_d_table_info")).rows
        #expect(rows.count == 1)
        #expect(rows.first?[1] == .string("r"))
        #expect(rows.first?[2] == .boolean(false))
        #expect(rows.first?.last == .string("heap"))
    }

    @Test func psqlListsDatabaseAndSchemas() throws {
        let session = try makeCatalogDatabase()
        let databases = try session.runClientQuery(try ClientQuery.load("psql_l")).rows
        #expect(databases.count == 1)
        #expect(databases.first?[1] == .string("teledb"))
        #expect(databases.first?[2] == .string("UTF8"))
        let schemas = try session.runClientQuery(try ClientQuery.load("psql_dn")).rows
        #expect(schemas == [[.string("public"), .string("teledb")]])
    }

    @Test func sqlalchemyConnectQueries() throws {
        let session = try makeCatalogDatabase()
        let version = try session.runClientQuery(try ClientQuery.load("sqlalchemy_version")).rows
        #expect(version.first?.first?.text?.hasPrefix("PostgreSQL 15.0") == true)
        let schema = try session.runClientQuery(try ClientQuery.load("sqlalchemy_current_schema")).rows
        #expect(schema == [[.string("public")]])
        let isolation = try session.runClientQuery(try ClientQuery.load("sqlalchemy_isolation_level"))
        #expect(isolation.rows == [[.string("read committed")]])
        #expect(isolation.columns.map(\.name) == ["transaction_isolation"])
        let strings = try session.runClientQuery(try ClientQuery.load("sqlalchemy_standard_strings")).rows
        #expect(strings == [[.string("on")]])
    }

    @Test func sqlalchemyFindsTables() throws {
        let session = try makeCatalogDatabase()
        let hasTable = try session.runClientQuery(try ClientQuery.load("sqlalchemy_has_table")).rows
        #expect(hasTable == [[.string("pings")]])
        let hasTableBound = try session.runClientQuery(try ClientQuery.load("sqlalchemy_psycopg3_has_table")).rows
        #expect(hasTableBound == [[.string("pings")]])
        let names = try session.runClientQuery(try ClientQuery.load("sqlalchemy_table_names")).rows
        #expect(Set(names.map { $0[0] }) == [.string("pings"), .string("metrics")])
    }

    @Test func sqlalchemyReflectsColumnsAndViews() throws {
        let session = try makeCatalogDatabase()
        let columns = try session.runClientQuery(try ClientQuery.load("sqlalchemy_reflect_columns")).rows
        #expect(columns.map { $0[0] } == ["id", "os", "ts", "hist"].map(Value.string))
        #expect(columns.map { $0[1] } == ["bigint", "text", "timestamp without time zone", "json"].map(Value.string))
        let views = try session.runClientQuery(try ClientQuery.load("sqlalchemy_reflect_views")).rows
        #expect(views == [[.string("linux_pings")]])
        let definition = try session.runClientQuery(try ClientQuery.load("sqlalchemy_reflect_view_definition")).rows
        #expect(definition.first?.first?.text?.contains("WHERE os = 'Linux'") == true)
        let primaryKey = try session.runClientQuery(try ClientQuery.load("sqlalchemy_reflect_primary_key")).rows
        #expect(primaryKey.isEmpty)
        let schemas = try session.runClientQuery(try ClientQuery.load("sqlalchemy_reflect_schemas")).rows
        #expect(schemas == [[.string("information_schema")], [.string("public")]])
    }

    @Test func sqlalchemyFindsNoHstore() throws {
        let session = try makeCatalogDatabase()
        #expect(try session.runClientQuery(try ClientQuery.load("sqlalchemy_psycopg2_hstore")).rows.isEmpty)
        #expect(try session.runClientQuery(try ClientQuery.load("sqlalchemy_psycopg3_hstore")).rows.isEmpty)
    }

    @Test func asyncpgResetSucceeds() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("SET application_name = 'pool'")
        let results = try session.execute(try ClientQuery.load("asyncpg_reset").sql)
        #expect(results.map(\.commandTag) == ["SELECT 1", "CLOSE CURSOR ALL", "UNLISTEN", "RESET"])
        #expect(try session.scalar("SHOW application_name") == .string(""))
    }

    @Test func asyncpgJitRoundTrip() throws {
        let session = try makeCatalogDatabase()
        let check = try session.runClientQuery(try ClientQuery.load("asyncpg_jit_check")).rows
        #expect(check == [[.string("off"), .string("off")]])
        _ = try session.runClientQuery(try ClientQuery.load("asyncpg_jit_restore"))
        #expect(try session.scalar("SELECT current_setting('jit')") == .string("on"))
    }
}
