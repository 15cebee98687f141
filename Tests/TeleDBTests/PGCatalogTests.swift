// The emulated pg_catalog and information_schema, the system functions, the regular
// expression operators and the session statements, each checked with hand-made queries.

import Foundation
import Testing
import TeleCore
import TeleDB
import TelePlanner
import TeleSyntax

@Suite struct PGCatalogTests {
    @Test(arguments: [
        ("SELECT 'abc' ~ 'b'", Value.boolean(true)),
        ("SELECT 'abc' ~ '^b'", .boolean(false)),
        ("SELECT 'ABC' ~ 'b'", .boolean(false)),
        ("SELECT 'ABC' ~* 'b'", .boolean(true)),
        ("SELECT 'abc' !~ 'x'", .boolean(true)),
        ("SELECT 'ABC' !~* 'b'", .boolean(false)),
        ("SELECT NULL ~ 'b'", .null),
        ("SELECT 'abc' ~ NULL", .null),
        ("SELECT 'pings' OPERATOR(pg_catalog.~) '^(pings)$' COLLATE pg_catalog.default", .boolean(true)),
        ("SELECT 'pings' OPERATOR(pg_catalog.~) '^(ping)$' COLLATE \"C\"", .boolean(false)),
        ("SELECT 'a1' ~ '^[a-z][0-9]+$'", .boolean(true)),
    ])
    func regexOperator(_ sql: String, _ expected: Value) throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar(sql) == expected)
    }

    @Test func regexOverColumn() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.execute("SELECT relname FROM pg_class WHERE relname ~* '^P' AND relnamespace = 2200").last?.rows
        #expect(rows == [[.string("pings")]])
    }

    @Test func setShowRoundTrip() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("SET application_name = 'psql'")
        #expect(try session.scalar("SHOW application_name") == .string("psql"))
        #expect(try session.scalar("SELECT current_setting('application_name')") == .string("psql"))
        _ = try session.execute("SET my.option TO 'x'")
        #expect(try session.scalar("SHOW my.option") == .string("x"))
        _ = try session.execute("SET search_path = public, pg_catalog")
        #expect(try session.scalar("SHOW search_path") == .string("public, pg_catalog"))
        _ = try session.execute("SET extra_float_digits = 3")
        #expect(try session.scalar("SHOW extra_float_digits") == .string("3"))
        _ = try session.execute("RESET extra_float_digits")
        #expect(try session.scalar("SHOW extra_float_digits") == .string("1"))
        _ = try session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        #expect(try session.scalar("SHOW TRANSACTION ISOLATION LEVEL") == .string("repeatable read"))
        _ = try session.execute("SET TIME ZONE 'UTC'")
        #expect(try session.scalar("SHOW TimeZone") == .string("UTC"))
    }

    @Test func resetRestoresStartupSettings() throws {
        let session = try makeCatalogDatabase()
        session.startupSettings = ["application_name": "app"]
        _ = try session.execute("SET application_name = 'changed'")
        _ = try session.execute("RESET ALL")
        #expect(try session.scalar("SHOW application_name") == .string("app"))
        _ = try session.execute("SET application_name = 'again'; DISCARD ALL")
        #expect(try session.scalar("SHOW application_name") == .string("app"))
    }

    @Test func unknownSettingFails() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("SHOW no_such_setting") }
        #expect(error?.state.code == "42704")
        let fromFunction = #expect(throws: TeleError.self) { _ = try session.execute("SELECT current_setting('nope')") }
        #expect(fromFunction?.state.code == "42704")
        #expect(try session.scalar("SELECT current_setting('nope', true)") == .null)
    }

    @Test func setConfigChangesSetting() throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar("SELECT set_config('statement_timeout', '5s', false)") == .string("5s"))
        #expect(try session.scalar("SHOW statement_timeout") == .string("5s"))
    }

    @Test func discardAllInTransactionFails() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("BEGIN")
        let error = #expect(throws: TeleError.self) { _ = try session.execute("DISCARD ALL") }
        #expect(error?.state.code == "25001")
    }

    @Test func closeNamedCursorFails() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("CLOSE my_cursor") }
        #expect(error?.state.code == "34000")
    }

    @Test(arguments: [
        ("SELECT current_user", Value.string("teledb")),
        ("SELECT session_user", .string("teledb")),
        ("SELECT pg_catalog.current_database()", .string("teledb")),
        ("SELECT current_schemas(true)", .string("{pg_catalog,public}")),
        ("SELECT pg_is_in_recovery()", .boolean(false)),
        ("SELECT has_table_privilege('pings', 'SELECT')", .boolean(true)),
        ("SELECT pg_catalog.format_type(23, -1)", .string("integer")),
        ("SELECT format_type(1114, NULL)", .string("timestamp without time zone")),
        ("SELECT format_type(NULL, NULL)", .null),
        ("SELECT 'int4'::regtype", .integer(23)),
        ("SELECT 25::regtype::text", .string("text")),
        ("SELECT to_regtype('hstore')", .null),
        ("SELECT 'pings'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 'pings')", .boolean(true)),
        ("SELECT (SELECT oid FROM pg_class WHERE relname = 'pings')::regclass", .string("pings")),
        ("SELECT array_to_string('{a,b,NULL}', ',')", .string("a,b")),
        ("SELECT array_to_string(ARRAY['x', 'y'], '-')", .string("x-y")),
        ("SELECT 'r' = ANY (ARRAY['r', 'p'])", .boolean(true)),
        ("SELECT 'v' = ANY ('{r,p}'::text[])", .boolean(false)),
        ("SELECT 'v' <> ALL ('{r,p}'::text[])", .boolean(true)),
        ("SELECT 23 = ANY ('{16,23}'::oid[])", .boolean(true)),
        ("SELECT ('{5,7}'::int2[])[2] + 1", .integer(8)),
        ("SELECT quote_ident('Mixed Case')", .string("\"Mixed Case\"")),
        ("SELECT array(SELECT relname FROM pg_class WHERE relnamespace = 2200 ORDER BY 1)",
         .string("{linux_pings,metrics,pings}")),
        ("SELECT count(*) FROM generate_series(1, 5) s WHERE s > 2", .integer(3)),
        ("SELECT pg_table_is_visible('pings'::regclass)", .boolean(true)),
        ("SELECT pg_table_is_visible('pg_class'::regclass)", .boolean(true)),
        ("SELECT pg_table_is_visible(oid) FROM pg_class WHERE relname = 'schemata'", .boolean(false)),
        ("SELECT pg_get_viewdef('linux_pings'::regclass) LIKE 'SELECT id, os FROM pings%'", .boolean(true)),
        ("SELECT pg_get_viewdef('pings'::regclass)", .null),
        ("SELECT count(*) FROM (SELECT unnest(indkey) AS k FROM pg_index) s", .integer(0)),
        ("SELECT string_agg(x, '+') FROM unnest('{a,\"b c\",d}'::text[]) x", .string("a+b c+d")),
        ("SELECT count(*) FROM unnest(NULL::text[]) u", .integer(0)),
        ("SELECT array(SELECT 'toast.' || x FROM unnest(ARRAY['p', 'q']) x)", .string("{toast.p,toast.q}")),
        ("SELECT typinput = 'array_in'::regproc FROM pg_type WHERE typname = '_int4'", .boolean(true)),
        ("SELECT typinput = 'pg_catalog.array_in'::regproc FROM pg_type WHERE typname = 'int4'", .boolean(false)),
        ("SELECT typoutput::regproc FROM pg_type WHERE oid = 1082", .string("date_out")),
        ("SELECT current_setting('server_version_num')::int / 100", .integer(1500)),
        ("SELECT (current_schemas(false))[1]", .string("public")),
    ])
    func systemFunction(_ sql: String, _ expected: Value) throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar(sql) == expected)
    }

    @Test func selectListUnnestFailsOnRows() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("SELECT unnest('{a,b}'::text[])") }
        #expect(error?.state.code == "0A000")
    }

    @Test func unknownRegclassFails() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("SELECT 'nope'::regclass") }
        #expect(error?.state.code == "42P01")
    }

    @Test func typeOIDsMatchPostgreSQL() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.execute(
            """
            SELECT a.attname, a.atttypid FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid
            WHERE c.relname = 'metrics' ORDER BY a.attnum
            """
        ).last?.rows ?? []
        let expected: [(String, Int64)] = [("name", 25), ("v", 701), ("d", 1082), ("n", 23), ("s", 21), ("b", 16), ("r", 700)]
        #expect(rows.map { $0[0] } == expected.map { .string($0.0) })
        #expect(rows.map { $0[1] } == expected.map { .integer($0.1) })
        let types = try session.execute("SELECT typname FROM pg_type WHERE oid IN (20, 114, 1184, 1186) ORDER BY oid").last?.rows
        #expect(types == [[.string("int8")], [.string("json")], [.string("timestamptz")], [.string("interval")]])
    }

    @Test func userTableShadowsNoCatalogTable() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("CREATE TABLE pg_type (x INTEGER); INSERT INTO pg_type VALUES (7)")
        #expect(try session.count("SELECT count(*) FROM pg_type WHERE typname = 'int4'") == 1)
        #expect(try session.scalar("SELECT x FROM public.pg_type") == .integer(7))
    }

    @Test func informationSchemaListsTablesAndColumns() throws {
        let session = try makeCatalogDatabase()
        let tables = try session.execute(
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        ).last?.rows
        #expect(tables == [
            [.string("linux_pings"), .string("VIEW")], [.string("metrics"), .string("BASE TABLE")],
            [.string("pings"), .string("BASE TABLE")],
        ])
        let columns = try session.execute(
            """
            SELECT column_name, data_type, is_nullable FROM information_schema.columns
            WHERE table_name = 'pings' ORDER BY ordinal_position
            """
        ).last?.rows
        #expect(columns == [
            [.string("id"), .string("bigint"), .string("NO")], [.string("os"), .string("text"), .string("YES")],
            [.string("ts"), .string("timestamp without time zone"), .string("YES")],
            [.string("hist"), .string("json"), .string("YES")],
        ])
        let schemata = try session.execute("SELECT schema_name FROM information_schema.schemata ORDER BY 1").last?.rows
        #expect(schemata == [[.string("information_schema")], [.string("pg_catalog")], [.string("public")]])
    }

    @Test func catalogTablesStayOutOfShowTables() throws {
        let session = try makeCatalogDatabase()
        #expect(session.tableNames == ["metrics", "pings"])
    }

    @Test func settingsTableReflectsSession() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("SET application_name = 'grafana'")
        let rows = try session.execute("SELECT setting, source FROM pg_settings WHERE name = 'application_name'").last?.rows
        #expect(rows == [[.string("grafana"), .string("session")]])
    }
}

