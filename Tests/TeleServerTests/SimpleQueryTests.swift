// The simple Query message: results in text format with PostgreSQL's type OIDs, command
// tags, several statements per message, errors with positions, and transaction status.

import Testing

@testable import TeleServer

@Suite struct SimpleQueryTests {
    @Test func commandTagsMatchPostgreSQL() throws {
        try withServer { server in
            let client = try server.client()
            let cases: [(sql: String, tag: String)] = [
                ("CREATE TABLE t (a INTEGER, b VARCHAR)", "CREATE TABLE"),
                ("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT 0 3"),
                ("UPDATE t SET b = 'w' WHERE a = 1", "UPDATE 1"),
                ("DELETE FROM t WHERE a >= 2", "DELETE 2"),
                ("SELECT * FROM t", "SELECT 1"),
                ("BEGIN", "BEGIN"),
                ("COMMIT", "COMMIT"),
                ("START TRANSACTION", "BEGIN"),
                ("ROLLBACK", "ROLLBACK"),
                ("SET search_path = main", "SET"),
                ("LISTEN events", "LISTEN"),
                ("NOTIFY events", "NOTIFY"),
                ("UNLISTEN *", "UNLISTEN"),
            ]
            for (sql, tag) in cases {
                let messages = try client.query(sql)
                #expect(messages.first("E") == nil, "\(sql): \(messages.first("E")?.fields ?? [:])")
                #expect(messages.first("C")?.strings == [tag], "\(sql)")
            }
        }
    }

    @Test func textFormatAndTypeOIDs() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows(
                "CREATE TABLE v (b BOOLEAN, s SMALLINT, i INTEGER, l BIGINT, r REAL, d DOUBLE, t VARCHAR, "
                    + "day DATE, ts TIMESTAMP)")
            _ = try client.rows(
                "INSERT INTO v VALUES (true, 7, -42, 9000000000, 1.5, 0.1, 'héllo', DATE '2026-01-02', "
                    + "TIMESTAMP '2026-01-02 03:04:05.25'), (false, NULL, NULL, NULL, NULL, 1e20, NULL, NULL, NULL)")
            let messages = try client.query("SELECT * FROM v ORDER BY b DESC")
            let description = try #require(messages.first("T"))
            #expect(description.columns.map(\.typeOID) == [16, 21, 23, 20, 700, 701, 25, 1082, 1114])
            #expect(description.columns.map(\.name) == ["b", "s", "i", "l", "r", "d", "t", "day", "ts"])
            #expect(description.columns.map(\.size) == [1, 2, 4, 8, 4, 8, -1, 4, 8])
            let rows = messages.filter { $0.type == "D" }.map(\.textCells)
            #expect(rows.count == 2)
            #expect(rows.first == ["t", "7", "-42", "9000000000", "1.5", "0.1", "héllo", "2026-01-02", "2026-01-02 03:04:05.25"])
            #expect(rows.last == ["f", nil, nil, nil, nil, "1e+20", nil, nil, nil])
            #expect(messages.first("C")?.strings == ["SELECT 2"])
        }
    }

    @Test func intervalAndNullColumns() throws {
        try withServer { server in
            let client = try server.client()
            let messages = try client.query("SELECT INTERVAL '1 day 2 hours' AS span, NULL AS nothing")
            let description = try #require(messages.first("T"))
            #expect(description.columns.map(\.typeOID) == [1186, 25])
            #expect(messages.first("D")?.textCells == ["1 day 02:00:00", nil])
        }
    }

    @Test func severalStatementsStopAtFirstError() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE s (a INTEGER)")
            let messages = try client.query(
                "INSERT INTO s VALUES (1); SELECT a FROM s; SELECT 1 / 0; INSERT INTO s VALUES (2)")
            #expect(messages.types == "CTDCEZ")
            #expect(messages.first("E")?.fields["C"] == "22012")
            #expect(try client.rows("SELECT count(*) FROM s") == [["1"]])
        }
    }

    @Test func emptyQueryResponse() throws {
        try withServer { server in
            let client = try server.client()
            #expect(try client.query("").types == "IZ")
            #expect(try client.query("  ;  ").types == "IZ")
        }
    }

    @Test func errorCarriesPositionAndHint() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE p (alpha INTEGER)")
            let messages = try client.query("SELECT 1;\nSELECT alpah FROM p")
            let error = try #require(messages.first("E"))
            #expect(error.fields["S"] == "ERROR")
            #expect(error.fields["V"] == "ERROR")
            #expect(error.fields["C"] == "42703")
            #expect(error.fields["M"] == "column \"alpah\" does not exist")
            #expect(error.fields["H"]?.contains("alpha") == true)
            // P counts characters from 1 across the whole query string.
            #expect(error.fields["P"] == "18")
            #expect(messages.last?.body == [UInt8(ascii: "I")])
        }
    }

    @Test func syntaxErrorRunsNothing() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE q (a INTEGER)")
            let messages = try client.query("INSERT INTO q VALUES (1); SELEC 2")
            #expect(messages.types == "EZ")
            #expect(messages.first("E")?.fields["C"] == "42601")
            #expect(messages.first("E")?.fields["P"] == "27")
            #expect(try client.rows("SELECT count(*) FROM q") == [["0"]])
        }
    }

    @Test func transactionStatusAndAbortedBlock() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE x (a INTEGER)")
            #expect(try client.query("BEGIN").last?.body == [UInt8(ascii: "T")])
            #expect(try client.query("INSERT INTO x VALUES (1)").last?.body == [UInt8(ascii: "T")])
            let failed = try client.query("SELECT nope FROM x")
            #expect(failed.last?.body == [UInt8(ascii: "E")])
            let ignored = try client.query("SELECT 1")
            #expect(ignored.first("E")?.fields["C"] == "25P02")
            #expect(ignored.last?.body == [UInt8(ascii: "E")])
            let rolledBack = try client.query("ROLLBACK")
            #expect(rolledBack.first("C")?.strings == ["ROLLBACK"])
            #expect(rolledBack.last?.body == [UInt8(ascii: "I")])
            #expect(try client.rows("SELECT count(*) FROM x") == [["0"]])
        }
    }

    @Test func committedTransactionVisibleToOthers() throws {
        try withServer { server in
            let writer = try server.client()
            let reader = try server.client()
            _ = try writer.rows("CREATE TABLE c (a INTEGER)")
            _ = try writer.rows("BEGIN")
            _ = try writer.rows("INSERT INTO c VALUES (1), (2)")
            #expect(try reader.rows("SELECT count(*) FROM c") == [["0"]])
            _ = try writer.rows("COMMIT")
            #expect(try reader.rows("SELECT count(*) FROM c") == [["2"]])
        }
    }

    @Test func noticeForNestedBegin() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.query("BEGIN")
            let messages = try client.query("BEGIN")
            let notice = try #require(messages.first("N"))
            #expect(notice.fields["S"] == "NOTICE")
            #expect(notice.fields["M"] == "there is already a transaction in progress")
            #expect(messages.first("C")?.strings == ["BEGIN"])
        }
    }

    @Test func copyFromClientNotSupported() throws {
        try withServer { server in
            let client = try server.client()
            _ = try client.rows("CREATE TABLE cp (a INTEGER)")
            for sql in ["COPY cp FROM STDIN", "COPY cp TO STDOUT WITH (FORMAT csv)"] {
                let error = try #require(try client.query(sql).first("E"))
                #expect(error.fields["C"] == "0A000", "\(sql)")
            }
        }
    }
}
