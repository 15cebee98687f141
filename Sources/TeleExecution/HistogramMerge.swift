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
        /// Sparse buckets in ascending lower-bound order, as `Histogram` keeps them.
        var bounds: [Int64] = []
        var counts: [Int64] = []
        var sum: Int64 = 0
        var submissions: Int64 = 0

        /// Adds sorted sparse buckets. Histograms of one layout mostly share their non-empty
        /// buckets, so the common case adds in place and only new buckets cost a merge.
        mutating func addBuckets(_ otherBounds: [Int64], _ otherCounts: [Int64]) {
            var position = 0
            var allPresent = true
            for bound in otherBounds {
                while position < bounds.count && bounds[position] < bound { position += 1 }
                if position == bounds.count || bounds[position] != bound {
                    allPresent = false
                    break
                }
            }
            if allPresent {
                position = 0
                for (bound, count) in zip(otherBounds, otherCounts) {
                    while bounds[position] < bound { position += 1 }
                    counts[position] &+= count
                }
                return
            }
            mergeBuckets(otherBounds, otherCounts)
        }

        private mutating func mergeBuckets(_ otherBounds: [Int64], _ otherCounts: [Int64]) {
            var mergedBounds: [Int64] = []
            var mergedCounts: [Int64] = []
            mergedBounds.reserveCapacity(bounds.count + otherBounds.count)
            mergedCounts.reserveCapacity(bounds.count + otherBounds.count)
            var left = 0
            var right = 0
            while left < bounds.count || right < otherBounds.count {
                if right == otherBounds.count || (left < bounds.count && bounds[left] < otherBounds[right]) {
                    mergedBounds.append(bounds[left])
                    mergedCounts.append(counts[left])
                    left += 1
                } else if left == bounds.count || otherBounds[right] < bounds[left] {
                    mergedBounds.append(otherBounds[right])
                    mergedCounts.append(otherCounts[right])
                    right += 1
                } else {
                    mergedBounds.append(bounds[left])
                    mergedCounts.append(counts[left] &+ otherCounts[right])
                    left += 1
                    right += 1
                }
            }
            bounds = mergedBounds
            counts = mergedCounts
        }
    }

    /// The facts that decide whether two histograms share a layout.
    struct LayoutKey: Hashable {
        var kind: HistogramKind
        var low: Int64
        var high: Int64
        var bucketCount: Int32
        /// Every bound of a custom layout; empty for the kinds whose range decides the bounds.
        var customBounds: [Int64]

        init(_ histogram: Histogram) {
            kind = histogram.kind
            low = histogram.low
            high = histogram.high
            bucketCount = histogram.bucketCount
            customBounds = histogram.customBounds
        }

        var text: String {
            if kind == .custom {
                return "boundaries(" + customBounds.dropFirst().map(String.init).joined(separator: ", ") + ")"
            }
            return "\(kind.name)(\(low), \(high), \(bucketCount))"
        }
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
        // Read the histogram array directly: boxing each row as a `Value` costs a copy.
        if case .histogram(let histograms) = input.storage {
            for row in 0..<count where input.validity.isValid(row) {
                try add(try rebucketed(histograms[row]), to: Int(groupIds[row]))
            }
            return
        }
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
            builder.append(
                .histogram(
                    Histogram(
                        kind: group.layoutKey.kind, low: group.layoutKey.low, high: group.layoutKey.high,
                        bucketCount: group.layoutKey.bucketCount, sum: group.sum, bucketLowerBounds: group.bounds,
                        bucketCounts: group.counts, submissions: group.submissions,
                        customBounds: group.layoutKey.customBounds)))
        }
        return builder.finish()
    }

    private func add(_ histogram: Histogram, to index: Int) throws {
        let group = Group(
            layoutKey: LayoutKey(histogram), bounds: histogram.bucketLowerBounds, counts: histogram.bucketCounts,
            sum: histogram.sum, submissions: histogram.submissions)
        try fold(group, into: index)
    }

    private func fold(_ group: Group, into index: Int) throws {
        guard groups[index] != nil else {
            groups[index] = group
            return
        }
        // Mutate in place through the optional, so the group's arrays are not copied.
        guard groups[index]!.layoutKey == group.layoutKey else {
            throw TeleError(
                .dataException,
                "cannot merge histograms with layouts \(groups[index]!.layoutKey.text) and \(group.layoutKey.text)",
                hint: "Filter to one layout, or re-bucket to a common layout with HISTOGRAM(h, EXPONENTIAL(low, high, n)).")
        }
        groups[index]!.addBuckets(group.bounds, group.counts)
        let (sum, overflow) = groups[index]!.sum.addingReportingOverflow(group.sum)
        if overflow { throw HistogramAggregates.overflowError() }
        groups[index]!.sum = sum
        groups[index]!.submissions &+= group.submissions
    }

    /// Moves the histogram's counts into the target layout, if there is one.
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
            layout: target, sum: histogram.sum, bucketLowerBounds: bounds, bucketCounts: values,
            submissions: histogram.submissions)
    }
}