@Suite struct PGSavepointTests {
    @Test func savepointAndReleaseInTransaction() throws {
        let session = try makeCatalogDatabase()
        let results = try session.execute(
            "BEGIN; SAVEPOINT \"_pg3_1\"; SELECT count(*) FROM pg_type; RELEASE \"_pg3_1\"; RELEASE SAVEPOINT \"_pg3_1\"; COMMIT")
        #expect(results.map(\.commandTag) == ["BEGIN", "SAVEPOINT", "SELECT 1", "RELEASE", "RELEASE", "COMMIT"])
    }

    @Test func savepointOutsideTransactionFails() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("SAVEPOINT s") }
        #expect(error?.state.code == "25P01")
    }

    @Test func rollbackToSavepointIsRejected() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("BEGIN; SAVEPOINT s")
        let error = #expect(throws: TeleError.self) { _ = try session.execute("ROLLBACK TO SAVEPOINT s") }
        #expect(error?.state.code == "0A000")
        #expect(session.inTransaction)
    }
}

@Suite struct PGSizeTests {
    // Expected strings are PostgreSQL 15's output for the same numbers.
    @Test(arguments: [
        (Int64(0), "0 bytes"), (10239, "10239 bytes"), (10240, "10 kB"), (1_000_000, "977 kB"),
        (20_971_520, "20 MB"), (-20_971_520, "-20 MB"), (1_099_511_627_776, "1024 GB"),
    ])
    func prettySize(_ bytes: Int64, _ expected: String) throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar("SELECT pg_size_pretty(\(bytes)::bigint)") == .string(expected))
    }
}

