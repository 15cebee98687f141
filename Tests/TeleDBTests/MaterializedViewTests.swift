// Materialized views through SQL. Their contents equal a recomputation after inserts, deletes,
// explicit transactions, reopening and ping ingest. Matching queries read the view, and
// EXPLAIN shows it.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Materialized views", .serialized)
struct MaterializedViewTests {
    static let viewSQL = """
        CREATE MATERIALIZED VIEW rollup AS SELECT day, os, count(*) AS n, sum(v) AS total, min(v) AS low, \
        max(v) AS high FROM events GROUP BY day, os
        """
    /// The view's query behind a CTE, which no materialized view rewrite matches.
    static let recomputeSQL = """
        WITH e AS (SELECT * FROM events) SELECT day, os, count(*) AS n, sum(v) AS total, min(v) AS low, \
        max(v) AS high FROM e GROUP BY day, os ORDER BY day, os
        """

    static func insertBatch(_ session: Session, _ batch: Int) throws {
        let rows = (0..<40).map { index -> String in
            let value = (batch * 40 + index) * 7 % 23
            return "('d\(index % 3 + batch)', '\(["linux", "mac", "windows"][index % 3 == 0 ? 0 : (index + batch) % 3])', \(value))"
        }
        _ = try session.execute("INSERT INTO events VALUES " + rows.joined(separator: ", "))
    }

    static func contents(_ session: Session) throws -> [[Value]] {
        try session.execute("SELECT * FROM rollup ORDER BY day, os")[0].rows
    }

    static func recomputed(_ session: Session) throws -> [[Value]] {
        try session.execute(recomputeSQL)[0].rows
    }

    static func makeSession() throws -> Session {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE events (day VARCHAR, os VARCHAR, v BIGINT)")
        try insertBatch(session, 0)
        _ = try session.execute(viewSQL)
        return session
    }

    @Test("view equals recomputation after inserts")
    func incrementalInserts() throws {
        let session = try Self.makeSession()
        #expect(try Self.contents(session) == Self.recomputed(session))
        for batch in 1...4 {
            try Self.insertBatch(session, batch)
            #expect(try Self.contents(session) == Self.recomputed(session))
        }
        // Groups stay unique: merging folds partial rows into one row per group.
        let groups = try session.count("SELECT count(*) FROM (SELECT DISTINCT day, os FROM events) g")
        #expect(try session.count("SELECT count(*) FROM rollup") == groups)
    }

    @Test("COPY maintains the view")
    func copyCSV() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("events.csv")
        let lines = (0..<30).map { "d\($0 % 4),\(["linux", "mac"][$0 % 2]),\($0)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let session = try Self.makeSession()
        _ = try session.execute("COPY events FROM '\(file)' (FORMAT csv)")
        #expect(try session.count("SELECT count(*) FROM events") == 70)
        #expect(try Self.contents(session) == Self.recomputed(session))
    }

    @Test("view follows DELETE and UPDATE")
    func deleteAndUpdate() throws {
        let session = try Self.makeSession()
        try Self.insertBatch(session, 1)
        _ = try session.execute("DELETE FROM events WHERE v > 15")
        #expect(try Self.contents(session) == Self.recomputed(session))
        _ = try session.execute("UPDATE events SET v = v + 100 WHERE os = 'mac'")
        #expect(try Self.contents(session) == Self.recomputed(session))
    }

    @Test("view follows explicit transactions")
    func explicitTransaction() throws {
        let session = try Self.makeSession()
        _ = try session.execute("BEGIN")
        try Self.insertBatch(session, 1)
        _ = try session.execute("DELETE FROM events WHERE v = 3")
        try Self.insertBatch(session, 2)
        _ = try session.execute("COMMIT")
        #expect(try Self.contents(session) == Self.recomputed(session))

        _ = try session.execute("BEGIN")
        try Self.insertBatch(session, 3)
        _ = try session.execute("ROLLBACK")
        #expect(try Self.contents(session) == Self.recomputed(session))
    }

