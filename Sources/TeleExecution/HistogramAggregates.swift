// The HISTOGRAM aggregate: building a histogram from numeric samples with a given bucket
// layout, and merging HISTOGRAM values the way Mozilla's aggregator does.
//
// Both states keep integer counts and sums, so merging is exact: the result does not depend
// on the row order or on how partial states are combined. A merge adds bucket counts, sums
// and submission counts, and keeps the buckets sorted by lower bound.

import TeleCore

/// The bucket layout a HISTOGRAM(x, spec) call requests.
public enum HistogramSpec: Sendable, Hashable, CustomStringConvertible {
    /// A fixed Firefox layout: LINEAR(low, high, n) or EXPONENTIAL(low, high, n).
    case layout(HistogramLayout)
    /// AUTO(n): a linear layout over the minimum and maximum of the group's samples.
    case auto(bucketCount: Int)

    public var description: String {
        switch self {
        case .layout(let layout): return layout.description
        case .auto(let count): return "auto(\(count))"
        }
    }
}

public enum HistogramAggregates {
    /// HISTOGRAM(x, spec) over numeric samples, or HISTOGRAM(h, spec) re-bucketing histograms.
    ///
    /// - Throws: `TeleError` 0A000 for AUTO(n) over histograms, which have no samples to span.
    public static func build(spec: HistogramSpec, inputType: DataType) throws -> AggregateFunction {
        if inputType == .histogram {
            guard case .layout(let layout) = spec else {
                throw TeleError(
                    .featureNotSupported, "cannot re-bucket histograms with \(spec)",
                    hint: "Give a fixed layout such as EXPONENTIAL(1, 10000, 50).")
            }
            return AggregateFunction(name: "histogram", argumentTypes: [.histogram], returnType: .histogram) {
                HistogramMergeState(rebucketTo: layout)
            }
        }
        return AggregateFunction(name: "histogram", argumentTypes: [.double], returnType: .histogram) {
            switch spec {
            case .layout(let layout): return HistogramBuildState(layout: layout)
            case .auto(let count): return AutoHistogramState(bucketCount: count)
            }
        }
    }

    /// HISTOGRAM(h): merges histograms that share one layout.
    public static var merge: AggregateFunction {
        AggregateFunction(name: "histogram", argumentTypes: [.histogram], returnType: .histogram) {
            HistogramMergeState(rebucketTo: nil)
        }
    }

    /// Converts a sample to the integer Firefox records (rounded down). Returns nil for NaN,
    /// infinities and values beyond 2^53, because no histogram range represents them exactly.
    @inline(__always)
    static func sampleValue(_ value: Double) -> Int64? {
        guard value.magnitude <= 9_007_199_254_740_992 else { return nil }
        return Int64(value.rounded(.down))
    }

    static func sampleError(_ value: Double) -> TeleError {
        TeleError(
            .numericValueOutOfRange, "histogram sample \(value) out of range",
            hint: "Samples must be finite numbers of magnitude at most 2^53; filter or scale the others.")
    }

    static func overflowError() -> TeleError {
        TeleError(
            .numericValueOutOfRange, "histogram sum out of range",
            hint: "The sum of the samples does not fit in a bigint. Scale the samples down.")
    }
}

/// Dense bucket counts per group for one fixed layout.
final class HistogramBuildState: AggregateState {
    let layout: HistogramLayout
    /// `counts[group * bucketCount + bucket]`.
    var counts: [Int64] = []
    var sums: [Int64] = []
    var seen: [UInt8] = []

    init(layout: HistogramLayout) { self.layout = layout }

