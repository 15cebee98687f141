// The chart settings through the Shell class with scripted sessions: `.chart`, `.mode
// chart`, charts under tables, and machine-readable modes left unchanged.

import TeleCore
import TeleDB
import Testing
@testable import TeleShell

@Suite struct ChartShellTests {
    static let histogram = Histogram(kind: .linear, low: 1, high: 5, bucketCount: 6, sum: 13,
                                     bucketLowerBounds: [1, 2, 3], bucketCounts: [2, 4, 1])
    static let histogramSQL = "SELECT metric, h FROM hs"
    static let cdfSQL = "SELECT value, cumulative FROM c"
    static let seriesSQL = "SELECT channel, day, n FROM s"

    func makeSession() -> ScriptedSession {
        let session = ScriptedSession()
        session.answer(Self.histogramSQL, with: makeResult(
            [("metric", .varchar), ("h", .histogram)],
            [[.string("GC_MS"), .histogram(Self.histogram)], [.string("EMPTY"), .null]]))
        session.answer(Self.cdfSQL, with: makeResult(
            [("value", .double), ("cumulative", .double)], [[.double(0), .double(0)], [.double(10), .double(1)]]))
        // Days 20454 to 20457 are 2026-01-01 to 2026-01-04.
        var seriesRows: [[Value]] = []
        for offset in 0..<4 {
            seriesRows.append([.string("beta"), .date(20454 + Int64(offset)), .integer(Int64(offset) + 1)])
        }
        seriesRows.append([.string("release"), .date(20454), .integer(5)])
        seriesRows.append([.string("release"), .date(20455), .null])
        session.answer(Self.seriesSQL, with: makeResult([("channel", .varchar), ("day", .date), ("n", .integer)], seriesRows))
        session.answer("SELECT 1", with: makeResult([("x", .integer)], [[.integer(1)]]))
        return session
    }

    func makeShell(_ capture: OutputCapture) -> Shell {
        let shell = capture.makeShell(session: makeSession())
        shell.chartOptions.width = 40
        return shell
    }