@Suite struct PGDescribeTests {
    @Test func resultColumnsOfCatalogQuery() throws {
        let session = try makeCatalogDatabase()
        guard case .select(let query)? = try TeleSyntax.Parser.parse("SELECT oid, relname, relkind FROM pg_class").first else {
            Issue.record("the query did not parse as a SELECT")
            return
        }
        let columns = try session.resultColumns(of: query)
        #expect(columns.map(\.name) == ["oid", "relname", "relkind"])
        #expect(columns.map(\.type) == [.bigint, .varchar, .varchar])
    }

    @Test func explainSeesCatalogTables() throws {
        let session = try makeCatalogDatabase()
        let plan = try session.execute("EXPLAIN SELECT relname FROM pg_catalog.pg_class").last?.rows ?? []
        #expect(plan.contains { $0.first?.text?.contains("pg_class") == true })
    }
}

@Suite struct PGSessionIdentityTests {
    @Test func userAndDatabaseComeFromSession() throws {
        let session = try makeCatalogDatabase()
        session.userName = "analyst"
        session.databaseName = "telemetry"
        session.backendProcessID = 4242
        #expect(try session.scalar("SELECT current_user") == .string("analyst"))
        #expect(try session.scalar("SELECT current_database()") == .string("telemetry"))
        #expect(try session.scalar("SELECT datname FROM pg_database") == .string("telemetry"))
        #expect(try session.scalar("SELECT rolname FROM pg_roles") == .string("analyst"))
        #expect(try session.scalar("SELECT pg_backend_pid()") == .integer(4242))
        #expect(try session.scalar("SELECT pid FROM pg_stat_activity") == .integer(4242))
    }
}

