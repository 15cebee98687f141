// CSV and NDJSON readers for COPY: quoting, NULLs, type conversion and error positions.

import Testing
import TeleCore
@testable import TeleIngest

@Suite struct CSVReaderTests {
    let schema = TableSchema(
        name: "t",
        columns: [
            ColumnSchema(name: "id", type: .integer),
            ColumnSchema(name: "name", type: .varchar),
            ColumnSchema(name: "score", type: .double),
            ColumnSchema(name: "ok", type: .boolean),
            ColumnSchema(name: "at", type: .timestamp),
        ])

    private func rows(_ chunks: [DataChunk]) -> [[Value]] {
        chunks.flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
    }

    private func read(_ text: String, header: Bool = false, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [[Value]] {
        rows(try readCSV(bytes: Array(text.utf8), schema: schema, header: header, delimiter: delimiter))
    }

    private func error(_ text: String) -> TeleError? {
        do {
            _ = try read(text)
            return nil
        } catch {
            return error as? TeleError
        }
    }

    @Test func plainRecordsWithHeader() throws {
        let result = try read("id,name,score,ok,at\n1,ann,2.5,true,2024-01-02 03:04:05\n2,bob,-1e3,f,2024-01-02T00:00:00Z\n", header: true)
        #expect(result.count == 2)
        #expect(result[0] == [.integer(1), .string("ann"), .double(2.5), .boolean(true), .timestamp(try #require(DateTime.parseTimestamp("2024-01-02 03:04:05")))])
        #expect(result[1][2] == .double(-1000))
        #expect(result[1][3] == .boolean(false))
    }

    @Test func quotingFollowsRFC4180() throws {
        let result = try read("1,\"a, \"\"quoted\"\"\nline\",1,t,\r\n2,\"\",0,f,\n")
        #expect(result.count == 2)
        #expect(result[0][1] == .string("a, \"quoted\"\nline"))
        #expect(result[0][4] == .null)
        #expect(result[1][1] == .string(""))
    }

    @Test func emptyUnquotedFieldIsNull() throws {
        let result = try read(",,,,\n")
        #expect(result == [[.null, .null, .null, .null, .null]])
    }

    @Test func otherDelimiterAndNoFinalNewline() throws {
        let result = try read("7|x|1|yes|2024-05-06", delimiter: UInt8(ascii: "|"))
        #expect(result == [[.integer(7), .string("x"), .double(1), .boolean(true), .timestamp(try #require(DateTime.parseTimestamp("2024-05-06")))]])
    }

    @Test func blankLinesAreSkipped() throws {
        #expect(try read("1,a,1,t,\n\n2,b,2,f,\n").count == 2)
    }

    @Test func badIntegerNamesLineColumnValue() throws {
        let problem = try #require(error("1,a,1,t,\n2x,b,1,t,\n"))
        #expect(problem.state == .invalidTextRepresentation)
        #expect(problem.message == "invalid input syntax for type INTEGER at line 2, column \"id\": \"2x\"")
    }

    @Test func integerOutOfRange() throws {
        let problem = try #require(error("3000000000,a,1,t,\n"))
        #expect(problem.state == .numericValueOutOfRange)
    }

    @Test func badTimestampAndBoolean() throws {
        #expect(error("1,a,1,t,yesterday\n")?.state == .invalidDatetimeFormat)
        #expect(error("1,a,1,maybe,\n")?.message.contains("column \"ok\"") == true)
        #expect(error("1,a,abc,t,\n")?.state == .invalidTextRepresentation)
    }

    @Test func fieldCountErrors() throws {
        let missing = try #require(error("1,a,1\n"))
        #expect(missing.state == .badCopyFileFormat)
        #expect(missing.message == "missing data for column \"ok\" at line 1")
        let extra = try #require(error("1,a,1,t,,9\n"))
        #expect(extra.state == .badCopyFileFormat)
        #expect(extra.message.contains("extra data"))
    }

    @Test func unterminatedQuoteIsAnError() throws {
        let problem = try #require(error("1,\"abc,1,t,\n"))
        #expect(problem.state == .badCopyFileFormat)
        #expect(problem.message.contains("line 1"))
        #expect(error("1,\"a\"b,1,t,\n")?.state == .badCopyFileFormat)
    }

    @Test func notNullColumnRejectsNull() throws {
        let strict = TableSchema(name: "s", columns: [ColumnSchema(name: "k", type: .varchar, notNull: true)])
        #expect(throws: TeleError.self) { try readCSV(bytes: Array("a\n\n".utf8), schema: strict, header: false) }
    }

    @Test func manyRowsSplitIntoChunks() throws {
        let text = (0..<5000).map { "\($0),n,\($0),t," }.joined(separator: "\n")
        let chunks = try readCSV(bytes: Array(text.utf8), schema: schema, header: false)
        #expect(chunks.map(\.count) == [2048, 2048, 904])
        #expect(chunks[2].row(903)[0] == .integer(4999))
    }

    @Test func histogramAndIntervalColumns() throws {
        let special = TableSchema(
            name: "h", columns: [ColumnSchema(name: "h", type: .histogram), ColumnSchema(name: "i", type: .interval)])
        let histogram = Histogram(kind: .exponential, low: 1, high: 100, bucketCount: 10, sum: 7, bucketLowerBounds: [0, 5], bucketCounts: [1, 2])
        let quoted = "\"" + histogram.description.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
        let text = quoted + ",1 year 2 mons 3 days 04:05:06\n"
        let result = rows(try readCSV(bytes: Array(text.utf8), schema: special, header: false))
        #expect(result[0][0] == .histogram(histogram))
        #expect(result[0][1] == .interval(Interval(months: 14, days: 3, micros: (4 * 3600 + 5 * 60 + 6) * 1_000_000)))
    }
}

@Suite struct NDJSONReaderTests {
    let schema = TableSchema(
        name: "t",
        columns: [
            ColumnSchema(name: "id", type: .bigint),
            ColumnSchema(name: "name", type: .varchar),
            ColumnSchema(name: "score", type: .double),
            ColumnSchema(name: "ok", type: .boolean),
            ColumnSchema(name: "day", type: .date),
        ])