    @Test func tableModeAddsHistogramChart() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(Self.histogramSQL + ";")
        let chart = HistogramChart.render(Self.histogram, title: "metric = GC_MS", options: shell.chartOptions)
        #expect(capture.output.hasSuffix("\n\n" + chart + "\nmetric = EMPTY\nNULL\n"))
        #expect(capture.output.hasPrefix("┌"))
        #expect(capture.errors == "")
    }

    @Test func chartOffKeepsPlainTable() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".chart off\n" + Self.histogramSQL + ";")
        #expect(shell.chartOptions.setting == .off)
        #expect(!capture.output.contains("│██"))
        #expect(capture.output.hasSuffix("┘\n"))
    }

    @Test func autoDrawsNoNamedShapes() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(Self.cdfSQL + ";\n" + Self.seriesSQL + ";")
        #expect(!capture.output.contains("1.00 ┤"))
        #expect(!capture.output.contains("▁"))
    }

    @Test func chartModeReplacesTable() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".mode chart\n" + Self.histogramSQL + ";")
        #expect(shell.mode == .chart)
        let chart = HistogramChart.render(Self.histogram, title: "metric = GC_MS", options: shell.chartOptions)
        #expect(capture.output == chart + "\nmetric = EMPTY\nNULL\n")
    }

    @Test func chartModeDrawsCDF() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.chartOptions.height = 4
        shell.runScript(".mode chart\n" + Self.cdfSQL + ";")
        let expected = CDFChart.render([(0, 0), (10, 1)], title: nil, options: shell.chartOptions)
        #expect(capture.output == expected)
        #expect(capture.output.hasPrefix("cumulative\n1.00 ┤"))
    }

    @Test func chartOnDrawsSparklinePerGroup() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".chart on\n" + Self.seriesSQL + ";")
        // The NULL of release's second day prints as a space after ▄.
        let expected = """

            n by day
            channel = beta    ▁▃▆█
                              2026-01-01..2026-01-04, 4 points, min 1, max 4, last 4
            channel = release ▄\u{20}
                              2026-01-01..2026-01-02, 2 points, min 5, max 5, last 5

            """
        #expect(capture.output.hasSuffix("┘\n" + expected))
    }

    @Test func chartModeFallsBackToTable() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".mode chart\nSELECT 1;")
        #expect(capture.output.hasPrefix("┌"))
        #expect(capture.output.contains("│       1 │"))
    }

    @Test func csvAndJSONStayMachineReadable() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".chart on\n.mode csv\n" + Self.histogramSQL + ";\n" + Self.seriesSQL + ";")
        let histogramCSV = "metric,h\r\nGC_MS,\"" + Self.histogram.description.replacingOccurrences(of: "\"", with: "\"\"")
            + "\"\r\nEMPTY,\r\n"
        #expect(capture.output.hasPrefix(histogramCSV))
        #expect(capture.output.hasSuffix("release,2026-01-02,\r\n"))
        #expect(!capture.output.contains("█"))

        let json = OutputCapture()
        let jsonShell = makeShell(json)
        jsonShell.runScript(".mode json\n" + Self.histogramSQL + ";")
        #expect(json.output == "[{\"metric\":\"GC_MS\",\"h\":\(Self.histogram.description)},\n{\"metric\":\"EMPTY\",\"h\":null}]\n")
    }

    @Test func chartCommandSetsOptions() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".chart log\n.chart trim 2.5\n.chart width 100\n.chart on\n.chart")
        #expect(shell.chartOptions == ChartOptions(setting: .on, scale: .log, trimPercent: 2.5, width: 100))
        #expect(capture.output == "charts: on, scale: log, trim: 2.5%, width: 100\n")
        shell.runScript(".chart linear\n.chart trim 0\n.chart width 0")
        #expect(shell.chartOptions.scale == .linear)
        #expect(shell.chartOptions.trimPercent == 0)
        #expect(shell.chartOptions.width == 0)
        #expect(shell.errorCount == 0)
    }

    @Test func chartCommandRejectsBadArguments() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".chart trim 100\n.chart trim x\n.chart width 10\n.chart sideways")
        #expect(shell.errorCount == 4)
        #expect(capture.errors.contains("Error: near line 1: invalid .chart trim percentage \"100\"\n"))
        #expect(capture.errors.contains("Error: near line 2: invalid .chart trim percentage \"x\"\n"))
        #expect(capture.errors.contains("Error: near line 3: invalid .chart width \"10\"\n"))
        #expect(capture.errors.contains("Error: near line 4: invalid .chart argument \"sideways\"\n"))
        #expect(shell.chartOptions == ChartOptions(width: 40))
    }

    @Test func trimAppliesThroughShell() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".mode chart\n.chart trim 20\n" + Self.histogramSQL + ";")
        // 7 samples: the first 6 (86%) fill buckets 0 to 2, so bucket 3 and its 1 sample go.
        #expect(capture.output.contains("(trimmed 1 samples, 14.3%, in buckets from 3 up)\n"))
    }

    @Test func bucketListingDrawsBars() {
        let columns: [(String, DataType)] = [("lower", .bigint), ("upper", .bigint), ("count", .bigint),
                                             ("fraction", .double), ("cumulative", .double)]
        let result = makeResult(columns, [
            [.integer(0), .integer(10), .integer(1), .double(0.25), .double(0.25)],
            [.integer(10), .integer(20), .integer(3), .double(0.75), .double(1)],
            [.integer(20), .null, .integer(0), .double(0), .double(1)],
        ])
        let options = ChartOptions(width: 40)
        let buckets = [ChartBucket(lower: 0, count: 1), ChartBucket(lower: 10, count: 3), ChartBucket(lower: 20, count: 0)]
        let expected = HistogramChart.render(buckets, header: nil, options: options)
        #expect(ResultCharts.render(result, options: options, byName: true) == expected)
        #expect(expected.contains("   10      3   75.0% │" + String(repeating: "█", count: 18) + "\n"))
    }

    @Test func upperBoundIsCDFValue() throws {
        let columns: [(String, DataType)] = [("upper", .bigint), ("fraction", .double), ("cumulative", .double)]
        let result = makeResult(columns, [
            [.integer(10), .double(0.5), .double(0.5)],
            [.integer(20), .double(0.5), .double(1)],
        ])
        let pair = try #require(ResultCharts.cdfColumns(result.columns))
        #expect(pair.value == 0)
        #expect(pair.cumulative == 2)
        let options = ChartOptions(width: 40, height: 4)
        let text = ResultCharts.render(result, options: options, byName: true)
        let expected = CDFChart.render([(10, 0.5), (20, 1)], title: nil, valueName: "upper", options: options)
        #expect(text == expected)
    }

    @Test func textColumnsSplitCDFGroups() {
        let result = makeResult([("os", .varchar), ("n", .bigint), ("value", .double), ("cumulative", .double)], [
            [.string("Linux"), .integer(3), .double(1), .double(1)],
            [.string("Darwin"), .integer(4), .double(1), .double(0.5)],
            [.string("Darwin"), .integer(5), .double(2), .double(1)],
        ])
        let text = ResultCharts.render(result, options: ChartOptions(width: 40, height: 4), byName: true) ?? ""
        let titles = text.split(separator: "\n").filter { $0.hasPrefix("os = ") }
        #expect(titles == ["os = Linux", "os = Darwin"])
    }

    @Test func byNameOffIgnoresNamedShapes() {
        let result = makeResult([("value", .double), ("cumulative", .double)], [[.double(1), .double(1)]])
        #expect(ResultCharts.render(result, options: ChartOptions(), byName: false) == nil)
        #expect(ResultCharts.render(makeCommandResult("INSERT 0 1"), options: ChartOptions(), byName: true) == nil)
    }

    @Test func autoDrawsCDFAggregateText() {
        let capture = OutputCapture()
        let session = makeSession()
        session.answer("SELECT os, CDF(x) FROM t", with: makeResult(
            [("os", .varchar), ("cdf", .varchar)], [[.string("Linux"), .string("[[0,0],[10,1]]")], [.string("Darwin"), .null]]))
        let shell = capture.makeShell(session: session)
        shell.chartOptions = ChartOptions(width: 40, height: 4)
        shell.runScript(".mode chart\nSELECT os, CDF(x) FROM t;")
        let chart = CDFChart.render([(0, 0), (10, 1)], title: "os = Linux", options: shell.chartOptions)
        #expect(capture.output == chart + "\nos = Darwin\nNULL\n")
    }

    @Test func cdfNamedTextThatIsNotCDF() {
        let result = makeResult([("cdf", .varchar)], [[.string("not a cdf")]])
        #expect(ResultCharts.render(result, options: ChartOptions(), byName: true) == nil)
    }

    @Test func maxRowsLimitsHistogramCharts() {
        let capture = OutputCapture()
        let shell = makeShell(capture)
        shell.runScript(".mode chart\n.maxrows 1\n" + Self.histogramSQL + ";")
        let chart = HistogramChart.render(Self.histogram, title: "metric = GC_MS", options: shell.chartOptions)
        #expect(capture.output == chart + "\n(1 more row not drawn. Use .maxrows 0 to draw every row.)\n")
    }

    @Test func singlePointGroupsDrawNoSparkline() {
        let result = makeResult([("document_id", .varchar), ("day", .date), ("n", .integer)], [
            [.string("a"), .date(20454), .integer(1)],
            [.string("b"), .date(20455), .integer(2)],
        ])
        #expect(ResultCharts.render(result, options: ChartOptions(), byName: true) == nil)
    }

    @Test func widthZeroFollowsTerminal() {
        let options = ChartOptions(width: 0)
        #expect(options.fittedWidth == max(TerminalSize.width(), ChartOptions.minimumWidth))
        #expect(Shell.describe(options).hasSuffix("width: terminal (\(options.fittedWidth))"))
    }

    @Test func terminalWidthPrefersColumns() {
        #expect(TerminalSize.width(environment: ["COLUMNS": "120"]) == 120)
        #expect(TerminalSize.width(environment: ["COLUMNS": "wide"]) > 0)
    }
}
