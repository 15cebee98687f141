// The curve of an empirical cumulative distribution, drawn with braille characters on a grid
// of text cells, with the cumulative fraction on the y axis and the value on the x axis.
//
// Each text cell contains 2 x 4 braille dots, so a plot of W x H cells has 2W x 4H points. The
// CDF is a step function. At each dot column the curve is at the cumulative fraction of the
// last point whose value lies at or left of that column's right edge. Vertical dots join it
// to the column before, so jumps stay visible.

import Foundation

/// Draws cumulative distributions as curves.
public enum CDFChart {
    /// Draws the CDF given by `points` with labelled axes.
    ///
    /// Points with a NaN or infinite value or cumulative fraction are skipped. When any
    /// cumulative value exceeds 1 the values are read as cumulative counts and divided by the
    /// largest. With `.log` scale and only positive values the x axis is log10.
    ///
    /// - Parameters:
    ///   - valueName: The x axis title, such as the value column's name.
    ///   - cumulativeName: The y axis title.
    public static func render(_ points: [(value: Double, cumulative: Double)], title: String?, valueName: String = "value",
                              cumulativeName: String = "cumulative", options: ChartOptions) -> String
    {
        var lines: [String] = title.map { [$0] } ?? []
        var finite = points.filter { $0.value.isFinite && $0.cumulative.isFinite }
        guard !finite.isEmpty else {
            lines.append("(empty CDF: no points)")
            return lines.joined(separator: "\n") + "\n"
        }
        finite.sort { $0.value < $1.value }
        let largest = finite.map(\.cumulative).max() ?? 1
        if largest > 1 { finite = finite.map { ($0.value, $0.cumulative / largest) } }

        let logScale = options.scale == .log && (finite.first?.value ?? 0) > 0
        let position: (Double) -> Double = logScale ? { log10($0) } : { $0 }
        let low = position(finite[0].value)
        let high = position(finite[finite.count - 1].value)

        let labels = [1.0, 0.75, 0.5, 0.25, 0.0]
        let labelWidth = 4
        let plotWidth = options.fittedWidth - labelWidth - 2
        let height = max(options.height, 4)
        let grid = plot(finite, position: position, low: low, high: high, columns: plotWidth, rows: height)

        lines.append(cumulativeName + (logScale ? "  (x axis log10)" : ""))
        let dotRows = height * 4
        var labelRows: [Int: String] = [:]
        for fraction in labels {
            let dot = Int((fraction * Double(dotRows - 1)).rounded())
            // On a short plot two fractions can fall in one row; the first (higher) one stays.
            let row = (dotRows - 1 - dot) / 4
            if labelRows[row] == nil { labelRows[row] = String(format: "%.2f", fraction) }
        }
        for row in 0..<height {
            let label = labelRows[row].map { ChartText.padLeft($0, to: labelWidth) + " ┤" } ?? String(repeating: " ", count: labelWidth) + " │"
            let cells = String(grid[row]).replacingOccurrences(of: "\u{2800}", with: " ")
            lines.append(trimTrailingSpaces(label + cells))
        }
        lines.append(String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: plotWidth))
        lines.append(axisLabels(low: low, high: high, log: logScale, indent: labelWidth + 2, width: plotWidth))
        lines.append(String(repeating: " ", count: labelWidth + 2) + centered(valueName, width: plotWidth))
        return lines.map(trimTrailingSpaces).joined(separator: "\n") + "\n"
    }

    /// Parses a CDF value as the CDF aggregate writes it: a JSON array of `[value, cumulative]`
    /// pairs such as `[[1,0.25],[7,1]]`.
    ///
    /// - Returns: The pairs, or nil when `text` is not such an array.
    static func parsePairs(_ text: String) -> [(value: Double, cumulative: Double)]? {
        let compact = text.filter { !$0.isWhitespace }
        guard compact.hasPrefix("["), compact.hasSuffix("]") else { return nil }
        let body = compact.dropFirst().dropLast()
        if body.isEmpty { return [] }
        guard body.hasPrefix("["), body.hasSuffix("]") else { return nil }
        var pairs: [(value: Double, cumulative: Double)] = []
        // Splitting at "],[" leaves each pair as "value,cumulative" once the outer brackets go.
        for item in body.dropFirst().dropLast().components(separatedBy: "],[") {
            let numbers = item.split(separator: ",", omittingEmptySubsequences: false)
            guard numbers.count == 2, let value = Double(numbers[0]), let cumulative = Double(numbers[1]) else { return nil }
            pairs.append((value, cumulative))
        }
        return pairs
    }

    /// Fills a `rows` x `columns` grid of braille cells with the step curve of `points`.
    static func plot(_ points: [(value: Double, cumulative: Double)], position: (Double) -> Double, low: Double, high: Double,
                     columns: Int, rows: Int) -> [[Character]]
    {
        let dotColumns = columns * 2
        let dotRows = rows * 4
        var bits = [[UInt32]](repeating: [UInt32](repeating: 0, count: columns), count: rows)
        let span = high - low
        var next = 0
        var fraction = 0.0
        var previousDot: Int?
        for dotColumn in 0..<dotColumns {
            // The right edge of this dot column; a single-valued CDF fills the whole width.
            let edge = span > 0 ? low + span * Double(dotColumn + 1) / Double(dotColumns) : high
            while next < points.count, position(points[next].value) <= edge + span * 1e-12 {
                fraction = points[next].cumulative
                next += 1
            }
            let dot = Int((min(max(fraction, 0), 1) * Double(dotRows - 1)).rounded())
            let from = min(previousDot ?? dot, dot)
            let to = max(previousDot ?? dot, dot)
            for y in from...to {
                let rowFromTop = dotRows - 1 - y
                bits[rowFromTop / 4][dotColumn / 2] |= brailleBit(column: dotColumn % 2, row: rowFromTop % 4)
            }
            previousDot = dot
        }
        return bits.map { row in row.map { Character(Unicode.Scalar(0x2800 + $0) ?? " ") } }
    }

    /// Returns the bit of the braille dot at (`column`, `row`) inside one cell, rows from the top.
    static func brailleBit(column: Int, row: Int) -> UInt32 {
        let left: [UInt32] = [0x01, 0x02, 0x04, 0x40]
        let right: [UInt32] = [0x08, 0x10, 0x20, 0x80]
        return column == 0 ? left[row] : right[row]
    }

    /// Returns the x axis labels: the minimum under the left end, the maximum under the right
    /// end and, when there is room, the middle value under the middle.
    static func axisLabels(low: Double, high: Double, log: Bool, indent: Int, width: Int) -> String {
        // pow(10, log10(v)) can miss v by an ulp, and 182.0000001 would print as "182.0".
        let value: (Double) -> String = { position in
            guard log else { return ChartText.number(position) }
            let real = pow(10, position)
            return ChartText.number(abs(real - real.rounded()) < 1e-9 * abs(real) ? real.rounded() : real)
        }
        let left = value(low)
        let right = value(high)
        var line = [Character](repeating: " ", count: width)
        put(left, at: 0, in: &line)
        put(right, at: width - right.count, in: &line)
        let middle = value((low + high) / 2)
        let middleStart = width / 2 - middle.count / 2
        if high > low, middleStart > left.count + 1, middleStart + middle.count < width - right.count - 1 {
            put(middle, at: middleStart, in: &line)
        }
        return String(repeating: " ", count: indent) + String(line)
    }

    private static func put(_ text: String, at start: Int, in line: inout [Character]) {
        for (offset, character) in text.enumerated() where start + offset >= 0 && start + offset < line.count {
            line[start + offset] = character
        }
    }

    private static func centered(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(0, (width - text.count) / 2)) + text
    }

    static func trimTrailingSpaces(_ line: String) -> String {
        var end = line.endIndex
        while end > line.startIndex, line[line.index(before: end)] == " " { end = line.index(before: end) }
        return String(line[..<end])
    }
}
