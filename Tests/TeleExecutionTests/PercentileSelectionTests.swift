// Exact percentiles by selection agree with the same percentiles read from a full sort, for
// random groups with repeated values, NaNs and every size up to a few thousand.

import Testing

@testable import TeleExecution

@Suite struct PercentileSelectionTests {
    /// percentile_cont and percentile_disc as PostgreSQL defines them, from a full sort
    /// (NaN above every number).
    static func reference(_ values: [Double], fraction: Double, continuous: Bool) -> Double {
        let sorted = values.filter { !$0.isNaN }.sorted() + values.filter(\.isNaN)
        if continuous {
            let position = fraction * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            let weight = position - Double(lower)
            return weight == 0 ? sorted[lower] : sorted[lower] + weight * (sorted[upper] - sorted[lower])
        }
        let index = max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)
        return sorted[min(index, sorted.count - 1)]
    }

    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    @Test func selectionMatchesSorting() {
        var state: UInt64 = 12345
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let sizes = [1, 2, 3, 5, 16, 17, 33, 100, 257, 1000, 4099]
        let fractions = [0, 0.01, 0.25, 0.5, 0.5001, 0.75, 0.95, 0.99, 1]
        for size in sizes {
            for distinct in [2, 50, 1_000_000] {
                let values = (0..<size).map { _ -> Double in
                    let draw = next()
                    return draw % 97 == 0 ? .nan : Double(draw % UInt64(distinct))
                }
                for fraction in fractions {
                    for continuous in [true, false] {
                        var work = values
                        let selected = ExactPercentileState.percentile(of: &work, fraction: fraction, continuous: continuous)
                        let expected = Self.reference(values, fraction: fraction, continuous: continuous)
                        #expect(Self.same(selected, expected), "size \(size), distinct \(distinct), p \(fraction), cont \(continuous)")
                    }
                }
            }
        }
    }

    @Test func sortedAndReversedInputs() {
        for values in [Array(0..<5000).map(Double.init), Array((0..<5000).reversed()).map(Double.init),
                       [Double](repeating: 7, count: 5000)] {
            for fraction in [0.0, 0.3, 0.5, 0.999, 1] {
                var work = values
                let selected = ExactPercentileState.percentile(of: &work, fraction: fraction, continuous: true)
                #expect(Self.same(selected, Self.reference(values, fraction: fraction, continuous: true)))
            }
        }
    }
}
