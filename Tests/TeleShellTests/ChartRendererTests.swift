// Golden-text tests of the chart renderers: histogram bars (linear and log scale, trimming,
// folded empty buckets, width fitting), the CDF curve and sparklines.

import Foundation
import TeleCore
import Testing
@testable import TeleShell

@Suite struct HistogramChartTests {
    let narrow = ChartOptions(width: 40)

    @Test func linearBarsInEighths() {
        // Layout of LINEAR(1, 5, 6): lower bounds 0, 1, 2, 3, 4, 5. The bar area is 40 - 22 = 18
        // cells, so the largest count fills 18 cells, 2/4 of it 9, and 1/4 of it 4.5 (4 and ▌).
        let histogram = Histogram(kind: .linear, low: 1, high: 5, bucketCount: 6, sum: 13,
                                  bucketLowerBounds: [1, 2, 3], bucketCounts: [2, 4, 1])
        let expected = """
            h
            linear, range 1..5, 6 buckets, 7 samples, sum 13, mean 1.857, 1 submission
            lower  count       %
                0      0    0.0% │
                1      2   28.6% │█████████
                2      4   57.1% │██████████████████
                3      1   14.3% │████▌
                4      0    0.0% │
                5      0    0.0% │

            """
        #expect(HistogramChart.render(histogram, title: "h", options: narrow) == expected)
    }

    @Test func logScaleBars() {
        // log10(1 + 1) / log10(1 + 99) = 0.1505 of 18 cells is 21.7 eighths: rounded to 22,
        // that is 2 full cells and ▊ (6 eighths).
        let buckets = [ChartBucket(lower: 0, count: 1), ChartBucket(lower: 10, count: 99)]
        var options = narrow
        options.scale = .log
        let expected = """
            log scale
            lower  count       %
                0      1    1.0% │██▊
               10     99   99.0% │██████████████████

            """
        #expect(HistogramChart.render(buckets, header: nil, options: options) == expected)
    }

    @Test func smallBucketKeepsVisibleBar() {
        #expect(HistogramChart.bar(count: 1, largest: 1_000_000, width: 18, scale: .linear) == "▏")
        #expect(HistogramChart.bar(count: 0, largest: 10, width: 18, scale: .linear) == "")
    }

    @Test func foldsRunsOfEmptyBuckets() {
        // GC_MS layout: 96 is bucket 22 of 50, so 22 empty buckets precede it and 27 follow.
        let histogram = Histogram(kind: .exponential, low: 1, high: 10_000, bucketCount: 50, sum: 480,
                                  bucketLowerBounds: [96], bucketCounts: [5])
        let expected = """
            exponential, range 1..10000, 50 buckets, 5 samples, sum 480, mean 96, 1 submission
            lower  count       %
                …  22 empty buckets, lower bounds 0 to 81
               96      5  100.0% │██████████████████
                …  27 empty buckets, lower bounds 114 to 10000

            """
        #expect(HistogramChart.render(histogram, title: nil, options: narrow) == expected)
    }

    @Test func trimDropsTopPercent() throws {
        let counts: [Int64] = [10, 20, 30, 20, 10, 5, 3, 1, 0, 1]
        let buckets = counts.enumerated().map { ChartBucket(lower: Double($0.offset), count: $0.element) }
        var options = narrow
        options.trimPercent = 5
        let lines = HistogramChart.render(buckets, header: nil, options: options).split(separator: "\n").map(String.init)
        // 95 of the 100 samples are in buckets 0 to 5, so buckets 6 to 9 (5 samples) go.
        #expect(lines.count == 1 + 6 + 1)
        #expect(lines[6].hasPrefix("    5      5    5.0% │"))
        #expect(lines.last == "(trimmed 5 samples, 5.0%, in buckets from 6 up)")
        // Bars are scaled to the largest bucket shown: 30 fills all 18 cells.
        #expect(lines[3].hasSuffix("│" + String(repeating: "█", count: 18)))
    }

    @Test func trimThatDropsNothingAddsNoFooter() {
        let buckets = [ChartBucket(lower: 0, count: 50), ChartBucket(lower: 1, count: 50)]
        var options = narrow
        options.trimPercent = 1
        let text = HistogramChart.render(buckets, header: nil, options: options)
        #expect(!text.contains("trimmed"))
        #expect(text.contains("    1     50   50.0% │"))
    }

