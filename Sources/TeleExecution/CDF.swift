// The CDF aggregate: an empirical cumulative distribution of numeric values or of merged
// histograms, and the cdf_points table function that unnests one.
//
// TeleDB has no CDF type, so a CDF is a VARCHAR holding a JSON array of
// [value, cumulative] pairs in ascending value order, for example `[[1,0.25],[7,1]]`,
// where `cumulative` is the fraction of samples at or below `value`.
//
// CDF(x, points) keeps every value of a group and sorts it when the group is complete. With
// n values it reports the values at ranks ceil(k * n / points) for k = 1 ... points, plus
// the minimum, each with its exact cumulative fraction. Equal values collapse into one
// point, so a column with few distinct values reports each of them once. The choice depends
// only on the sorted values, so the result is the same in every run and row order.

import TeleCore

public enum CDFAggregates {
    public static let defaultPointCount = 500

    /// CDF(x [, points]) over numeric values.
    ///
    /// - Throws: `TeleError` 22023 when `points` is below 2 or above 100000.
    public static func values(points: Int) throws -> AggregateFunction {
        try checkPointCount(points)
        return AggregateFunction(name: "cdf", argumentTypes: [.double], returnType: .varchar) {
            CDFState(points: points)
        }
    }

    /// CDF(h): merges the histograms of a group, then reports one point per non-empty bucket
    /// at the bucket's upper bound. The overflow bucket has no upper bound and is reported at
    /// its lower bound.
    public static var histograms: AggregateFunction {
        AggregateFunction(name: "cdf", argumentTypes: [.histogram], returnType: .varchar) {
            HistogramCDFState()
        }
    }

    static func checkPointCount(_ points: Int) throws {
        guard points >= 2, points <= 100_000 else {
            throw TeleError(
                .invalidParameterValue, "invalid CDF point count \(points)",
                hint: "Ask for between 2 and 100000 points; the default is 500.")
        }
    }

    /// Renders the CDF of ascending values as JSON pairs.
    static func render(sorted: [Double], points: Int) -> String {
        let count = sorted.count
        var ranks: [Int] = [0]
        for k in 1...points {
            let rank = Int((Double(k) * Double(count) / Double(points)).rounded(.up)) - 1
            ranks.append(min(max(rank, 0), count - 1))
        }
        var pairs: [(Double, Double)] = []
        for rank in ranks {
            let value = sorted[rank]
            if let last = pairs.last, last.0 == value { continue }
            // The cumulative fraction counts every copy of the value.
            let atOrBelow = upperIndex(sorted, value)
            pairs.append((value, Double(atOrBelow) / Double(count)))
        }
        return renderPairs(pairs)
    }

    static func renderPairs(_ pairs: [(Double, Double)]) -> String {
        let parts = pairs.map { "[\(HistogramStatistics.formatNumber($0.0)),\(HistogramStatistics.formatNumber($0.1))]" }
        return "[" + parts.joined(separator: ",") + "]"
    }

    /// Counts the elements at or below `value` in ascending `sorted` by binary search.
    static func upperIndex(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Reads a CDF's JSON pairs back.
    ///
    /// - Throws: `TeleError` 22P02 when the text is not a list of [value, cumulative] pairs.
    public static func parse(_ text: String) throws -> [(value: Double, cumulative: Double)] {
        let stripped = text.filter { $0 != "[" && $0 != "]" && !$0.isWhitespace }
        if stripped.isEmpty { return [] }
        let numbers = stripped.split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0)) }
        guard numbers.count % 2 == 0, numbers.allSatisfy({ $0 != nil }) else {
            throw TeleError(
                .invalidTextRepresentation, "invalid CDF value: \"\(text.prefix(60))\"",
                hint: "A CDF is a JSON list of [value, cumulative] pairs, as CDF(x) returns it.")
        }
        let values = numbers.compactMap { $0 }
        return stride(from: 0, to: values.count, by: 2).map { (values[$0], values[$0 + 1]) }
    }
}

final class CDFState: AggregateState {
    let points: Int
    var values: [[Double]] = []

    init(points: Int) { self.points = points }

    func resize(groupCount: Int) {
        if groupCount > values.count { values.append(contentsOf: repeatElement([], count: groupCount - values.count)) }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        forEachValidRow(count: count, mask: mask) { row in
            if !input[row].isNaN { values[Int(groupIds[row])].append(input[row]) }
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! CDFState
        for (group, target) in mapping.enumerated() { values[Int(target)].append(contentsOf: other.values[group]) }
    }

    func finalize() throws -> Vector {
        var builder = VectorBuilder(type: .varchar, capacity: values.count)
        for group in values {
            if group.isEmpty {
                builder.appendNull()
            } else {
                builder.appendString(CDFAggregates.render(sorted: group.sorted(), points: points))
            }
        }
        return builder.finish()
    }
}

final class HistogramCDFState: AggregateState {
    let merge = HistogramMergeState(rebucketTo: nil)

    func resize(groupCount: Int) { merge.resize(groupCount: groupCount) }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        try merge.update(arguments, groupIds: groupIds, count: count)
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        try merge.combine((other as! HistogramCDFState).merge, mapping: mapping)
    }

    func finalize() throws -> Vector {
        let merged = try merge.finalize()
        var builder = VectorBuilder(type: .varchar, capacity: merged.count)
        for row in 0..<merged.count {
            guard case .histogram(let histogram) = merged.value(at: row), histogram.sampleCount > 0 else {
                builder.appendNull()
                continue
            }
            let layout = try HistogramLayout(of: histogram)
            let total = Double(histogram.sampleCount)
            var running: Int64 = 0
            var pairs: [(Double, Double)] = []
            for (bound, count) in zip(histogram.bucketLowerBounds, histogram.bucketCounts) where count > 0 {
                running += count
                let upper = layout.upperBound(ofBucket: layout.bucketIndex(of: bound)) ?? bound
                let point = (Double(upper), Double(running) / total)
                // The bucket below the overflow bucket ends where the overflow bucket starts,
                // so both report the same value: keep one point with the higher fraction.
                if let last = pairs.last, last.0 == point.0 { pairs[pairs.count - 1] = point } else { pairs.append(point) }
            }
            builder.appendString(CDFAggregates.renderPairs(pairs))
        }
        return builder.finish()
    }
}

extension TableFunctionRegistry {
    /// cdf_points(c): one row per point of a CDF, with columns `value` and `cumulative`.
    static let cdfPoints = TableFunction(
        name: "cdf_points", argumentType: .varchar, columnNames: ["value", "cumulative"],
        columnTypes: [.double, .double]
    ) { value in
        guard case .string(let text) = value else { return [] }
        return try CDFAggregates.parse(text).map { [.double($0.value), .double($0.cumulative)] }
    }
}
