import TeleCore
import TeleDB
import Testing
@testable import TeleShell

@Suite struct FormatterTests {
    let twoColumns = makeResult([("n", .bigint), ("name", .varchar)], [[.integer(1), .string("a")], [.integer(22), .null]])

    @Test func tableDrawsBoxWithTypes() {
        let text = ResultFormatter.format(twoColumns, mode: .table)
        let expected = """
            ┌────────┬─────────┐
            │   n    │  name   │
            │ bigint │ varchar │
            ├────────┼─────────┤
            │      1 │ a       │
            │     22 │ NULL    │
            └────────┴─────────┘

            """
        #expect(text == expected)
    }

    @Test func tableElidesMiddleRows() {
        let rows = (1...5).map { [Value.integer(Int64($0))] }
        let text = ResultFormatter.format(makeResult([("v", .integer)], rows), mode: .table, maxRows: 2)
        let lines = text.split(separator: "\n").map(String.init)
        let dataLines = lines.filter { $0.hasPrefix("│") }
        #expect(dataLines.contains { $0.contains(" 1 ") })
        #expect(dataLines.contains { $0.contains(" 5 ") })
        #expect(!lines.contains { $0.contains(" 3 ") })
        #expect(lines.contains { $0.contains("…") })
        #expect(lines.contains("│ 5 rows (2 shown) │"))
        // Every line of the box has the same display width.
        let widths = Set(lines.map { TableFormatter.displayWidth($0) })
        #expect(widths.count == 1)
    }

    @Test func tableShowsAllRowsUnderLimit() {
        let rows = (1...3).map { [Value.integer(Int64($0))] }
        let text = ResultFormatter.format(makeResult([("v", .integer)], rows), mode: .table, maxRows: 3)
        #expect(!text.contains("…"))
        #expect(!text.contains("shown"))
    }

    @Test func tableCountsEmptyResult() {
        let text = ResultFormatter.format(makeResult([("v", .integer)], []), mode: .table)
        #expect(text.contains("│ 0 rows"))
    }

    @Test func tableShownRowSelection() {
        #expect(TableFormatter.selectShownRows(count: 5, maxRows: 0) == [0, 1, 2, 3, 4])
        #expect(TableFormatter.selectShownRows(count: 10, maxRows: 3) == [0, 1, nil, 9])
        #expect(TableFormatter.selectShownRows(count: 10, maxRows: 4) == [0, 1, nil, 8, 9])
    }

    @Test func displayWidthCountsWideCharacters() {
        #expect(TableFormatter.displayWidth("abc") == 3)
        #expect(TableFormatter.displayWidth("日本") == 4)
        #expect(TableFormatter.displayWidth("é") == 1)
    }

    @Test func csvQuotesAndKeepsNullApart() {
        let result = makeResult(
            [("a", .integer), ("b", .varchar)],
            [[.integer(1), .string("x,y")], [.null, .string("")], [.integer(3), .string("say \"hi\"")]])
        let text = ResultFormatter.format(result, mode: .csv)
        #expect(text == "a,b\r\n1,\"x,y\"\r\n,\"\"\r\n3,\"say \"\"hi\"\"\"\r\n")
    }

    @Test func csvQuotesLineBreaks() {
        #expect(CSVFormatter.field(.string("a\nb")) == "\"a\nb\"")
        #expect(CSVFormatter.field(.string("plain")) == "plain")
    }

    @Test func jsonUsesNativeTypes() {
        let result = makeResult(
            [("i", .bigint), ("s", .varchar), ("n", .integer), ("b", .boolean), ("d", .double)],
            [[.integer(1), .string("a\"b"), .null, .boolean(true), .double(2.5)]])
        let text = ResultFormatter.format(result, mode: .json)
        #expect(text == "[{\"i\":1,\"s\":\"a\\\"b\",\"n\":null,\"b\":true,\"d\":2.5}]\n")
    }

