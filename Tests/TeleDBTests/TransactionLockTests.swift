// Explicit transactions and the database's one writer: a block that only reads never takes
// the writer slot, and a write that waits for it can be cancelled.

import Dispatch
import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Transaction locks")
struct TransactionLockTests {
    @Test("read-only transaction blocks do not wait for a writer")
    func readersDoNotWait() throws {
        let database = Database.inMemory()
        let writer = database.connect()
        let reader = database.connect()
        _ = try writer.execute("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)")
        _ = try writer.execute("BEGIN; INSERT INTO t VALUES (2)")
        // The reader's block starts and reads the last committed state while the writer's
        // block is open.
        _ = try reader.execute("BEGIN")
        #expect(try reader.count("SELECT count(*) FROM t") == 1)
        _ = try reader.execute("COMMIT")
        #expect(try writer.count("SELECT count(*) FROM t") == 2)
        _ = try writer.execute("COMMIT")
        #expect(try reader.count("SELECT count(*) FROM t") == 2)
    }

    @Test("a write waiting for the writer slot can be cancelled")
    func waitingWriteCancels() throws {
        let database = Database.inMemory()
        let first = database.connect()
        let second = database.connect()
        _ = try first.execute("CREATE TABLE t (a INTEGER)")
        _ = try first.execute("BEGIN; INSERT INTO t VALUES (1)")
        let monitor = second.monitor
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { monitor.cancel() }
        do {
            _ = try second.execute("INSERT INTO t VALUES (2)")
            Issue.record("the insert should have waited and been cancelled")
        } catch let error as TeleError {
            #expect(error.state == .queryCanceled)
        }
        _ = try first.execute("COMMIT")
        _ = try second.execute("INSERT INTO t VALUES (3)")
        #expect(try second.count("SELECT count(*) FROM t") == 2)
    }

    @Test("a block that only read commits and rolls back cleanly")
    func readOnlyBlockEnds() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER)")
        let commit = try session.execute("BEGIN; SELECT * FROM t; COMMIT")
        #expect(commit.last?.commandTag == "COMMIT")
        #expect(!session.inTransaction)
        let rollback = try session.execute("BEGIN; SELECT * FROM t; ROLLBACK")
        #expect(rollback.last?.commandTag == "ROLLBACK")
        #expect(rollback.last?.notices.isEmpty == true)
    }
}
