// DECLARE, FETCH and CLOSE of cursors, and RESET, as psycopg's server-side cursors and
// asyncpg's pool reset use them.

import Testing

@testable import TeleServer

@Suite struct CursorTests {
    private func filled(_ server: TestServer) throws -> WireClient {
        let client = try server.client()
        _ = try client.rows("CREATE TABLE r (a INTEGER)")
        _ = try client.rows("INSERT INTO r VALUES " + (1...7).map { "(\($0))" }.joined(separator: ", "))
        return client
    }

    @Test func fetchInPieces() throws {
        try withServer { server in
            let client = try filled(server)
            _ = try client.rows("BEGIN")
            #expect(try client.query("DECLARE c NO SCROLL CURSOR FOR SELECT a FROM r ORDER BY a").first("C")?.strings == ["DECLARE CURSOR"])
            let first = try client.query("FETCH FORWARD 3 FROM c")
            #expect(first.types == "TDDDCZ")
            #expect(first.first("T")?.columns.map(\.typeOID) == [23])
            #expect(first.filter { $0.type == "D" }.map(\.textCells) == [["1"], ["2"], ["3"]])
            #expect(first.first("C")?.strings == ["FETCH 3"])
            #expect(try client.rows("FETCH NEXT FROM c") == [["4"]])
            #expect(try client.rows("FETCH ALL FROM c") == [["5"], ["6"], ["7"]])
            #expect(try client.query("FETCH 5 FROM c").first("C")?.strings == ["FETCH 0"])
            #expect(try client.query("CLOSE c").first("C")?.strings == ["CLOSE CURSOR"])
            #expect(try client.query("FETCH 1 FROM c").first("E")?.fields["C"] == "34000")
        }
    }

    @Test func cursorNeedsTransactionUnlessHeld() throws {
        try withServer { server in
            let client = try filled(server)
            #expect(try client.query("DECLARE c CURSOR FOR SELECT a FROM r").first("E")?.fields["C"] == "25P01")
            _ = try client.rows("DECLARE kept CURSOR WITH HOLD FOR SELECT a FROM r ORDER BY a")
            _ = try client.rows("BEGIN")
            _ = try client.rows("DECLARE gone CURSOR FOR SELECT a FROM r")
            _ = try client.rows("COMMIT")
            #expect(try client.query("FETCH 1 FROM gone").first("E")?.fields["C"] == "34000")
            #expect(try client.rows("FETCH 2 FROM kept") == [["1"], ["2"]])
            #expect(try client.query("CLOSE ALL").first("C")?.strings == ["CLOSE CURSOR ALL"])
            #expect(try client.query("FETCH 1 FROM kept").first("E")?.fields["C"] == "34000")
        }
    }

    @Test func fetchThroughExtendedProtocol() throws {
        try withServer { server in
            let client = try filled(server)
            _ = try client.rows("BEGIN")
            try client.parse("", "DECLARE \"named\" CURSOR FOR SELECT a FROM r WHERE a > $1 ORDER BY a", types: [23])
            try client.bind(formats: [1], values: [Encode.int32(4)])
            try client.execute()
            try client.parse("", "FETCH FORWARD 2 FROM \"named\"")
            try client.bind()
            try client.describe("P")
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "12C12TDDCZ")
            #expect(messages.filter { $0.type == "D" }.map(\.textCells) == [["5"], ["6"]])
        }
    }

    @Test func cursorReadAsPortal() throws {
        try withServer { server in
            let client = try filled(server)
            _ = try client.rows("BEGIN")
            _ = try client.rows("DECLARE p CURSOR FOR SELECT a FROM r ORDER BY a")
            try client.describe("P", "p")
            try client.execute("p", maxRows: 4)
            try client.execute("p", maxRows: 4)
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "TDDDDsDDDCZ")
            #expect(messages.first("C")?.strings == ["FETCH 3"])
        }
    }

    @Test func resetRestoresStartupValues() throws {
        try withServer { server in
            let client = try server.client(extra: ["application_name": "start"])
            _ = try client.rows("SET application_name = 'changed'")
            _ = try client.rows("SET statement_timeout = 5")
            let reset = try client.query("RESET ALL")
            #expect(reset.first("C")?.strings == ["RESET"])
            #expect(reset.first("S")?.strings == ["application_name", "start"])
            #expect(try client.rows("SHOW statement_timeout") == [["0"]])
            _ = try client.rows("SET application_name = 'again'")
            _ = try client.rows("RESET application_name")
            #expect(try client.rows("SHOW application_name") == [["start"]])
            #expect(try client.query("RESET no_such_setting").first("E")?.fields["C"] == "42704")
        }
    }

    @Test func poolResetStatementsSucceed() throws {
        try withServer { server in
            let client = try server.client()
            let messages = try client.query("CLOSE ALL;\nUNLISTEN *;\nRESET ALL;")
            #expect(messages.first("E") == nil)
            #expect(messages.filter { $0.type == "C" }.map(\.strings) == [["CLOSE CURSOR ALL"], ["UNLISTEN"], ["RESET"]])
        }
    }
}
