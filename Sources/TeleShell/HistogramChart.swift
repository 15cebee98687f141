// The horizontal bar chart of a histogram: one row per bucket with its lower bound, count,
// share of all samples and a bar of Unicode eighth blocks.
//
// A stored histogram keeps only its non-empty buckets, so the chart rebuilds the empty ones
// from Firefox's bucket layout (kind, range and bucket count). Runs of empty buckets are
// folded into one line so that a 100-bucket histogram with a few busy buckets stays short.

import Foundation
import TeleCore

/// One bar of a histogram chart.
public struct ChartBucket: Sendable, Equatable {
    public var lower: Double
    public var count: Int64

    public init(lower: Double, count: Int64) {
        self.lower = lower
        self.count = count
    }
}

/// Draws histograms as horizontal bar charts.
public enum HistogramChart {
    /// Runs of at least this many empty buckets print as one line.
    static let foldedRunLength = 3
    /// The partial blocks for 1 to 7 eighths of a character cell.
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// Draws `histogram` with a summary line and one bar per bucket, empty buckets included.
    ///
    /// - Parameter title: A first line, such as the values of the other columns of the row.
    public static func render(_ histogram: Histogram, title: String?, options: ChartOptions) -> String {
        var summary = "\(histogram.kind.name), range \(histogram.low)..\(histogram.high), \(histogram.bucketCount) buckets"
        let samples = histogram.sampleCount
        summary += ", \(samples) sample\(samples == 1 ? "" : "s"), sum \(histogram.sum)"
        if samples > 0 { summary += ", mean " + ChartText.number(Double(histogram.sum) / Double(samples)) }
        summary += ", \(histogram.submissions) submission\(histogram.submissions == 1 ? "" : "s")"
        let header = [title, summary].compactMap { $0 }.joined(separator: "\n")
        return render(buckets(of: histogram), header: header, options: options)
    }

    /// Returns every bucket of `histogram` in order, with a count of 0 for the empty ones.
    ///
    /// Uses Firefox's layout for the histogram's kind when every stored lower bound is part
    /// of it. A histogram whose layout is unknown or too large to list gets only its stored
    /// buckets.
    static func buckets(of histogram: Histogram) -> [ChartBucket] {
        let stored = zip(histogram.bucketLowerBounds, histogram.bucketCounts).map { ChartBucket(lower: Double($0), count: $1) }
        guard let layout = FirefoxLayout.lowerBounds(of: histogram) else { return stored }
        var counts: [Int64: Int64] = [:]
        for (bound, count) in zip(histogram.bucketLowerBounds, histogram.bucketCounts) { counts[bound, default: 0] += count }
        let layoutSet = Set(layout)
        guard counts.keys.allSatisfy(layoutSet.contains) else { return stored }
        return layout.map { ChartBucket(lower: Double($0), count: counts[$0] ?? 0) }
    }