    private func rows(_ text: String) throws -> [[Value]] {
        try readNDJSON(bytes: Array(text.utf8), schema: schema).flatMap { chunk in (0..<chunk.count).map { chunk.row($0) } }
    }

    @Test func keysMatchColumnsAndMissingIsNull() throws {
        let result = try rows("""
            {"id": 1, "name": "a", "score": 2, "ok": true, "day": "2024-01-02", "extra": 5}
            {"ID": 2, "name": {"nested": [1, "x"]}}

            {"id": null, "name": 17, "score": 1.5, "ok": false}
            """)
        #expect(result.count == 3)
        #expect(result[0] == [.integer(1), .string("a"), .double(2), .boolean(true), .date(DateTime.days(year: 2024, month: 1, day: 2))])
        #expect(result[1] == [.integer(2), .string("{\"nested\":[1,\"x\"]}"), .null, .null, .null])
        #expect(result[2] == [.null, .string("17"), .double(1.5), .boolean(false), .null])
    }

    @Test func stringsConvertLikeCSV() throws {
        let result = try rows(#"{"id": "42", "score": "1e2", "ok": "yes"}"#)
        #expect(result[0][0] == .integer(42))
        #expect(result[0][2] == .double(100))
        #expect(result[0][3] == .boolean(true))
    }

    @Test func typeMismatchNamesLineAndColumn() throws {
        do {
            _ = try rows("{\"id\": 1}\n{\"id\": 1.5}\n")
            Issue.record("accepted 1.5 for BIGINT")
        } catch let error as TeleError {
            #expect(error.state == .invalidTextRepresentation)
            #expect(error.message.contains("line 2"))
            #expect(error.message.contains("column \"id\""))
        }
    }

    @Test func invalidJSONAndNonObjectsThrow() {
        #expect(throws: TeleError.self) { try rows("{\"id\": 1}\n{\"id\": \n") }
        #expect(throws: TeleError.self) { try rows("[1, 2]\n") }
    }
}
