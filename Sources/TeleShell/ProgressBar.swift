// A progress bar on stderr for long ingest runs, redrawn in place with a carriage return.

import Foundation
import Synchronization

/// A bar such as `[#####     ]  50% 5.0/10.0 MB` on stderr, redrawn only when the
/// percentage changes.
public final class ProgressBar: Sendable {
    /// The quantity the counts measure.
    public enum Unit: Sendable {
        case bytes
        case files
        case rows
    }

    /// The number of `#` cells the full bar has.
    static let width = 30
    private let unit: Unit
    private let lastPercent = Mutex(-1)

    public init(unit: Unit) {
        self.unit = unit
    }

    /// Redraws the bar for `done` of `total`. The last call (done == total) ends the line.
    public func update(done: Int, total: Int) {
        let percent = total > 0 ? min(100, done * 100 / total) : 100
        let changed = lastPercent.withLock { last in
            guard percent != last else { return false }
            last = percent
            return true
        }
        guard changed else { return }
        var line = "\r" + Self.render(done: done, total: total, unit: unit)
        if done >= total { line += "\n" }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Renders the bar without the carriage return, such as `[###       ]  10% 1/10 files`.
    static func render(done: Int, total: Int, unit: Unit) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let percent = String(Int(fraction * 100))
        let counts: String
        switch unit {
        case .files: counts = "\(done)/\(total) files"
        case .bytes: counts = megabytes(done) + "/" + megabytes(total) + " MB"
        case .rows: counts = "\(done)/\(total) rows"
        }
        return "[\(bar)] " + String(repeating: " ", count: 3 - percent.count) + percent + "% " + counts
    }

    /// Formats a byte count in megabytes (10^6 bytes) with one decimal.
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}