    @Test func emptyHistogram() {
        let histogram = Histogram(kind: .exponential, low: 1, high: 10_000, bucketCount: 50, sum: 0,
                                  bucketLowerBounds: [], bucketCounts: [], submissions: 3)
        let expected = """
            exponential, range 1..10000, 50 buckets, 0 samples, sum 0, 3 submissions
            (empty histogram: no samples)

            """
        #expect(HistogramChart.render(histogram, title: nil, options: narrow) == expected)
    }

    @Test func widthFitsTerminal() {
        let buckets = [ChartBucket(lower: 0, count: 3), ChartBucket(lower: 1, count: 7)]
        for width in [40, 80, 133] {
            let text = HistogramChart.render(buckets, header: nil, options: ChartOptions(width: width))
            let widest = text.split(separator: "\n").map(\.count).max() ?? 0
            #expect(widest == width, "width \(width)")
        }
        // Narrower requests are raised to the minimum chart width.
        let tiny = HistogramChart.render(buckets, header: nil, options: ChartOptions(width: 5))
        #expect(tiny.split(separator: "\n").map(\.count).max() == ChartOptions.minimumWidth)
    }

    @Test func unknownLayoutShowsStoredBuckets() {
        // 7 is not a lower bound of LINEAR(1, 5, 6), so the chart cannot rebuild empty buckets.
        let histogram = Histogram(kind: .linear, low: 1, high: 5, bucketCount: 6, sum: 7,
                                  bucketLowerBounds: [7], bucketCounts: [1])
        #expect(HistogramChart.buckets(of: histogram) == [ChartBucket(lower: 7, count: 1)])
    }
}

@Suite struct FirefoxLayoutTests {
    /// Reads the shared bucket reference, or returns nil when the shared data folder is absent.
    ///
    /// Looks for `shared/telemetry` beside the repository root and beside its parents,
    /// because a git worktree may sit one level deeper than the main checkout.
    static func referenceLayouts() throws -> [String: [Int64]]? {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: URL?
        while folder.path != "/", found == nil {
            folder.deleteLastPathComponent()
            let candidate = folder.appendingPathComponent("shared/telemetry/histograms/bucket_reference.json")
            if FileManager.default.fileExists(atPath: candidate.path) { found = candidate }
        }
        guard let url = found else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let dictionary = try #require(object as? [String: Any])
        var layouts: [String: [Int64]] = [:]
        for (key, value) in dictionary {
            guard let numbers = value as? [NSNumber] else { continue }
            layouts[key] = numbers.map(\.int64Value)
        }
        return layouts
    }

    @Test func matchesBucketReference() throws {
        guard let layouts = try Self.referenceLayouts() else { return }
        var checked = 0
        for (key, expected) in layouts {
            let (kind, low, high, count) = try #require(Self.parseLayoutKey(key), "\(key)")
            let histogram = Histogram(kind: kind, low: low, high: high, bucketCount: Int32(count), sum: 0,
                                      bucketLowerBounds: [], bucketCounts: [])
            #expect(FirefoxLayout.lowerBounds(of: histogram) == expected, "\(key)")
            checked += 1
        }
        #expect(checked >= 5)
    }

    /// Reads a reference key: either "exponential low=1 high=10000 n_buckets=50 (GC_MS)" or
    /// one that ends in the linear layout it maps to, such as "... -> linear(1,11,12) (NAME)".
    static func parseLayoutKey(_ key: String) -> (HistogramKind, Int64, Int64, Int64)? {
        if let range = key.range(of: "linear(") {
            let arguments = key[range.upperBound...].prefix { $0 != ")" }.split(separator: ",").compactMap { Int64($0) }
            guard arguments.count == 3 else { return nil }
            return (.linear, arguments[0], arguments[1], arguments[2])
        }
        let words = key.split(separator: " ")
        func number(_ prefix: String) -> Int64? {
            words.first { $0.hasPrefix(prefix) }.flatMap { Int64($0.dropFirst(prefix.count)) }
        }
        guard let low = number("low="), let high = number("high="), let count = number("n_buckets=") else { return nil }
        return (words.first == "exponential" ? .exponential : .linear, low, high, count)
    }

    @Test func invalidLayoutIsNotRebuilt() {
        let tooFew = Histogram(kind: .linear, low: 1, high: 5, bucketCount: 2, sum: 0, bucketLowerBounds: [], bucketCounts: [])
        #expect(FirefoxLayout.lowerBounds(of: tooFew) == nil)
        let inverted = Histogram(kind: .exponential, low: 10, high: 5, bucketCount: 10, sum: 0, bucketLowerBounds: [], bucketCounts: [])
        #expect(FirefoxLayout.lowerBounds(of: inverted) == nil)
    }
}

