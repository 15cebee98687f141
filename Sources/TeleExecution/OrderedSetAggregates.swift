// Exact percentiles: percentile_cont and percentile_disc with PostgreSQL's
// WITHIN GROUP (ORDER BY x) form, and the approximate approx_percentile.
//
// The exact aggregates keep every value of a group and, when the group is complete, select
// the one or two order statistics they need, so they need memory in proportion to the input. approx_percentile keeps a fixed-accuracy
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
        for index in values.indices {
            guard !values[index].isEmpty else {
                results.append(0)
                seen.append(0)
                continue
            }
            results.append(Self.percentile(of: &values[index], fraction: fraction, continuous: continuous))
            values[index] = []
            seen.append(1)
        }
        return Vector.double(results, validity: maskFromSeen(seen))
    }

    /// Computes the percentile of a non-empty group and reorders `group` in place. Selection
    /// orders only the one or two positions the result needs, in expected linear time. NaN
    /// sorts above every number, as in PostgreSQL.
    static func percentile(of group: inout [Double], fraction: Double, continuous: Bool) -> Double {
        let count = group.count
        let lower: Int
        var weight = 0.0
        if continuous {
            let position = fraction * Double(count - 1)
            lower = Int(position.rounded(.down))
            weight = position - Double(lower)
        } else {
            lower = min(max(0, Int((fraction * Double(count)).rounded(.up)) - 1), count - 1)
        }
        // Move NaNs to the end, where an ascending order puts them.
        var numbers = count
        var scan = 0
        while scan < numbers {
            if group[scan].isNaN {
                numbers -= 1
                group.swapAt(scan, numbers)
            } else {
                scan += 1
            }
        }
        let low = lower < numbers ? OrderSelection.select(&group, rank: lower, count: numbers) : Double.nan
        guard continuous, weight > 0, lower + 1 < count else { return low }
        // After selection every value right of `lower` is at least as large, so the next
        // order statistic is the smallest of them.
        let high: Double
        if lower + 1 < numbers {
            var smallest = group[lower + 1]
            for position in (lower + 2)..<numbers where group[position] < smallest { smallest = group[position] }
            high = smallest
        } else {
            high = Double.nan
        }
        return low + weight * (high - low)
    }

}

/// Selection of the k-th smallest value (Hoare's quickselect with a median-of-three pivot),
/// falling back to a sort of the remaining range when partitions keep coming out lopsided,
/// so the worst case stays O(n log n).
enum OrderSelection {
    /// Reorders `values[0..<count]` so that position `rank` gets the value a sort would put
    /// there, with no larger value before it and no smaller value after it. The range must
    /// contain no NaN.
    static func select(_ values: inout [Double], rank: Int, count: Int) -> Double {
        var low = 0
        var high = count - 1
        var budget = 2 * (Int.bitWidth - count.leadingZeroBitCount) + 8
        while high - low > 16 {
            budget -= 1
            if budget == 0 {
                values[low...high].sort()
                return values[rank]
            }
            let pivot = medianOfThree(values[low], values[(low + high) / 2], values[high])
            var left = low
            var right = high
            while left <= right {
                while values[left] < pivot { left += 1 }
                while values[right] > pivot { right -= 1 }
                if left <= right {
                    values.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            if rank <= right {
                high = right
            } else if rank >= left {
                low = left
            } else {
                return values[rank]
            }
        }
        values[low...high].sort()
        return values[rank]
    }

    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }
}
