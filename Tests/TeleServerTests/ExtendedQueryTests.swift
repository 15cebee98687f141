// The extended query protocol: Parse, Bind, Describe, Execute with a row limit, Close and
// Sync, binary formats both ways, and the skip to Sync after an error.

import Testing

@testable import TeleServer

@Suite struct ExtendedQueryTests {
    /// Connects a client and fills table `n` with a = 1...count and labels `n1`, `n2`, ...
    private func numbers(_ server: TestServer, count: Int) throws -> WireClient {
        let client = try server.client()
        _ = try client.rows("CREATE TABLE n (a INTEGER, label VARCHAR)")
        let values = (1...count).map { "(\($0), 'n\($0)')" }.joined(separator: ", ")
        _ = try client.rows("INSERT INTO n VALUES \(values)")
        return client
    }

    @Test func rowLimitSuspendsPortal() throws {
        try withServer { server in
            let client = try numbers(server, count: 5)
            try client.parse("", "SELECT a FROM n ORDER BY a")
            try client.bind()
            try client.describe("P")
            try client.execute(maxRows: 2)
            try client.execute(maxRows: 2)
            try client.execute(maxRows: 2)
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "12TDDsDDsDCZ")
            #expect(messages.filter { $0.type == "D" }.map(\.textCells) == [["1"], ["2"], ["3"], ["4"], ["5"]])
            #expect(messages.first("C")?.strings == ["SELECT 1"])
        }
    }

    @Test func parametersTextAndBinary() throws {
        try withServer { server in
            let client = try numbers(server, count: 10)
            try client.parse("pick", "SELECT a, label FROM n WHERE a > $1 AND a < $2 ORDER BY a", types: [0, 20])
            try client.bind(statement: "pick", formats: [0, 1], values: [Encode.text("3"), Encode.int64(6)])
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "12DDCZ")
            #expect(messages.filter { $0.type == "D" }.map(\.textCells) == [["4", "n4"], ["5", "n5"]])
            #expect(messages.first("C")?.strings == ["SELECT 2"])
        }
    }

    @Test func nullParameter() throws {
        try withServer { server in
            let client = try numbers(server, count: 3)
            try client.parse("", "SELECT count(*) FROM n WHERE a = $1")
            try client.bind(values: [nil])
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.first("D")?.textCells == ["0"])
        }
    }

    @Test func describeStatementReportsTypes() throws {
        try withServer { server in
            let client = try numbers(server, count: 1)
            try client.parse("d", "SELECT a, label, $1::date AS day FROM n WHERE a = $2", types: [0, 23])
            try client.describe("S", "d")
            try client.parse("i", "INSERT INTO n VALUES ($1, $2)")
            try client.describe("S", "i")
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "1tT1tnZ")
            var parameters = ByteReader(messages[1].body)
            #expect(parameters.int16() == 2)
            #expect(parameters.int32() == 1082)
            #expect(parameters.int32() == 23)
            #expect(messages[2].columns.map(\.name) == ["a", "label", "day"])
            #expect(messages[2].columns.map(\.typeOID) == [23, 25, 1082])
            var insertParameters = ByteReader(messages[4].body)
            #expect(insertParameters.int16() == 2)
            #expect(insertParameters.int32() == 23)
            #expect(insertParameters.int32() == 25)
        }
    }

    @Test func binaryResults() throws {
        try withServer { server in
            let client = try server.client()
            let sql = """
                SELECT true AS b, CAST(7 AS SMALLINT) AS s, 42 AS i, CAST(9000000000 AS BIGINT) AS l,
                CAST(1.5 AS REAL) AS r, 0.25 AS d, 'text' AS t, DATE '2000-01-03' AS day,
                TIMESTAMP '2000-01-01 00:00:01.5' AS ts
                """
            try client.parse("", sql)
            try client.bind(resultFormats: [1])
            try client.describe("P")
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "12TDCZ")
            let description = try #require(messages.first("T"))
            #expect(description.columns.allSatisfy { $0.format == 1 })
            let cells = try #require(messages.first("D")).cells
            #expect(cells[0] == [1])
            #expect(cells[1] == [0, 7])
            #expect(cells[2] == Encode.int32(42))
            #expect(cells[3] == Encode.int64(9_000_000_000))
            #expect(cells[4] == [0x3F, 0xC0, 0, 0])
            #expect(cells[5] == Encode.float64(0.25))
            #expect(cells[6] == Encode.text("text"))
            #expect(cells[7] == Encode.int32(2))
            #expect(cells[8] == Encode.int64(1_500_000))
        }
    }

    @Test func mixedResultFormats() throws {
        try withServer { server in
            let client = try server.client()
            try client.parse("", "SELECT 5 AS a, 6 AS b")
            try client.bind(resultFormats: [0, 1])
            try client.execute()
            try client.sync()
            let row = try #require(try client.readUntilReady().first("D"))
            #expect(row.cells == [Encode.text("5"), Encode.int32(6)])
        }
    }

    @Test func errorSkipsToSync() throws {
        try withServer { server in
            let client = try server.client()
            try client.parse("", "SELECT nothing_here")
            try client.bind()
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            // Names are resolved when the portal runs, so Parse and Bind succeed; the Execute
            // fails and the Sync after it ends the skip.
            #expect(messages.types == "12EZ")
            let error = try #require(messages.first("E"))
            #expect(error.fields["C"] == "42703")
            #expect(error.fields["P"] == "8")
            try client.parse("", "SELECT 1")
            try client.bind()
            try client.execute()
            try client.sync()
            #expect(try client.readUntilReady().types == "12DCZ")
        }
    }

    @Test func wrongParameterCountFails() throws {
        try withServer { server in
            let client = try server.client()
            try client.parse("two", "SELECT $1, $2")
            try client.bind(statement: "two", values: [Encode.text("1")])
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "1EZ")
            #expect(messages.first("E")?.fields["C"] == "08P01")
            // The error does not end the connection.
            #expect(try client.rows("SELECT 9") == [["9"]])
        }
    }

    @Test func badTextParameterFails() throws {
        try withServer { server in
            let client = try server.client()
            try client.parse("", "SELECT $1 + 1", types: [23])
            try client.bind(values: [Encode.text("eleven")])
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "1EZ")
            #expect(messages.first("E")?.fields["C"] == "22P02")
        }
    }

    @Test func namedStatementReusedAndClosed() throws {
        try withServer { server in
            let client = try numbers(server, count: 4)
            try client.parse("get", "SELECT label FROM n WHERE a = $1", types: [23])
            for value: Int32 in [2, 4] {
                try client.bind(statement: "get", formats: [1], values: [Encode.int32(value)])
                try client.execute()
            }
            try client.close("S", "get")
            try client.bind(statement: "get", values: [Encode.text("1")])
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "12DC2DC3EZ")
            #expect(messages.filter { $0.type == "D" }.map(\.textCells) == [["n2"], ["n4"]])
            #expect(messages.first("E")?.fields["C"] == "26000")
        }
    }

    @Test func deallocateDropsNamedStatements() throws {
        try withServer { server in
            let client = try numbers(server, count: 2)
            try client.parse("get", "SELECT label FROM n WHERE a = $1", types: [23])
            try client.sync()
            _ = try client.readUntilReady()
            #expect(try client.query("DEALLOCATE get").first("C")?.strings == ["DEALLOCATE"])
            #expect(try client.query("DEALLOCATE get").first("E")?.fields["C"] == "26000")
            try client.parse("again", "SELECT 1")
            try client.sync()
            _ = try client.readUntilReady()
            #expect(try client.query("DEALLOCATE PREPARE ALL").first("C")?.strings == ["DEALLOCATE ALL"])
            try client.bind(statement: "again")
            try client.sync()
            #expect(try client.readUntilReady().first("E")?.fields["C"] == "26000")
        }
    }

    @Test func describedStatementRefusesChangedTypes() throws {
        try withServer { server in
            let client = try server.client()
            let other = try server.client()
            _ = try client.rows("CREATE TABLE c (a INTEGER)")
            _ = try client.rows("INSERT INTO c VALUES (1)")
            try client.parse("get", "SELECT a FROM c")
            try client.describe("S", "get")
            try client.sync()
            #expect(try client.readUntilReady().first("T")?.columns.map(\.typeOID) == [23])
            _ = try other.rows("DROP TABLE c")
            _ = try other.rows("CREATE TABLE c (a VARCHAR)")
            _ = try other.rows("INSERT INTO c VALUES ('abcd')")
            try client.bind(statement: "get")
            try client.execute()
            try client.sync()
            // Decoding 'abcd' as the described integer would give a wrong value silently.
            let messages = try client.readUntilReady()
            #expect(messages.first("D") == nil)
            #expect(messages.first("E")?.fields["C"] == "0A000")
        }
    }

    @Test func emptyStatementAndMultipleCommands() throws {
        try withServer { server in
            let client = try server.client()
            try client.parse("", "")
            try client.bind()
            try client.describe("P")
            try client.execute()
            try client.sync()
            #expect(try client.readUntilReady().types == "12nIZ")
            try client.parse("", "SELECT 1; SELECT 2")
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "EZ")
            #expect(messages.first("E")?.fields["C"] == "42601")
        }
    }

    @Test func insertThroughExtendedProtocol() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE e (a BIGINT, t TIMESTAMP, d DOUBLE)")
            try client.parse("ins", "INSERT INTO e VALUES ($1, $2, $3)", types: [20, 1114, 701])
            try client.bind(
                statement: "ins", formats: [1], values: [Encode.int64(7), Encode.int64(86_400_000_000), Encode.float64(2.5)])
            try client.describe("P")
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.first("E")?.fields == nil)
            #expect(messages.types == "12nCZ")
            #expect(messages.first("C")?.strings == ["INSERT 0 1"])
            #expect(try client.rows("SELECT a, t, d FROM e") == [["7", "2000-01-02 00:00:00", "2.5"]])
        }
    }

    @Test func stringParameterStaysOneValue() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE quoted (t VARCHAR)")
            let tricky = "it's $1; DROP TABLE quoted; -- \\ end"
            try client.parse("", "INSERT INTO quoted VALUES ($1)")
            try client.bind(values: [Encode.text(tricky)])
            try client.execute()
            try client.sync()
            #expect(try client.readUntilReady().types == "12CZ")
            #expect(try client.rows("SELECT t FROM quoted") == [[tricky]])
        }
    }

    @Test func updateWithParameters() throws {
        try withServer { server in
            let client = try numbers(server, count: 3)
            try client.parse("", "UPDATE n SET label = $1 WHERE a >= $2", types: [0, 23])
            try client.bind(formats: [0, 1], values: [Encode.text("big"), Encode.int32(2)])
            try client.execute()
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.first("C")?.strings == ["UPDATE 2"])
            #expect(try client.rows("SELECT label FROM n ORDER BY a") == [["n1"], ["big"], ["big"]])
        }
    }

    @Test func binaryParameterOfUnknownTypeIsText() throws {
        try withServer { server in
            let client = try server.client()
            // Described as text, so its binary form is UTF-8: "héllo" arrives whole, while
            // four bytes of an integer (with NUL bytes) are not text.
            try client.parse("", "SELECT $1")
            try client.bind(formats: [1], values: [Array("héllo".utf8)])
            try client.execute()
            try client.sync()
            #expect(try client.readUntilReady().filter { $0.type == "D" }.map(\.textCells) == [["héllo"]])
            try client.parse("", "SELECT $1")
            try client.bind(formats: [1], values: [Encode.int32(2)])
            try client.sync()
            let messages = try client.readUntilReady()
            #expect(messages.types == "1EZ")
            #expect(messages.first("E")?.fields["C"] == "22021")
        }
    }

    @Test func parameterTypesFromColumns() throws {
        try withServer { server in
            let client = try numbers(server, count: 3)
            let cases: [(sql: String, types: [Int32])] = [
                ("SELECT label FROM n WHERE a = $1 AND label LIKE $2 LIMIT $3", [23, 25, 20]),
                ("SELECT x.label FROM n AS x WHERE $1 < x.a OR x.a IN ($2, 5)", [23, 23]),
                ("SELECT a FROM n WHERE a BETWEEN $1 AND $2 AND a = (SELECT max(a) FROM n WHERE label = $3)", [23, 23, 25]),
                ("INSERT INTO n (label, a) VALUES ($1, $2)", [25, 23]),
                ("UPDATE n SET label = $1 WHERE a = $2", [25, 23]),
                ("DELETE FROM n WHERE a > $1", [23]),
                ("SELECT $1, upper($2)", [25, 25]),
            ]
            for (sql, expected) in cases {
                try client.parse("", sql)
                try client.describe("S")
                try client.sync()
                let messages = try client.readUntilReady()
                let description = try #require(messages.first("t"), "\(sql): \(messages.first("E")?.fields ?? [:])")
                var reader = ByteReader(description.body)
                let count = Int(reader.int16())
                #expect((0..<count).map { _ in reader.int32() } == expected, "\(sql)")
            }
        }
    }

    @Test func inferredIntegerParameterBindsBinary() throws {
        try withServer { server in
            let client = try numbers(server, count: 5)
            try client.parse("", "SELECT label FROM n WHERE a = $1")
            try client.bind(formats: [1], values: [Encode.int32(4)])
            try client.execute()
            try client.sync()
            #expect(try client.readUntilReady().filter { $0.type == "D" }.map(\.textCells) == [["n4"]])
        }
    }
}
