// Session statements whose PostgreSQL forms are easiest to check from Swift: SHOW ALL and
// COPY with the old option syntax.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Session statements")
struct SessionStatementTests {
    @Test("SHOW ALL lists settings")
    func showAllListsSettings() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("SET threads = 4")
        let result = try session.execute("SHOW ALL")[0]
        #expect(result.columns.map(\.name) == ["name", "setting", "description"])

        let rows = result.rows
        let timezone = try #require(rows.first { $0.first == .string("timezone") })
        #expect(timezone[1] == .string("UTC"))
        #expect(timezone[2] != .string(""))

        let threads = try #require(rows.first { $0.first == .string("threads") })
        #expect(threads[1] == .string("4"))
    }

    @Test("invalid thread counts are rejected", arguments: ["0", "257", "'many'", "1.5"])
    func invalidThreadsRejected(value: String) throws {
        let session = Database.inMemory().connect()
        let error = try #require(throws: TeleError.self) { _ = try session.execute("SET threads = \(value)") }
        #expect(error.state == .invalidParameterValue)
        #expect(error.message.contains("threads"))
        #expect(error.hint?.contains("1 to 256") == true)
        let shown = try session.execute("SHOW threads")[0].rows
        #expect(shown == [[.string(String(ProcessInfo.processInfo.activeProcessorCount))]])
    }

    @Test("COPY with CSV HEADER")
    func copyWithCSVHeader() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path("rows.txt")
        try "a,b\n1,x\n2,y\n".write(toFile: file, atomically: true, encoding: .utf8)
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER, b TEXT)")

        let copied = try session.execute("COPY t FROM '\(file)' CSV HEADER")
        #expect(copied[0].commandTag == "COPY 2")
        #expect(try session.count("SELECT sum(a) FROM t") == 3)

        let semicolons = directory.path("semicolons.txt")
        try "a;b\n3;z\n".write(toFile: semicolons, atomically: true, encoding: .utf8)
        _ = try session.execute("COPY t FROM '\(semicolons)' WITH CSV HEADER DELIMITER ';'")
        #expect(try session.scalar("SELECT b FROM t WHERE a = 3") == .string("z"))
        #expect(try session.count("SELECT count(*) FROM t") == 3)
    }
}
