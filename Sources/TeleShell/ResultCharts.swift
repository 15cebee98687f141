// Finding the charts in a query result: HISTOGRAM values, CDF values, bucket listings,
// (value, cumulative) pairs and series ordered by a date or build id, each drawn by its
// renderer.
//
// HISTOGRAM columns are charts by type, and CDF values by their name and JSON shape. The
// other shapes are recognized by column names and types alone, so they are drawn only
// when the user asks (`.chart on` or `.mode chart`). A plain `SELECT day, count(*) ...`
// should not grow a sparkline unasked.

import TeleCore
import TeleDB

/// Draws the charts a statement result contains.
public enum ResultCharts {
    /// Returns the charts for `result`, or nil when it contains nothing to chart.
    ///
    /// - Parameters:
    ///   - byName: Whether to recognize bucket listings, CDF points and evolution series by
    ///     their column names, besides HISTOGRAM and CDF values.
    ///   - maxRows: The number of rows whose histograms are drawn, followed by a line that
    ///     counts the rest; 0 draws every row.
    public static func render(_ result: StatementResult, options: ChartOptions, byName: Bool, maxRows: Int = 0) -> String? {
        guard result.returnsRows else { return nil }
        let columns = result.columns
        if columns.contains(where: { $0.type == .histogram }) {
            let rows = RowLocator(chunks: result.chunks)
            let drawnRowCount = maxRows > 0 ? min(maxRows, rows.count) : rows.count
            var text = histograms(columns: columns, rows: (0..<drawnRowCount).map(rows.row), options: options)
            if drawnRowCount < rows.count {
                let hidden = rows.count - drawnRowCount
                text += "\n(\(hidden) more row\(hidden == 1 ? "" : "s") not drawn. Use .maxrows 0 to draw every row.)\n"
            }
            return text
        }
        if let text = cdfValues(columns: columns, result: result, options: options) { return text }
        guard byName else { return nil }
        if let pair = bucketColumns(columns) {
            return bucketBars(columns: columns, rows: result.rows, pair: pair, options: options)
        }
        if let pair = cdfColumns(columns) {
            return cdfs(columns: columns, rows: result.rows, pair: pair, options: options)
        }
        if let order = seriesOrderColumn(columns) {
            return sparklines(columns: columns, rows: result.rows, order: order, options: options)
        }
        return nil
    }

    // MARK: Histograms

    private static func histograms(columns: [ResultColumn], rows: [[Value]], options: ChartOptions) -> String {
        let histogramColumns = columns.indices.filter { columns[$0].type == .histogram }
        let labelColumns = columns.indices.filter { columns[$0].type != .histogram }
        var charts: [String] = []
        for row in rows {
            for column in histogramColumns {
                var title = labelColumns.map { describe(column: columns[$0], value: row[$0]) }
                if histogramColumns.count > 1 || title.isEmpty { title.append(columns[column].name) }
                let heading = title.joined(separator: ", ")
                guard case .histogram(let histogram) = row[column] else {
                    charts.append(heading + "\nNULL\n")
                    continue
                }
                charts.append(HistogramChart.render(histogram, title: heading, options: options))
            }
        }
        return charts.joined(separator: "\n")
    }

    /// Returns the columns of a bucket listing, such as `histogram_buckets` returns: numeric
    /// columns named `lower` and `count`.
    static func bucketColumns(_ columns: [ResultColumn]) -> (lower: Int, count: Int)? {
        let numeric = { (name: String) in
            columns.indices.first { columns[$0].type.isNumeric && columns[$0].name.lowercased() == name }
        }
        guard let lower = numeric("lower"), let count = numeric("count") else { return nil }
        return (lower, count)
    }

    /// Draws a bucket listing as one bar chart per group of text and date columns. Rows with
    /// a NULL lower bound or count are skipped.
    private static func bucketBars(columns: [ResultColumn], rows: [[Value]], pair: (lower: Int, count: Int),
                                   options: ChartOptions) -> String
    {
        let groups = group(rows, by: columns.indices.filter { isGroupKey(columns[$0]) }, columns: columns)
        return groups.map { group in
            let buckets = group.rows.compactMap { row -> ChartBucket? in
                guard let lower = row[pair.lower].numericValue, case .integer(let count) = row[pair.count] else { return nil }
                return ChartBucket(lower: lower, count: count)
            }
            return HistogramChart.render(buckets, header: group.title, options: options)
        }.joined(separator: "\n")
    }

    // MARK: CDFs

    /// Draws the CDF values of a result: VARCHAR columns named `cdf`, `cdf_*` or `*_cdf` in
    /// which every non-NULL value parses as a CDF, since the CDF aggregate returns its pairs
    /// as JSON text.
    private static func cdfValues(columns: [ResultColumn], result: StatementResult, options: ChartOptions) -> String? {
        let named = columns.indices.filter { index in
            let name = columns[index].name.lowercased()
            return columns[index].type == .varchar && (name == "cdf" || name.hasPrefix("cdf_") || name.hasSuffix("_cdf"))
        }
        guard !named.isEmpty else { return nil }
        let rows = result.rows
        let cdfColumns = named.filter { column in
            rows.allSatisfy { row in
                guard case .string(let text) = row[column] else { return row[column] == .null }
                return CDFChart.parsePairs(text) != nil
            }
        }
        guard !cdfColumns.isEmpty else { return nil }
        let labelColumns = columns.indices.filter { !cdfColumns.contains($0) }
        var charts: [String] = []
        for row in rows {
            for column in cdfColumns {
                var title = labelColumns.map { describe(column: columns[$0], value: row[$0]) }
                if cdfColumns.count > 1 || title.isEmpty { title.append(columns[column].name) }
                let heading = title.joined(separator: ", ")
                guard case .string(let text) = row[column], let points = CDFChart.parsePairs(text) else {
                    charts.append(heading + "\nNULL\n")
                    continue
                }
                charts.append(CDFChart.render(points, title: heading, options: options))
            }
        }
        return charts.joined(separator: "\n")
    }