@Suite struct CDFChartTests {
    @Test func singleJumpCurve() {
        // 34 plot cells of 2 dot columns: the curve stays at 0 up to the last dot column,
        // where it jumps to 1, so the bottom row is ⣀ and the last cell a vertical line.
        let text = CDFChart.render([(0, 0), (10, 1)], title: nil, options: ChartOptions(width: 40, height: 4))
        let flat = String(repeating: "⣀", count: 33)
        let gap = String(repeating: " ", count: 33)
        let expected = """
            cumulative
            1.00 ┤\(gap)⢸
            0.75 ┤\(gap)⢸
            0.25 ┤\(gap)⢸
            0.00 ┤\(flat)⣸
                 └\(String(repeating: "─", count: 34))
                  0                5              10
                                value

            """
        #expect(text == expected)
    }

    @Test func curveRisesWithValues() {
        // An even staircase: the top dot of each fifth of the width sits higher than the last.
        let points = (1...100).map { (value: Double($0), cumulative: Double($0) / 100) }
        let text = CDFChart.render(points, title: "uniform", options: ChartOptions(width: 60, height: 10))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "uniform")
        #expect(lines[1] == "cumulative")
        #expect(lines[2].hasPrefix("1.00 ┤"))
        #expect(lines[11].hasPrefix("0.00 ┤"))
        // The top row is reached only at the right end, the bottom row only at the left.
        let top = Array(lines[2].dropFirst(6))
        let bottom = Array(lines[11].dropFirst(6))
        #expect(top.first == nil || top.first == " ")
        #expect(bottom.first != " ")
        #expect(top.last != " ")
        #expect(lines[13].hasPrefix("      1"))
        #expect(lines[13].hasSuffix("100"))
    }

    @Test func skipsNaNAndNormalizesCounts() {
        let counts = CDFChart.render([(0, 0), (.nan, 1), (10, 4)], title: nil, options: ChartOptions(width: 40, height: 4))
        let fractions = CDFChart.render([(0, 0), (10, 1)], title: nil, options: ChartOptions(width: 40, height: 4))
        #expect(counts == fractions)
    }

    @Test func emptyCDF() {
        #expect(CDFChart.render([], title: "c", options: ChartOptions()) == "c\n(empty CDF: no points)\n")
        #expect(CDFChart.render([(.nan, 0.5)], title: nil, options: ChartOptions()) == "(empty CDF: no points)\n")
    }

    @Test func parsesAggregateText() throws {
        let pairs = try #require(CDFChart.parsePairs("[[1,0.25], [7,1]]"))
        #expect(pairs.map(\.value) == [1, 7])
        #expect(pairs.map(\.cumulative) == [0.25, 1])
        #expect(CDFChart.parsePairs("[]")?.isEmpty == true)
        #expect(CDFChart.parsePairs("[[1,0.5,2]]") == nil)
        #expect(CDFChart.parsePairs("[[1,x]]") == nil)
        #expect(CDFChart.parsePairs("release") == nil)
    }

    @Test func logAxisLabelsRealValues() {
        var options = ChartOptions(width: 40, height: 4)
        options.scale = .log
        let text = CDFChart.render([(1, 0.5), (1000, 1)], title: nil, options: options)
        #expect(text.hasPrefix("cumulative  (x axis log10)\n"))
        #expect(text.contains("\n      1              31.62          1000\n"))
        // 10^log10(182) is 182.00000000000003, which must still print as a whole number.
        let whole = CDFChart.render([(182, 0.5), (9714, 1)], title: nil, options: options)
        #expect(whole.contains("\n      182           1329.6          9714\n"))
    }
}

@Suite struct SparklineTests {
    @Test func scalesMinimumToMaximum() {
        #expect(Sparkline.render([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.render([1, 2, 3, 4]) == "▁▃▆█")
    }

    @Test func nullAndNaNAreSpaces() {
        #expect(Sparkline.render([nil, 1, .nan, 3]) == " ▁ █")
        #expect(Sparkline.render([nil, nil]) == "  ")
        #expect(Sparkline.render([]) == "")
    }

    @Test func constantSeriesIsMiddleHeight() {
        #expect(Sparkline.render([5, 5, 5]) == "▄▄▄")
    }

    @Test func longSeriesAveragesRuns() {
        // Runs of 2: means 1.5, 3.5 and 5.5, halfway up is level 3.5, rounded to ▅.
        #expect(Sparkline.render([1, 2, 3, 4, 5, 6], width: 3) == "▁▅█")
        #expect(Sparkline.render((1...100).map { Double($0) }, width: 10).count == 10)
    }
}
