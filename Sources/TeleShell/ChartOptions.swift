// The settings the chart renderers share, and the number and terminal-width helpers they use.
//
// The shell keeps one `ChartOptions` value that `.chart` and `.mode chart` change. Each
// renderer in HistogramChart.swift, CDFChart.swift and Sparkline.swift reads it.

import Foundation

/// When the shell draws charts under a table.
public enum ChartSetting: String, Sendable, CaseIterable {
    /// Charts only for histogram and CDF values: HISTOGRAM columns and the JSON text of the
    /// CDF aggregate.
    case auto
    /// Also charts for results recognized by their column names: (value, cumulative) pairs
    /// and series ordered by a date or build id.
    case on
    /// No charts in table mode. `.mode chart` still draws them.
    case off
}

/// Chart settings the renderers read: scale, trimming and size.
public struct ChartOptions: Sendable, Equatable {
    /// The mapping from values to bar lengths and CDF x positions.
    public enum Scale: String, Sendable {
        case linear
        /// Bars proportional to log10(1 + count), and a log10 CDF x axis when all values are positive.
        case log
    }

    public var setting: ChartSetting
    public var scale: Scale
    /// The percentage of samples, from the top of a histogram, to leave out of the chart.
    /// 0 keeps all of them.
    public var trimPercent: Double
    /// The total width of a chart line in terminal columns. 0 follows the terminal: `COLUMNS`,
    /// else the width of the terminal on standard output, else 80, read for each chart.
    public var width: Int
    /// The number of text rows of a CDF plot area.
    public var height: Int

    public init(setting: ChartSetting = .auto, scale: Scale = .linear, trimPercent: Double = 0,
                width: Int = 80, height: Int = 12) {
        self.setting = setting
        self.scale = scale
        self.trimPercent = trimPercent
        self.width = width
        self.height = height
    }

    /// The minimum chart width. A smaller `width` is raised to this.
    static let minimumWidth = 40

    var fittedWidth: Int { max(width > 0 ? width : TerminalSize.width(), Self.minimumWidth) }
}

/// Number formatting and text measuring for chart labels.
enum ChartText {
    /// Formats a label: whole numbers in full, from 100 up one decimal, below 100 at most 4
    /// significant digits.
    static func number(_ value: Double) -> String {
        if !value.isFinite { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        if abs(value) >= 100, abs(value) < 1e15 { return String(format: "%.1f", value) }
        return String(format: "%.4g", value)
    }

    /// Formats a fraction as a percentage with one decimal: `12.5%`.
    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f%%", fraction * 100)
    }

    static func padLeft(_ text: String, to width: Int) -> String {
        let missing = width - text.count
        return missing > 0 ? String(repeating: " ", count: missing) + text : text
    }

    static func padRight(_ text: String, to width: Int) -> String {
        let missing = width - text.count
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }
}

/// Finds the width of the terminal the shell writes to.
public enum TerminalSize {
    /// Returns `COLUMNS` when it is a positive number, else the width of the terminal on
    /// standard output, else 80.
    public static func width(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        var size = winsize()
        if isatty(STDOUT_FILENO) != 0, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return 80
    }
}