    /// Returns the value and cumulative column of a CDF: a numeric column named `cumulative`,
    /// `cdf` or `cumulative_*`, and before it the numeric column named `value`, else `upper`,
    /// else the first numeric one.
    ///
    /// The `upper` rule draws a `(lower, upper, count, fraction, cumulative)` bucket listing
    /// at each bucket's upper bound, where its cumulative fraction is reached.
    static func cdfColumns(_ columns: [ResultColumn]) -> (value: Int, cumulative: Int)? {
        guard let cumulative = columns.indices.first(where: { index in
            let name = columns[index].name.lowercased()
            return columns[index].type.isNumeric && (name == "cumulative" || name == "cdf" || name.hasPrefix("cumulative_"))
        }) else { return nil }
        let candidates = columns.indices.filter { $0 < cumulative && columns[$0].type.isNumeric }
        let named = { (name: String) in candidates.first { columns[$0].name.lowercased() == name } }
        guard let value = named("value") ?? named("upper") ?? candidates.first else { return nil }
        return (value, cumulative)
    }

    private static func cdfs(columns: [ResultColumn], rows: [[Value]], pair: (value: Int, cumulative: Int),
                             options: ChartOptions) -> String
    {
        let keyColumns = columns.indices.filter { isGroupKey(columns[$0]) }
        let groups = group(rows, by: keyColumns, columns: columns)
        return groups.map { group in
            let points = group.rows.compactMap { row -> (value: Double, cumulative: Double)? in
                guard let value = row[pair.value].numericValue, let cumulative = row[pair.cumulative].numericValue else { return nil }
                return (value, cumulative)
            }
            return CDFChart.render(points, title: group.title, valueName: columns[pair.value].name,
                                   cumulativeName: columns[pair.cumulative].name, options: options)
        }.joined(separator: "\n")
    }

    // MARK: Evolution series

    /// Returns the column that orders an evolution series: a date or timestamp column, or
    /// one named like a build id or a date, when the last column is numeric.
    static func seriesOrderColumn(_ columns: [ResultColumn]) -> Int? {
        guard columns.count >= 2, let last = columns.last, last.type.isNumeric else { return nil }
        let candidates = columns.indices.dropLast()
        if let temporal = candidates.first(where: { columns[$0].type.isTemporal }) { return temporal }
        let names = ["build_id", "buildid", "build", "date", "day", "week", "month", "submission_date"]
        return candidates.first { index in
            let name = columns[index].name.lowercased()
            return names.contains(name) || name.hasSuffix("_date") || name.hasSuffix("build_id")
        }
    }

    /// Returns one sparkline per group, or nil when no group has two points, as when a text
    /// column such as a document id makes every row its own group.
    private static func sparklines(columns: [ResultColumn], rows: [[Value]], order: Int, options: ChartOptions) -> String? {
        let valueColumn = columns.count - 1
        let keyColumns = columns.indices.filter { $0 != order && isGroupKey(columns[$0]) }
        let groups = group(rows, by: keyColumns, columns: columns)
        guard groups.contains(where: { $0.rows.count >= 2 }) else { return nil }
        let titleWidth = groups.map { ($0.title ?? "").count }.max() ?? 0
        var lines: [String] = ["\(columns[valueColumn].name) by \(columns[order].name)"]
        for group in groups {
            let values = group.rows.map { $0[valueColumn].numericValue }
            let known = values.compactMap { $0 }.filter { !$0.isNaN }
            let first = group.rows.first.map { ResultFormatter.displayText($0[order]) } ?? ""
            let last = group.rows.last.map { ResultFormatter.displayText($0[order]) } ?? ""
            var summary = "\(first)..\(last), \(values.count) points"
            if let low = known.min(), let high = known.max(), let latest = known.last {
                summary += ", min \(ChartText.number(low)), max \(ChartText.number(high)), last \(ChartText.number(latest))"
            }
            let title = group.title.map { ChartText.padRight($0, to: titleWidth) + " " } ?? ""
            let space = options.fittedWidth - title.count - 2
            lines.append(title + Sparkline.render(values, width: max(space, 10)))
            lines.append(String(repeating: " ", count: title.count) + summary)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Grouping

    /// Returns `name = value`, the form chart titles give each label column.
    static func describe(column: ResultColumn, value: Value) -> String {
        column.name + " = " + ResultFormatter.displayText(value)
    }

    /// Returns whether a column splits a CDF or series into groups. Numeric columns are
    /// measures beside the charted one, such as a count, so they do not.
    static func isGroupKey(_ column: ResultColumn) -> Bool {
        !column.type.isNumeric && column.type != .histogram
    }

    /// Splits rows by the text of `keys`, keeping the first-seen order of groups and the
    /// order of rows inside each group.
    static func group(_ rows: [[Value]], by keys: [Int], columns: [ResultColumn]) -> [(title: String?, rows: [[Value]])] {
        guard !keys.isEmpty else { return [(nil, rows)] }
        var order: [String] = []
        var members: [String: [[Value]]] = [:]
        for row in rows {
            let title = keys.map { describe(column: columns[$0], value: row[$0]) }.joined(separator: ", ")
            if members[title] == nil { order.append(title) }
            members[title, default: []].append(row)
        }
        return order.map { ($0, members[$0] ?? []) }
    }
}

extension Value {
    /// The value as a Double for charting, or nil for NULL and non-numeric values.
    var numericValue: Double? {
        switch self {
        case .integer(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }
}