    func resize(groupCount: Int) {
        guard groupCount > sums.count else { return }
        let added = groupCount - sums.count
        counts.append(contentsOf: repeatElement(0, count: added * layout.bucketCount))
        sums.append(contentsOf: repeatElement(0, count: added))
        seen.append(contentsOf: repeatElement(0, count: added))
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        let width = layout.bucketCount
        var overflowed = false
        var invalid: Double?
        forEachValidRow(count: count, mask: mask) { row in
            let group = Int(groupIds[row])
            guard let sample = HistogramAggregates.sampleValue(input[row]) else {
                invalid = input[row]
                return
            }
            counts[group * width + layout.bucketIndex(of: sample)] &+= 1
            let (sum, overflow) = sums[group].addingReportingOverflow(sample)
            sums[group] = sum
            overflowed = overflowed || overflow
            seen[group] = 1
        }
        if let invalid { throw HistogramAggregates.sampleError(invalid) }
        if overflowed { throw HistogramAggregates.overflowError() }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! HistogramBuildState
        let width = layout.bucketCount
        for (group, target) in mapping.enumerated() where other.seen[group] != 0 {
            let index = Int(target)
            for bucket in 0..<width { counts[index * width + bucket] &+= other.counts[group * width + bucket] }
            let (sum, overflow) = sums[index].addingReportingOverflow(other.sums[group])
            if overflow { throw HistogramAggregates.overflowError() }
            sums[index] = sum
            seen[index] = 1
        }
    }

    func finalize() throws -> Vector {
        var builder = VectorBuilder(type: .histogram, capacity: sums.count)
        let width = layout.bucketCount
        for group in sums.indices {
            guard seen[group] != 0 else {
                builder.appendNull()
                continue
            }
            var bounds: [Int64] = []
            var values: [Int64] = []
            for bucket in 0..<width where counts[group * width + bucket] != 0 {
                bounds.append(layout.lowerBounds[bucket])
                values.append(counts[group * width + bucket])
            }
            builder.append(
                .histogram(
                    Histogram(layout: layout, sum: sums[group], bucketLowerBounds: bounds, bucketCounts: values)))
        }
        return builder.finish()
    }
}

/// AUTO(n) keeps every sample of a group, because the layout depends on the group's minimum
/// and maximum, which are known only when the group is complete.
final class AutoHistogramState: AggregateState {
    let bucketCount: Int
    var samples: [[Int64]] = []

    init(bucketCount: Int) { self.bucketCount = bucketCount }

    func resize(groupCount: Int) {
        if groupCount > samples.count { samples.append(contentsOf: repeatElement([], count: groupCount - samples.count)) }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if arguments[0].isNullConstant { return }
        let input = expandedDouble(arguments[0], count: count)
        let mask = validRows(arguments[0], count: count)
        var invalid: Double?
        forEachValidRow(count: count, mask: mask) { row in
            guard let sample = HistogramAggregates.sampleValue(input[row]) else {
                invalid = input[row]
                return
            }
            samples[Int(groupIds[row])].append(sample)
        }
        if let invalid { throw HistogramAggregates.sampleError(invalid) }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! AutoHistogramState
        for (group, target) in mapping.enumerated() { samples[Int(target)].append(contentsOf: other.samples[group]) }
    }

    func finalize() throws -> Vector {
        var builder = VectorBuilder(type: .histogram, capacity: samples.count)
        for group in samples {
            guard let minimum = group.min(), let maximum = group.max() else {
                builder.appendNull()
                continue
            }
            // Bucket 1 starts at the minimum (at least 1) and the overflow bucket at the
            // maximum, so the buckets between them split the data's range into equal widths.
            // A range too narrow for one integer per bucket is widened upward.
            let low = max(minimum, 0)
            let high = max(maximum, low + Int64(bucketCount))
            let layout = try HistogramLayout(kind: .linear, low: low, high: high, bucketCount: bucketCount)
            let state = HistogramBuildState(layout: layout)
            state.resize(groupCount: 1)
            let vector = Vector.double(group.map(Double.init))
            let groupIds = [Int32](repeating: 0, count: group.count)
            try groupIds.withUnsafeBufferPointer { try state.update([vector], groupIds: $0, count: group.count) }
            builder.append(try state.finalize().value(at: 0))
        }
        return builder.finish()
    }
}