@Suite struct PGSystemTableTests {
    @Test func usersAppearAsRolesNotTables() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("CREATE USER analyst PASSWORD 'secret-1'")
        let relations = try session.execute("SELECT relname FROM pg_class WHERE relname LIKE 'teledb%'").last?.rows
        #expect(relations?.isEmpty == true)
        let tables = try session.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'teledb_users'")
        #expect(tables.last?.rows == [[.integer(0)]])
        let roles = try session.execute("SELECT rolname FROM pg_roles ORDER BY oid = 10 DESC, rolname").last?.rows
        #expect(roles == [[.string("teledb")], [.string("analyst")]])
    }
}

@Suite struct PGJSONTests {
    @Test(arguments: [
        ("SELECT json_build_object('always', true, 'start', 1::bigint, 'name', NULL)",
         "{\"always\" : true, \"start\" : 1, \"name\" : null}"),
        ("SELECT json_build_object('k', 'a\"b', 'x', 1.5)", "{\"k\" : \"a\\\"b\", \"x\" : 1.5}"),
        ("SELECT json_build_array(1, 'two', false)", "[1, \"two\", false]"),
        ("SELECT json_build_object()", "{}"),
    ])
    func buildsJSON(_ sql: String, _ expected: String) throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar(sql) == .string(expected))
    }

    @Test func oddArgumentCountFails() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("SELECT json_build_object('a')") }
        #expect(error?.state.code == "22023")
    }
}

@Suite struct PGEveryCatalogTableTests {
    @Test func everyEmulatedTableReads() throws {
        let session = try makeCatalogDatabase()
        _ = try session.execute("CREATE USER reader PASSWORD 'secret-2'")
        let tables = try session.execute(
            """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('pg_catalog', 'information_schema') ORDER BY 1, 2
            """
        ).last?.rows ?? []
        #expect(tables.count >= 35)
        for table in tables {
            let name = "\(table[0].text ?? "").\(table[1].text ?? "")"
            let result = try session.execute("SELECT * FROM \(name)").last
            let columns = try session.count(
                "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = '\(table[1].text ?? "")'")
            #expect(Int64(result?.columns.count ?? -1) == columns, "\(name)")
        }
    }

    @Test(arguments: [
        ("SELECT array_to_string('{\"a\\\"b\",c}', '|')", Value.string("a\"b|c")),
        ("SELECT array_length('{}', 1)", .null),
        ("SELECT array_upper('{x,y,z}', 1)", .integer(3)),
        ("SELECT array_to_string('{a,NULL,\"NULL\"}', ',', '*')", .string("a,*,NULL")),
    ])
    func arrayText(_ sql: String, _ expected: Value) throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar(sql) == expected)
    }
}

@Suite struct PGFunctionInFromTests {
    @Test(arguments: [
        ("SELECT s FROM string_to_array('a,b', ',') s", Value.string("{a,b}")),
        ("SELECT string_to_array('', ',')", .string("{}")),
        ("SELECT x FROM pg_catalog.current_schemas(false) AS x", .string("{public}")),
        ("SELECT count(*) FROM pings p, upper(p.os) u WHERE u = 'LINUX'", .integer(1)),
    ])
    func scalarFunctionInFrom(_ sql: String, _ expected: Value) throws {
        let session = try makeCatalogDatabase()
        #expect(try session.scalar(sql) == expected)
    }

    @Test func searchPathExpansion() throws {
        let session = try makeCatalogDatabase()
        let rows = try session.execute(
            """
            SELECT quote_ident(table_name) AS "table" FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND quote_ident(table_schema) IN (
              SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
              FROM generate_series(
                array_lower(string_to_array(current_setting('search_path'), ','), 1),
                array_upper(string_to_array(current_setting('search_path'), ','), 1)) AS i,
                string_to_array(current_setting('search_path'), ',') s)
            ORDER BY 1
            """
        ).last?.rows
        #expect(rows == [[.string("metrics")], [.string("pings")]])
    }

    @Test func unknownFunctionInFromFails() throws {
        let session = try makeCatalogDatabase()
        let error = #expect(throws: TeleError.self) { _ = try session.execute("SELECT * FROM no_such_function(1)") }
        #expect(error?.state.code == "42883")
        let aggregate = #expect(throws: TeleError.self) { _ = try session.execute("SELECT * FROM sum(1)") }
        #expect(aggregate?.state.code == "42883")
    }
}