    /// Draws `buckets` under `header`.
    ///
    /// Percentages are shares of all samples, including trimmed ones. Bars are scaled to the
    /// largest bucket shown: linearly, or by log10(1 + count) for `.log`.
    public static func render(_ buckets: [ChartBucket], header: String?, options: ChartOptions) -> String {
        var lines: [String] = header.map { [$0] } ?? []
        if options.scale == .log { lines.append("log scale") }
        let total = buckets.reduce(Int64(0)) { $0 &+ max($1.count, 0) }
        guard total > 0 else {
            lines.append("(empty histogram: no samples)")
            return lines.joined(separator: "\n") + "\n"
        }

        let (shown, trimmed) = trim(buckets, total: total, percent: options.trimPercent)
        let lowerWidth = max(5, shown.map { ChartText.number($0.lower).count }.max() ?? 0)
        let countWidth = max(5, String(shown.map(\.count).max() ?? 0).count)
        let prefixWidth = lowerWidth + 2 + countWidth + 2 + 6 + 2
        let barWidth = max(10, options.fittedWidth - prefixWidth)
        let largest = shown.map { max($0.count, 0) }.max() ?? 0

        lines.append(ChartText.padLeft("lower", to: lowerWidth) + "  " + ChartText.padLeft("count", to: countWidth) + "       %")
        var index = 0
        while index < shown.count {
            let runEnd = emptyRunEnd(shown, from: index)
            if runEnd - index >= foldedRunLength {
                let first = ChartText.number(shown[index].lower)
                let last = ChartText.number(shown[runEnd - 1].lower)
                lines.append(ChartText.padLeft("…", to: lowerWidth) + "  \(runEnd - index) empty buckets, lower bounds \(first) to \(last)")
                index = runEnd
                continue
            }
            let bucket = shown[index]
            var line = ChartText.padLeft(ChartText.number(bucket.lower), to: lowerWidth) + "  "
            line += ChartText.padLeft(String(bucket.count), to: countWidth) + "  "
            line += ChartText.padLeft(ChartText.percent(Double(max(bucket.count, 0)) / Double(total)), to: 6) + " │"
            line += bar(count: bucket.count, largest: largest, width: barWidth, scale: options.scale)
            lines.append(line)
            index += 1
        }
        if let trimmed {
            lines.append("(trimmed \(trimmed.count) samples, \(ChartText.percent(Double(trimmed.count) / Double(total))), "
                + "in buckets from \(ChartText.number(trimmed.lower)) up)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Drops the top `percent` of samples: keeps buckets up to the first one at which the
    /// cumulative count reaches (100 - percent)% of `total`.
    ///
    /// - Returns: The kept buckets, and the count and first lower bound of the dropped ones
    ///   when they contain samples.
    static func trim(_ buckets: [ChartBucket], total: Int64, percent: Double)
        -> (shown: [ChartBucket], trimmed: (count: Int64, lower: Double)?)
    {
        guard percent > 0, let lastNonEmpty = buckets.lastIndex(where: { $0.count > 0 }) else { return (buckets, nil) }
        let keep = Double(total) * (1 - min(percent, 100) / 100)
        var cumulative: Int64 = 0
        var cut = lastNonEmpty
        for (index, bucket) in buckets.enumerated() {
            cumulative &+= max(bucket.count, 0)
            if Double(cumulative) >= keep {
                cut = index
                break
            }
        }
        guard cut < lastNonEmpty else { return (buckets, nil) }
        let dropped = buckets[(cut + 1)...].reduce(Int64(0)) { $0 &+ max($1.count, 0) }
        return (Array(buckets[...cut]), (dropped, buckets[cut + 1].lower))
    }

    /// Returns the index after the run of empty buckets that starts at `start`.
    private static func emptyRunEnd(_ buckets: [ChartBucket], from start: Int) -> Int {
        var end = start
        while end < buckets.count, buckets[end].count == 0 { end += 1 }
        return end
    }

    /// Returns a bar of full and partial blocks. A non-empty bucket gets at least `▏`.
    static func bar(count: Int64, largest: Int64, width: Int, scale: ChartOptions.Scale) -> String {
        guard count > 0, largest > 0 else { return "" }
        let fraction: Double
        switch scale {
        case .linear: fraction = Double(count) / Double(largest)
        case .log: fraction = log10(1 + Double(count)) / log10(1 + Double(largest))
        }
        let eighthCount = max(1, Int((fraction * Double(width * 8)).rounded()))
        var text = String(repeating: "█", count: eighthCount / 8)
        if eighthCount % 8 > 0 { text.append(eighths[eighthCount % 8 - 1]) }
        return text
    }
}

/// Firefox's bucket lower bounds, rebuilt for drawing the empty buckets of a histogram.
///
/// The bounds come from TeleCore's `HistogramLayout`, the same rules ingest and the
/// HISTOGRAM aggregate use.
enum FirefoxLayout {
    /// The maximum bucket count rebuilt. Larger histograms show only their stored buckets.
    static let maximumBucketCount: Int32 = 10_000

    /// Returns the lower bounds of every bucket, or nil when the layout is invalid or too large.
    static func lowerBounds(of histogram: Histogram) -> [Int64]? {
        guard histogram.bucketCount <= maximumBucketCount, let layout = try? HistogramLayout(of: histogram) else {
            return nil
        }
        return layout.lowerBounds
    }
}