    @Test("matching query reads the view")
    func plannerRewrite() throws {
        let session = try Self.makeSession()
        try Self.insertBatch(session, 1)
        let query = "SELECT os, count(*), sum(v) AS total, max(v) FROM events WHERE day = 'd1' GROUP BY os ORDER BY os"
        let plan = try session.execute("EXPLAIN " + query)[0].rows.map { $0[0].description }
        #expect(plan.first == "MaterializedView rollup")
        #expect(plan.contains { $0.contains("TableScan rollup") })

        let answered = try session.execute(query)[0]
        let direct = try session.execute(
            "WITH e AS (SELECT * FROM events) SELECT os, count(*), sum(v) AS total, max(v) FROM e WHERE day = 'd1' GROUP BY os ORDER BY os")[0]
        #expect(answered.rows == direct.rows)
        #expect(answered.columns.map(\.name) == ["os", "count", "total", "max"])
    }

    @Test("non-matching query reads the table", arguments: [
        "SELECT os, avg(v) FROM events GROUP BY os",
        "SELECT os, count(*) FROM events WHERE v > 3 GROUP BY os",
        "SELECT v, count(*) FROM events GROUP BY v",
        "SELECT count(DISTINCT os) FROM events",
        "SELECT os, stddev(v) FROM events GROUP BY os",
        "SELECT day, string_agg(os, ',') FROM events GROUP BY day",
    ])
    func noRewrite(query: String) throws {
        let session = try Self.makeSession()
        let plan = try session.execute("EXPLAIN " + query)[0].rows.map { $0[0].description }
        #expect(plan.first != "MaterializedView rollup")
        #expect(plan.contains { $0.contains("TableScan events") })
    }

    @Test("filtered view reads matching filters")
    func filteredView() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE events (day VARCHAR, os VARCHAR, v BIGINT)")
        try Self.insertBatch(session, 0)
        _ = try session.execute(
            "CREATE MATERIALIZED VIEW linux_days AS SELECT day, count(*) AS n, sum(v) AS total FROM events WHERE os = 'linux' GROUP BY day")
        try Self.insertBatch(session, 1)

        let matching = "SELECT day, count(*), sum(v) FROM events WHERE os = 'linux' AND day <> 'd0' GROUP BY day ORDER BY day"
        let plan = try session.execute("EXPLAIN " + matching)[0].rows.map { $0[0].description }
        #expect(plan.first == "MaterializedView linux_days")
        let direct = try session.execute(
            "WITH e AS (SELECT * FROM events) SELECT day, count(*), sum(v) FROM e WHERE os = 'linux' AND day <> 'd0' GROUP BY day ORDER BY day")
        #expect(try session.execute(matching)[0].rows == direct[0].rows)
        #expect(!direct[0].rows.isEmpty)

