// Sparklines: a series drawn as one line of block characters, one character per point or,
// for a series longer than the space, per group of neighbouring points.

import Foundation

/// Draws numeric series as sparklines of the eight block heights `▁▂▃▄▅▆▇█`.
public enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Draws `values` scaled from their minimum (`▁`) to their maximum (`█`).
    ///
    /// NULL and NaN print as a space. A series whose values are all equal prints at the
    /// middle height `▄`. When `values` has more points than `width`, each character shows
    /// the mean of a run of ceil(count / width) neighbouring points.
    public static func render(_ values: [Double?], width: Int = .max) -> String {
        let points = downsample(values, width: max(width, 1))
        let known = points.compactMap { $0 }
        guard let low = known.min(), let high = known.max() else {
            return String(repeating: " ", count: points.count)
        }
        var text = ""
        for point in points {
            guard let point else {
                text.append(" ")
                continue
            }
            if high == low {
                text.append(levels[3])
                continue
            }
            let level = Int(((point - low) / (high - low) * Double(levels.count - 1)).rounded())
            text.append(levels[min(max(level, 0), levels.count - 1)])
        }
        return text
    }

    /// Averages runs of neighbouring points so at most `width` remain; NaN counts as NULL.
    static func downsample(_ values: [Double?], width: Int) -> [Double?] {
        let clean = values.map { $0.flatMap { $0.isNaN ? nil : $0 } }
        guard clean.count > width else { return clean }
        let runLength = (clean.count + width - 1) / width
        return stride(from: 0, to: clean.count, by: runLength).map { start in
            let run = clean[start..<min(start + runLength, clean.count)].compactMap { $0 }
            return run.isEmpty ? nil : run.reduce(0, +) / Double(run.count)
        }
    }
}
