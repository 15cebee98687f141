// A plain sparse HISTOGRAM merge to check the engine's merge against: every histogram's
// sorted buckets are merged into the group's, with re-bucketing into a target layout first
// when one is given. It reads the histograms through their array properties and follows the
// rules the engine documents, with none of its dense-count or shared-buffer machinery.

import TeleCore

@testable import TeleExecution

struct ReferenceHistogramMerge {
    struct Group {
        var key: LayoutKey
        var bounds: [Int64]
        var counts: [Int64]
        var sum: Int64
        var submissions: Int64
    }

    let target: HistogramLayout?
    var groups: [Group?]

    init(groupCount: Int, target: HistogramLayout?) {
        self.target = target
        groups = Array(repeating: nil, count: groupCount)
    }

    /// Adds one histogram to `group`. A NULL row is nil and is skipped.
    ///
    /// - Throws: the same errors the engine's merge must raise, with its messages.
    mutating func add(_ histogram: Histogram?, to group: Int) throws {
        guard var histogram else { return }
        if let target { histogram = Self.rebucket(histogram, to: target) }
        let incoming = Group(
            key: LayoutKey(histogram), bounds: histogram.bucketLowerBounds, counts: histogram.bucketCounts,
            sum: histogram.sum, submissions: histogram.submissions)
        guard var current = groups[group] else {
            groups[group] = incoming
            return
        }
        guard current.key == incoming.key else {
            throw TeleError(
                .dataException, "cannot merge histograms with layouts \(current.key.text) and \(incoming.key.text)")
        }
        (current.bounds, current.counts) = Self.union(current.bounds, current.counts, incoming.bounds, incoming.counts)
        let (sum, overflow) = current.sum.addingReportingOverflow(incoming.sum)
        if overflow { throw HistogramAggregates.overflowError() }
        current.sum = sum
        current.submissions &+= incoming.submissions
        groups[group] = current
    }

    /// The merged histogram of every group, nil for a group that saw no histogram.
    var results: [Histogram?] {
        groups.map { group in
            group.map {
                Histogram(
                    kind: $0.key.kind, low: $0.key.low, high: $0.key.high, bucketCount: $0.key.bucketCount, sum: $0.sum,
                    bucketLowerBounds: $0.bounds, bucketCounts: $0.counts, submissions: $0.submissions,
                    customBounds: $0.key.customBounds)
            }
        }
    }

    /// Merges two bucket lists. When every incoming bound is already present the counts are
    /// added in place; otherwise both lists are merged by bound, as a sorted merge does.
    static func union(_ bounds: [Int64], _ counts: [Int64], _ otherBounds: [Int64], _ otherCounts: [Int64])
        -> ([Int64], [Int64])
    {
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
            var counts = counts
            position = 0
            for (bound, count) in zip(otherBounds, otherCounts) {
                while bounds[position] < bound { position += 1 }
                counts[position] &+= count
            }
            return (bounds, counts)
        }
        var mergedBounds: [Int64] = []
        var mergedCounts: [Int64] = []
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
        return (mergedBounds, mergedCounts)
    }

    /// Moves every bucket's count to the target bucket containing its lower bound and keeps
    /// the target buckets whose count is not 0.
    static func rebucket(_ histogram: Histogram, to target: HistogramLayout) -> Histogram {
        var counts = [Int64](repeating: 0, count: target.bucketCount)
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