        for other in [
            "SELECT day, count(*) FROM events WHERE os = 'mac' GROUP BY day",
            "SELECT day, count(*) FROM events GROUP BY day",
            "SELECT day, count(*) FROM events WHERE os = 'linux' AND v > 3 GROUP BY day",
        ] {
            let otherPlan = try session.execute("EXPLAIN " + other)[0].rows.map { $0[0].description }
            #expect(otherPlan.first != "MaterializedView linux_days", "\(other)")
        }
    }

    @Test("expression dimensions are maintained and matched")
    func expressionDimensions() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE events (day VARCHAR, os VARCHAR, v BIGINT)")
        try Self.insertBatch(session, 0)
        _ = try session.execute(
            """
            CREATE MATERIALIZED VIEW by_platform AS SELECT upper(os) AS platform, substr(day, 2)::INTEGER AS day_number, \
            count(*) AS n, sum(v) AS total FROM events GROUP BY upper(os), 2
            """)
        try Self.insertBatch(session, 1)
        try Self.insertBatch(session, 2)
        let stored = try session.execute("SELECT * FROM by_platform ORDER BY platform, day_number")[0].rows
        let recomputed = try session.execute(
            """
            WITH e AS (SELECT * FROM events) SELECT upper(os), substr(day, 2)::INTEGER, count(*), sum(v) FROM e \
            GROUP BY 1, 2 ORDER BY 1, 2
            """)[0].rows
        #expect(stored == recomputed)

        let matching = """
            SELECT upper(os) AS platform, count(*), sum(v) FROM events WHERE substr(day, 2)::INTEGER >= 1 \
            GROUP BY upper(os) ORDER BY platform
            """
        let plan = try session.execute("EXPLAIN " + matching)[0].rows.map { $0[0].description }
        #expect(plan.first == "MaterializedView by_platform")
        let direct = try session.execute(
            """
            WITH e AS (SELECT * FROM events) SELECT upper(os) AS platform, count(*), sum(v) FROM e \
            WHERE substr(day, 2)::INTEGER >= 1 GROUP BY upper(os) ORDER BY platform
            """)[0].rows
        #expect(try session.execute(matching)[0].rows == direct)
        #expect(direct.count == 3)

        for other in [
            "SELECT os, count(*) FROM events GROUP BY os",
            "SELECT lower(os), count(*) FROM events GROUP BY lower(os)",
            "SELECT upper(os), count(*) FROM events WHERE day = 'd1' GROUP BY upper(os)",
        ] {
            let otherPlan = try session.execute("EXPLAIN " + other)[0].rows.map { $0[0].description }
            #expect(otherPlan.first != "MaterializedView by_platform", "\(other)")
        }
    }

    @Test("unsupported view shapes raise 0A000", arguments: [
        "CREATE MATERIALIZED VIEW bad AS SELECT os, avg(v) FROM events GROUP BY os",
        "CREATE MATERIALIZED VIEW bad AS SELECT os, count(DISTINCT day) FROM events GROUP BY os",
        "CREATE MATERIALIZED VIEW bad AS SELECT * FROM events",
        "CREATE MATERIALIZED VIEW bad AS SELECT os, sum(v + 1) FROM events GROUP BY os",
        "CREATE MATERIALIZED VIEW bad AS SELECT CASE WHEN v > 1 THEN 1 END AS c, count(*) FROM events GROUP BY 1",
        "CREATE MATERIALIZED VIEW bad AS SELECT upper(os), count(*) FROM events GROUP BY upper(os), v",
    ])
    func unsupportedShapes(sql: String) throws {
        let session = try Self.makeSession()
        #expect(throws: TeleError.self) { try session.execute(sql) }
        do {
            _ = try session.execute(sql)
        } catch let error as TeleError {
            #expect(error.state == .featureNotSupported)
        }
    }

    @Test("DROP MATERIALIZED VIEW removes it")
    func dropView() throws {
        let session = try Self.makeSession()
        _ = try session.execute("DROP MATERIALIZED VIEW rollup")
        #expect(!session.tableNames.contains("rollup"))
        try Self.insertBatch(session, 1)
        #expect(try session.count("SELECT count(*) FROM events") == 80)
        #expect(throws: TeleError.self) { try session.execute("DROP MATERIALIZED VIEW rollup") }
        _ = try session.execute("DROP MATERIALIZED VIEW IF EXISTS rollup")
    }

    @Test("view persists and stays maintained after reopening")
    func persistence() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let session = try Database.open(path: directory.path("db")).connect()
            _ = try session.execute("CREATE TABLE events (day VARCHAR, os VARCHAR, v BIGINT)")
            try Self.insertBatch(session, 0)
            _ = try session.execute(Self.viewSQL)
        }
        let session = try Database.open(path: directory.path("db")).connect()
        try Self.insertBatch(session, 1)
        #expect(try Self.contents(session) == Self.recomputed(session))
        _ = try session.execute("REFRESH MATERIALIZED VIEW rollup")
        #expect(try Self.contents(session) == Self.recomputed(session))
    }

    @Test("ping ingest maintains the view")
    func pingIngest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Database.open(path: directory.path("db"))
        let first = directory.path("first.ndjson")
        let second = directory.path("second.ndjson")
        try Database.generatePings(count: 300, seed: 5, to: first)
        try Database.generatePings(count: 200, seed: 6, to: second)
        _ = try database.ingestPings(files: [first], options: PingIngestOptions())

        let session = database.connect()
        _ = try session.execute("""
            CREATE MATERIALIZED VIEW by_build AS SELECT build_id, channel, os, count(*) AS pings, \
            sum(session_length) AS seconds FROM pings GROUP BY build_id, channel, os
            """)
        _ = try database.ingestPings(files: [second], options: PingIngestOptions())

        let stored = try session.execute("SELECT * FROM by_build ORDER BY build_id, channel, os")[0].rows
        let expected = try session.execute("""
            WITH p AS (SELECT * FROM pings) SELECT build_id, channel, os, count(*) AS pings, \
            sum(session_length) AS seconds FROM p GROUP BY build_id, channel, os ORDER BY build_id, channel, os
            """)[0].rows
        #expect(!stored.isEmpty)
        #expect(stored == expected)
        #expect(try session.count("SELECT sum(pings) FROM by_build") == 500)
    }
}
