// Merging HISTOGRAM values per group, as Mozilla's aggregator combines submitted histograms:
// bucket counts, sums and submission counts are added with integer arithmetic.
//
// Histograms merge only when their layouts match (kind, range and bucket count). A merge
// with a target layout re-buckets first: each source bucket's count moves to the target
// bucket that contains the source bucket's lower bound.

import TeleCore

final class HistogramMergeState: AggregateState {
    /// The running merge of one group.
    struct Group {
        var layoutKey: LayoutKey
        var counts: [Int64: Int64] = [:]
        var sum: Int64 = 0
        var submissions: Int64 = 0
    }

    /// The facts that decide whether two histograms share a layout.
    struct LayoutKey: Hashable {
        var kind: HistogramKind
        var low: Int64
        var high: Int64
        var bucketCount: Int32

        init(_ histogram: Histogram) {
            self.init(kind: histogram.kind, low: histogram.low, high: histogram.high, bucketCount: histogram.bucketCount)
        }

        init(kind: HistogramKind, low: Int64, high: Int64, bucketCount: Int32) {
            self.kind = kind
            self.low = low
            self.high = high
            self.bucketCount = bucketCount
        }

        var text: String { "\(kind.name)(\(low), \(high), \(bucketCount))" }
    }

    let target: HistogramLayout?
    var groups: [Group?] = []

    init(rebucketTo target: HistogramLayout?) { self.target = target }

    func resize(groupCount: Int) {
        if groupCount > groups.count { groups.append(contentsOf: repeatElement(nil, count: groupCount - groups.count)) }
    }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        let input = arguments[0]
        if input.isNullConstant { return }
        for row in 0..<count where !input.isNull(row) {
            guard case .histogram(let histogram) = input.value(at: row) else { continue }
            try add(try rebucketed(histogram), to: Int(groupIds[row]))
        }
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        let other = other as! HistogramMergeState
        for (index, target) in mapping.enumerated() {
            guard let group = other.groups[index] else { continue }
            try fold(group, into: Int(target))
        }
    }

    func finalize() throws -> Vector {
        var builder = VectorBuilder(type: .histogram, capacity: groups.count)
        for group in groups {
            guard let group else {
                builder.appendNull()
                continue
            }
            let bounds = group.counts.keys.sorted()
            builder.append(
                .histogram(
                    Histogram(
                        kind: group.layoutKey.kind, low: group.layoutKey.low, high: group.layoutKey.high,
                        bucketCount: group.layoutKey.bucketCount, sum: group.sum, bucketLowerBounds: bounds,
                        bucketCounts: bounds.map { group.counts[$0] ?? 0 }, submissions: group.submissions)))
        }
        return builder.finish()
    }

    private func add(_ histogram: Histogram, to index: Int) throws {
        var group = Group(layoutKey: LayoutKey(histogram))
        for (bound, count) in zip(histogram.bucketLowerBounds, histogram.bucketCounts) {
            group.counts[bound, default: 0] &+= count
        }
        group.sum = histogram.sum
        group.submissions = histogram.submissions
        try fold(group, into: index)
    }

    private func fold(_ group: Group, into index: Int) throws {
        guard var current = groups[index] else {
            groups[index] = group
            return
        }
        guard current.layoutKey == group.layoutKey else {
            throw TeleError(
                .dataException,
                "cannot merge histograms with layouts \(current.layoutKey.text) and \(group.layoutKey.text)",
                hint: "Filter to one layout, or re-bucket to a common layout with HISTOGRAM(h, EXPONENTIAL(low, high, n)).")
        }
        for (bound, count) in group.counts { current.counts[bound, default: 0] &+= count }
        let (sum, overflow) = current.sum.addingReportingOverflow(group.sum)
        if overflow { throw HistogramAggregates.overflowError() }
        current.sum = sum
        current.submissions &+= group.submissions
        groups[index] = current
    }

    /// The histogram moved into the target layout, or unchanged when there is none.
    private func rebucketed(_ histogram: Histogram) throws -> Histogram {
        guard let target else { return histogram }
        var counts: [Int64] = Array(repeating: 0, count: target.bucketCount)
        for (bound, count) in zip(histogram.bucketLowerBounds, histogram.bucketCounts) {
            counts[target.bucketIndex(of: bound)] &+= count
        }
        var bounds: [Int64] = []
        var values: [Int64] = []
        for bucket in counts.indices where counts[bucket] != 0 {
            bounds.append(target.lowerBounds[bucket])
            values.append(counts[bucket])
        }
        return Histogram(
            kind: target.kind, low: target.low, high: target.high, bucketCount: Int32(target.bucketCount),
            sum: histogram.sum, bucketLowerBounds: bounds, bucketCounts: values, submissions: histogram.submissions)
    }
}