    @Test func jsonSeparatesRowsAndHandlesEmpty() {
        let rows = [[Value.integer(1)], [Value.integer(2)]]
        #expect(ResultFormatter.format(makeResult([("v", .integer)], rows), mode: .json) == "[{\"v\":1},\n{\"v\":2}]\n")
        #expect(ResultFormatter.format(makeResult([("v", .integer)], []), mode: .json) == "[]\n")
    }

    @Test func jsonWritesHistogramAsObject() {
        let histogram = Histogram(kind: .linear, low: 1, high: 10, bucketCount: 3, sum: 4,
                                  bucketLowerBounds: [0, 1], bucketCounts: [2, 1])
        let text = JSONFormatter.value(.histogram(histogram))
        #expect(text == "{\"kind\":\"linear\",\"range\":[1,10],\"bucket_count\":3,\"sum\":4,\"values\":{\"0\":2,\"1\":1}}")
    }

    @Test func jsonEscapesControlCharacters() {
        #expect(JSONFormatter.quote("a\nb\u{01}") == "\"a\\nb\\u0001\"")
        #expect(JSONFormatter.value(.double(.nan)) == "\"NaN\"")
        #expect(JSONFormatter.value(.date(0)) == "\"1970-01-01\"")
    }

    @Test func markdownAlignsNumbersRight() {
        let result = makeResult([("a", .bigint), ("b", .varchar)], [[.integer(1), .string("x|y")]])
        let text = ResultFormatter.format(result, mode: .markdown)
        #expect(text == "|   a | b    |\n| --: | ---- |\n|   1 | x\\|y |\n")
    }

    @Test func lineModePrintsNameEqualsValue() {
        let result = makeResult([("id", .integer), ("name", .varchar)], [[.integer(1), .string("a")], [.integer(2), .null]])
        let text = ResultFormatter.format(result, mode: .line)
        #expect(text == "  id = 1\nname = a\n\n  id = 2\nname = NULL\n")
    }

    @Test func tableCutsWideValues() {
        let result = makeResult([("s", .varchar)], [[.string("abcdefghij")], [.string("abc")]])
        let text = ResultFormatter.format(result, mode: .table, maxCellWidth: 5)
        #expect(text.contains("│ abcd…   │"))
        #expect(text.contains("│ abc     │"))
        #expect(TableFormatter.truncate("日本語", to: 4) == "日…")
        #expect(TableFormatter.truncate("abc", to: 0) == "abc")
    }

    /// A result split over several chunks, some empty, as the executor returns them.
    func multiChunkResult() -> StatementResult {
        let column = ResultColumn(name: "v", type: .bigint)
        let chunks = [
            DataChunk(columns: [Vector.int64([1, 2])], count: 2),
            DataChunk(columns: [Vector.int64([])], count: 0),
            DataChunk(columns: [Vector.int64([3])], count: 1),
        ]
        return StatementResult(columns: [column], chunks: chunks, commandTag: "SELECT 3", rowCount: 3)
    }

    @Test func formatsAcrossChunks() {
        let result = multiChunkResult()
        #expect(ResultFormatter.format(result, mode: .csv) == "v\r\n1\r\n2\r\n3\r\n")
        #expect(ResultFormatter.format(result, mode: .json) == "[{\"v\":1},\n{\"v\":2},\n{\"v\":3}]\n")
        #expect(ResultFormatter.format(result, mode: .line) == "v = 1\n\nv = 2\n\nv = 3\n")
        let table = ResultFormatter.format(result, mode: .table, maxRows: 2)
        #expect(table.contains(" 1 │"))
        #expect(table.contains(" 3 │"))
        #expect(!table.contains(" 2 │"))
        #expect(table.contains("│ 3 rows (2 shown) │"))
    }

    @Test func rowLocatorSkipsEmptyChunks() {
        let rows = RowLocator(chunks: multiChunkResult().chunks)
        #expect(rows.count == 3)
        #expect(rows.row(0) == [.integer(1)])
        #expect(rows.row(1) == [.integer(2)])
        #expect(rows.row(2) == [.integer(3)])
    }

    @Test func commandResultPrintsNothing() {
        for mode in OutputMode.allCases {
            #expect(ResultFormatter.format(makeCommandResult("INSERT 0 1"), mode: mode) == "")
        }
    }
}
