// The `.chart` dot command, which sets when and how the shell draws charts.

import Foundation

extension Shell {
    /// Applies `.chart on|off|auto`, `.chart log|linear`, `.chart trim P` or `.chart width N`;
    /// with no argument, prints the current settings.
    func setChart(_ arguments: [String], lineNumber: Int) {
        guard let word = arguments.first?.lowercased() else {
            output(Self.describe(chartOptions) + "\n")
            return
        }
        switch word {
        case "on", "off", "auto":
            chartOptions.setting = ChartSetting(rawValue: word) ?? .auto
        case "log", "linear":
            chartOptions.scale = ChartOptions.Scale(rawValue: word) ?? .linear
        case "trim":
            guard arguments.count == 2, let percent = Double(arguments[1].replacingOccurrences(of: "%", with: "")),
                  percent >= 0, percent < 100
            else {
                reportError("invalid .chart trim percentage \"\(arguments.dropFirst().joined(separator: " "))\"",
                            hint: "Give a percentage from 0 to below 100, such as .chart trim 1, or 0 to keep every sample.",
                            lineNumber: lineNumber)
                return
            }
            chartOptions.trimPercent = percent
        case "width":
            guard arguments.count == 2, let width = Int(arguments[1]), width == 0 || width >= ChartOptions.minimumWidth else {
                reportError("invalid .chart width \"\(arguments.dropFirst().joined(separator: " "))\"",
                            hint: "Give a width of at least \(ChartOptions.minimumWidth) columns, such as .chart width 100, "
                                + "or 0 to follow the terminal.",
                            lineNumber: lineNumber)
                return
            }
            chartOptions.width = width
        default:
            reportError("invalid .chart argument \"\(arguments[0])\"",
                        hint: "Use .chart on, off, auto, log, linear, trim P or width N.", lineNumber: lineNumber)
        }
    }

    /// Describes chart settings as `.chart` prints them: `charts: auto, scale: linear, trim: 0%, width: 80`,
    /// or `width: terminal (80)` while the width follows the terminal.
    static func describe(_ options: ChartOptions) -> String {
        let width = options.width > 0 ? String(options.width) : "terminal (\(options.fittedWidth))"
        return "charts: \(options.setting.rawValue), scale: \(options.scale.rawValue), "
            + "trim: \(ChartText.number(options.trimPercent))%, width: \(width)"
    }
}
