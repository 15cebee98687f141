// Column DEFAULT expressions stored with the table: they survive reopening, and a database
// without defaults keeps the manifest format that older versions read.

import Foundation
import Testing
import TeleCore
@testable import TeleDB

@Suite("Column defaults")
struct ColumnDefaultTests {
    /// The format version field of the MANIFEST in `path`, after the 8-byte magic.
    private static func manifestFormat(_ path: String) throws -> UInt32 {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent("MANIFEST")))
        try #require(bytes.count >= 12)
        return bytes[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    @Test("defaults survive reopen")
    func defaultsSurviveReopen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        do {
            let session = try Database.open(path: path).connect()
            _ = try session.execute("CREATE TABLE t (a INTEGER, b INTEGER DEFAULT 7, c TIMESTAMP DEFAULT now())")
        }
        let session = try Database.open(path: path).connect()
        _ = try session.execute("INSERT INTO t (a) VALUES (1)")
        #expect(try session.scalar("SELECT b FROM t WHERE a = 1") == .integer(7))
        #expect(try session.scalar("SELECT c IS NOT NULL FROM t WHERE a = 1") == .boolean(true))
    }

    @Test("now default read at insert")
    func nowDefaultReadAtInsert() throws {
        let session = Database.inMemory().connect()
        _ = try session.execute("CREATE TABLE t (a INTEGER, c TIMESTAMP DEFAULT now())")
        Thread.sleep(forTimeInterval: 0.005)
        _ = try session.execute("INSERT INTO t (a) VALUES (1)")
        Thread.sleep(forTimeInterval: 0.005)
        _ = try session.execute("INSERT INTO t (a) VALUES (2)")
        #expect(try session.count("SELECT count(DISTINCT c) FROM t") == 2)
        #expect(try session.scalar("SELECT max(c) < now() FROM t") == .boolean(true))
    }

    @Test("manifest format follows defaults")
    func manifestFormatFollowsDefaults() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("db")
        do {
            let session = try Database.open(path: path).connect()
            _ = try session.execute("CREATE TABLE plain (a INTEGER); INSERT INTO plain VALUES (1)")
        }
        #expect(try Self.manifestFormat(path) == 1)

        do {
            let session = try Database.open(path: path).connect()
            _ = try session.execute("CREATE TABLE withdefault (a INTEGER, b TEXT DEFAULT 'x')")
        }
        #expect(try Self.manifestFormat(path) == 2)

        do {
            let session = try Database.open(path: path).connect()
            #expect(try session.count("SELECT count(*) FROM plain") == 1)
            _ = try session.execute("DROP TABLE withdefault")
        }
        #expect(try Self.manifestFormat(path) == 1)
    }
}
