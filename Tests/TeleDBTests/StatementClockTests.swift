// now(), current_timestamp and current_date read one clock value per statement, and the
// BEGIN time inside an explicit transaction, as in PostgreSQL.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Statement clock")
struct StatementClockTests {
    @Test("now repeated in one statement")
    func nowRepeated() throws {
        let session = Database.inMemory().connect()
        #expect(try session.scalar("SELECT now() = now()") == .boolean(true))
        #expect(try session.scalar("SELECT now() = current_timestamp") == .boolean(true))
        #expect(try session.scalar("SELECT current_date = now()::date") == .boolean(true))
    }

    @Test("CTE referenced twice reads one value")
    func cteReferencedTwice() throws {
        let session = Database.inMemory().connect()
        let sql = "WITH c AS (SELECT now() AS t) SELECT count(*) FROM c AS x, c AS y WHERE x.t = y.t"
        #expect(try session.count(sql) == 1)
    }

    @Test("now over many rows is constant")
    func nowOverManyRows() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER)")
        let values = (0..<5000).map { "(\($0))" }.joined(separator: ", ")
        _ = try session.execute("INSERT INTO t VALUES \(values)")
        #expect(try session.count("SELECT count(DISTINCT now()) FROM t") == 1)
        #expect(try session.count("SELECT count(DISTINCT n) FROM (SELECT a, now() AS n FROM t) AS s") == 1)
    }

    @Test("transaction keeps its start time")
    func transactionStartTime() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("BEGIN")
        let first = try session.scalar("SELECT now()")
        Thread.sleep(forTimeInterval: 0.005)
        let second = try session.scalar("SELECT now()")
        #expect(first == second)
        _ = try session.execute("COMMIT")

        Thread.sleep(forTimeInterval: 0.005)
        let afterCommit = try session.scalar("SELECT now()")
        guard case .timestamp(let before) = first, case .timestamp(let after) = afterCommit else {
            Issue.record("now() did not return timestamps: \(first), \(afterCommit)")
            return
        }
        #expect(after > before)
    }

    @Test("statements outside a transaction advance")
    func statementsAdvance() throws {
        let session = Database.inMemory().connect()
        let first = try session.scalar("SELECT now()")
        Thread.sleep(forTimeInterval: 0.005)
        let second = try session.scalar("SELECT now()")
        #expect(first != second)
    }
}
