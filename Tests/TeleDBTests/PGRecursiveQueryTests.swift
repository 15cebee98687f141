// WITH RECURSIVE and the aggregates with ORDER BY inside the call, which asyncpg's type
// introspection query uses and which work on any table.

import Testing
import TeleCore
import TeleDB

@Suite struct PGRecursiveQueryTests {
    func makeGraph() throws -> Session {
        let session = Database.inMemory().connect()
        _ = try session.execute(
            """
            CREATE TABLE edges (src INTEGER, dst INTEGER);
            INSERT INTO edges VALUES (1, 2), (2, 3), (3, 1), (10, 11);
            """)
        return session
    }

    @Test func recursiveCountsToFive() throws {
        let session = try makeGraph()
        let rows = try session.execute("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r")
            .last?.rows
        #expect(rows == (1...5).map { [.integer(Int64($0))] })
    }

    @Test func unionStopsOnCycle() throws {
        let session = try makeGraph()
        let rows = try session.execute(
            """
            WITH RECURSIVE reach(node) AS (
                SELECT 1 UNION SELECT e.dst FROM edges e JOIN reach ON e.src = reach.node)
            SELECT node FROM reach ORDER BY node
            """
        ).last?.rows
        #expect(rows == [[.integer(1)], [.integer(2)], [.integer(3)]])
    }

    @Test func correlatedRecursiveSubquery() throws {
        let session = try makeGraph()
        let rows = try session.execute(
            """
            SELECT x.src, (WITH RECURSIVE reach(n) AS (
                SELECT x.src UNION SELECT e.dst FROM edges e JOIN reach ON e.src = reach.n)
                SELECT count(*) FROM reach)
            FROM edges x ORDER BY 1
            """
        ).last?.rows
        #expect(rows?.map { $0[1] } == [.integer(3), .integer(3), .integer(3), .integer(2)])
    }

    @Test func recursiveStepTypesFollowBase() throws {
        let session = try makeGraph()
        let widened = try session.execute(
            "WITH RECURSIVE r(n) AS (SELECT 1::bigint UNION ALL SELECT (n + 1)::smallint FROM r WHERE n < 3) SELECT n FROM r"
        ).last
        #expect(widened?.columns.map(\.type) == [.bigint])
        #expect(widened?.rows == [[.integer(1)], [.integer(2)], [.integer(3)]])
        let error = #expect(throws: TeleError.self) {
            _ = try session.execute("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n * 2.5 FROM r WHERE n < 3) SELECT n FROM r")
        }
        #expect(error?.state.code == "42804")
    }

    @Test func stepColumnCountMismatchFails() throws {
        let session = try makeGraph()
        let error = #expect(throws: TeleError.self) {
            _ = try session.execute("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n, n FROM r WHERE n < 3) SELECT * FROM r")
        }
        #expect(error?.state.code == "42P10")
    }

    @Test func nonRecursiveCTEInRecursiveWith() throws {
        let session = try makeGraph()
        let rows = try session.execute("WITH RECURSIVE a AS (SELECT 1 AS x UNION SELECT 2) SELECT x FROM a ORDER BY x").last?.rows
        #expect(rows == [[.integer(1)], [.integer(2)]])
    }

    @Test func arrayAggOrdersWithNulls() throws {
        let session = try makeGraph()
        _ = try session.execute("CREATE TABLE t (g INTEGER, x VARCHAR, k INTEGER)")
        _ = try session.execute("INSERT INTO t VALUES (1, 'a', 3), (1, 'b', 1), (1, NULL, 2), (2, 'c d', 1)")
        let rows = try session.execute(
            "SELECT g, array_agg(x ORDER BY k), string_agg(x, ',' ORDER BY k DESC), array_agg(k) FROM t GROUP BY g ORDER BY g"
        ).last?.rows
        #expect(rows?.first == [.integer(1), .string("{b,NULL,a}"), .string("a,b"), .string("{3,1,2}")])
        #expect(rows?.last == [.integer(2), .string("{\"c d\"}"), .string("c d"), .string("{1}")])
    }

    @Test func arrayAggOfNoRowsIsNull() throws {
        let session = try makeGraph()
        #expect(try session.scalar("SELECT array_agg(src) FROM edges WHERE src > 100") == .null)
    }

    @Test func orderByInOtherCallsFails() throws {
        let session = try makeGraph()
        let scalar = #expect(throws: TeleError.self) { _ = try session.execute("SELECT upper('a' ORDER BY 1)") }
        #expect(scalar?.state.code == "42809")
        let aggregate = #expect(throws: TeleError.self) { _ = try session.execute("SELECT sum(src ORDER BY dst) FROM edges") }
        #expect(aggregate?.state.code == "0A000")
    }
}
