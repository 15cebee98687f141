// Exact percentiles: percentile_cont and percentile_disc with PostgreSQL's
// WITHIN GROUP (ORDER BY x) form, and the approximate approx_percentile.
//
// The exact aggregates keep every value of a group and sort it when the group is complete,
// so they need memory in proportion to the input. approx_percentile keeps a fixed-accuracy
// sketch instead (see QuantileSketchState).

import TeleCore

public enum OrderedSetAggregates {
    /// percentile_cont(p) or percentile_disc(p) WITHIN GROUP (ORDER BY x [DESC]).
    ///
    /// - Throws: `TeleError` 22023 when `fraction` is not between 0 and 1.
    public static func percentile(continuous: Bool, fraction: Double, descending: Bool) throws -> AggregateFunction {
        try HistogramStatistics.checkFraction(fraction)
        // Descending order reads the ascending order from the other end.
        let position = descending ? 1 - fraction : fraction
        let name = continuous ? "percentile_cont" : "percentile_disc"
        return AggregateFunction(name: name, argumentTypes: [.double], returnType: .double) {
            ExactPercentileState(fraction: position, continuous: continuous)
        }
    }

    /// approx_percentile(x, p) on a deterministic sketch with 1% relative accuracy.
    ///
    /// - Throws: `TeleError` 22023 when `fraction` is not between 0 and 1.
    public static func approximatePercentile(fraction: Double) throws -> AggregateFunction {
        try HistogramStatistics.checkFraction(fraction)
        return AggregateFunction(name: "approx_percentile", argumentTypes: [.double], returnType: .double) {
            QuantileSketchState(fraction: fraction)
        }
    }
}

final class ExactPercentileState: AggregateState {
    let fraction: Double
    let continuous: Bool
    var values: [[Double]] = []

    init(fraction: Double, continuous: Bool) {
        self.fraction = fraction
        self.continuous = continuous
    }

    func resize(groupCount: Int) {
        if groupCount > values.count { values.append(contentsOf: repeatElement([], count: groupCount - values.count)) }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        forEachValidRow(count: count, mask: mask) { row in values[Int(groupIds[row])].append(input[row]) }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! ExactPercentileState
        for (group, target) in mapping.enumerated() { values[Int(target)].append(contentsOf: other.values[group]) }
    }

    func finalize() throws -> Vector {
        var results: [Double] = []
        var seen: [UInt8] = []
        for group in values {
            let sorted = group.sorted()
            guard !sorted.isEmpty else {
                results.append(0)
                seen.append(0)
                continue
            }
            results.append(continuous ? Self.interpolated(sorted, fraction) : Self.discrete(sorted, fraction))
            seen.append(1)
        }
        return Vector.double(results, validity: maskFromSeen(seen))
    }

    /// PostgreSQL's percentile_cont: linear interpolation between the values at positions
    /// floor(p * (n - 1)) and ceil(p * (n - 1)).
    static func interpolated(_ sorted: [Double], _ fraction: Double) -> Double {
        let position = fraction * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] + weight * (sorted[upper] - sorted[lower])
    }

    /// PostgreSQL's percentile_disc: the first value whose cumulative fraction reaches p.
    static func discrete(_ sorted: [Double], _ fraction: Double) -> Double {
        let index = max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)
        return sorted[min(index, sorted.count - 1)]
    }
}
