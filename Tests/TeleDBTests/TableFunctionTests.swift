// Table functions in FROM: histogram_buckets over a scalar subquery and over a lateral
// column reference, checked against bucket counts computed in the test.

import Foundation
import TeleCore
import Testing
@testable import TeleDB

@Suite("Table functions")
struct TableFunctionTests {
    static func session() throws -> Session {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (g INTEGER, x BIGINT)")
        _ = try session.execute("INSERT INTO t VALUES (1, 1), (1, 5), (1, 12), (1, 40), (2, 3), (2, 0), (2, 20000), (2, 7)")
        return session
    }

    @Test("histogram_buckets over a scalar subquery")
    func scalarSubquery() throws {
        let session = try Self.session()
        let rows = try session.execute(
            "SELECT lower, upper, count, fraction, cumulative FROM histogram_buckets((SELECT HISTOGRAM(x, LINEAR(1, 10, 5)) FROM t))"
        ).last?.rows ?? []
        // LINEAR(1, 10, 5) has bounds 0, 1, 4, 7, 10; every bucket is listed, empty ones too.
        let bounds: [Int64] = [0, 1, 4, 7, 10]
        let samples: [Int64] = [1, 5, 12, 40, 3, 0, 20000, 7]
        #expect(rows.count == bounds.count)
        var running: Int64 = 0
        for (index, row) in rows.enumerated() {
            let upper = index + 1 < bounds.count ? bounds[index + 1] : Int64.max
            let count = Int64(samples.filter { $0 >= bounds[index] && $0 < upper }.count)
            running += count
            #expect(row[0] == .integer(bounds[index]))
            #expect(row[1] == (index + 1 < bounds.count ? .integer(upper) : .null))
            #expect(row[2] == .integer(count))
            #expect(row[3] == .double(Double(count) / 8))
            #expect(row[4] == .double(Double(running) / 8))
        }
    }

    @Test("histogram_buckets with a lateral reference")
    func lateralReference() throws {
        let session = try Self.session()
        _ = try session.execute("CREATE TABLE rollup AS SELECT g, HISTOGRAM(x, LINEAR(1, 10, 5)) AS h FROM t GROUP BY g")
        let rows = try session.execute(
            "SELECT r.g, b.lower, b.count FROM rollup r, histogram_buckets(r.h) b WHERE b.count > 0 ORDER BY r.g, b.lower"
        ).last?.rows ?? []
        let expected: [[Value]] = [
            [.integer(1), .integer(1), .integer(1)], [.integer(1), .integer(4), .integer(1)],
            [.integer(1), .integer(10), .integer(2)], [.integer(2), .integer(0), .integer(1)],
            [.integer(2), .integer(1), .integer(1)], [.integer(2), .integer(7), .integer(1)],
            [.integer(2), .integer(10), .integer(1)],
        ]
        #expect(rows == expected)
        #expect(try session.count("SELECT count(*) FROM rollup r, histogram_buckets(r.h)") == 10)
    }

    @Test("input filter moves below the function")
    func filterPushdown() throws {
        let session = try Self.session()
        _ = try session.execute("CREATE TABLE rollup AS SELECT g, HISTOGRAM(x, LINEAR(1, 10, 5)) AS h FROM t GROUP BY g")
        let query = "SELECT r.g, b.lower FROM rollup r, histogram_buckets(r.h) b WHERE r.g = 2 AND b.count > 0"
        let plan = (try session.execute("EXPLAIN " + query).last?.rows ?? []).map { "\($0[0])" }
        let functionLine = try #require(plan.firstIndex { $0.contains("TableFunction histogram_buckets") })
        let scanLine = try #require(plan.firstIndex { $0.contains("TableScan rollup") })
        #expect(plan[scanLine].contains("filter=(g = 2)"))
        #expect(scanLine > functionLine)
        #expect(plan.contains { $0.contains("Filter (count > 0)") })
        let rows = try session.execute(query + " ORDER BY b.lower").last?.rows ?? []
        #expect(rows == [[.integer(2), .integer(0)], [.integer(2), .integer(1)], [.integer(2), .integer(7)], [.integer(2), .integer(10)]])
    }

    @Test("table function errors")
    func errors() throws {
        let session = try Self.session()
        let wrongType = try #require(throws: TeleError.self) { try session.execute("SELECT * FROM histogram_buckets(1)") }
        #expect(wrongType.state.code == "42883")
        let unknown = try #require(throws: TeleError.self) { try session.execute("SELECT * FROM no_such_function(1)") }
        #expect(unknown.state.code == "42883")
        let arity = try #require(throws: TeleError.self) { try session.execute("SELECT * FROM histogram_buckets()") }
        #expect(arity.state.code == "42601")
    }
}
