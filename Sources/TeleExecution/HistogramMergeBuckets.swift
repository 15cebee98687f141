// The bucket stores behind HistogramMergeState: sorted sparse buckets, the layout groups
// share with its bound-to-bucket table, and the re-bucketing of one histogram into a target
// layout.
//
// A sparse store keeps the buckets as a histogram does: lower bounds in ascending order, each
// with its count. A dense store (in HistogramMergeState) keeps one count per bucket of the
// layout, and `BucketIndexTable` finds the bucket of a lower bound in a few probes.

import TeleCore

/// Sparse buckets in ascending lower-bound order, as `Histogram` keeps them.
struct SparseBuckets {
    var bounds: [Int64] = []
    var counts: [Int64] = []

    /// Adds sorted sparse buckets. Histograms of one layout mostly share their non-empty
    /// buckets, so the common case adds in place and only new buckets cost a merge.
    mutating func add(_ otherBounds: UnsafeBufferPointer<Int64>, _ otherCounts: UnsafeBufferPointer<Int64>) {
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
        merge(otherBounds, otherCounts)
    }

    private mutating func merge(_ otherBounds: UnsafeBufferPointer<Int64>, _ otherCounts: UnsafeBufferPointer<Int64>) {
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

    /// Creates the key of the histograms that re-bucketing to `layout` produces.
    init(_ layout: HistogramLayout) {
        self.init(Histogram(layout: layout, sum: 0, bucketLowerBounds: [], bucketCounts: []))
    }

    /// Returns whether `histogram` has this layout. Only custom layouts compare bound lists.
    func matches(_ histogram: Histogram) -> Bool {
        guard kind == histogram.kind, low == histogram.low, high == histogram.high,
            bucketCount == histogram.bucketCount, customBounds.count == histogram.customBoundCount
        else { return false }
        if customBounds.isEmpty { return true }
        return histogram.withCustomBounds { $0.elementsEqual(customBounds) }
    }

    var text: String {
        if kind == .custom {
            return "boundaries(" + customBounds.dropFirst().map(String.init).joined(separator: ", ") + ")"
        }
        return "\(kind.name)(\(low), \(high), \(bucketCount))"
    }
}

/// A layout that merge groups share, with its bucket lookup when the key forms a valid layout.
final class MergeLayout {
    let key: LayoutKey
    /// Nil when the key forms no valid layout: such groups keep sparse buckets only.
    let table: BucketIndexTable?

    init(key: LayoutKey) {
        self.key = key
        let layout: HistogramLayout?
        if key.kind == .custom {
            layout = try? HistogramLayout(boundaries: key.customBounds)
        } else {
            layout = try? HistogramLayout(kind: key.kind, low: key.low, high: key.high, bucketCount: Int(key.bucketCount))
        }
        table = layout.map { BucketIndexTable(lowerBounds: $0.lowerBounds) }
    }
}

/// An open-addressing hash table from a bucket's lower bound to the bucket's index.
struct BucketIndexTable {
    /// The layout's bucket lower bounds, ascending; the index of a bound is its bucket.
    let lowerBounds: [Int64]
    private var keys: [Int64]
    /// The bucket index at each slot, -1 for an empty slot.
    private var slots: [Int32]
    private let shift: UInt64

    init(lowerBounds: [Int64]) {
        self.lowerBounds = lowerBounds
        // A power of two with at least twice as many slots as bounds keeps probes short.
        var bits: UInt64 = 4
        while (1 << bits) < 2 * lowerBounds.count { bits += 1 }
        shift = 64 - bits
        keys = [Int64](repeating: 0, count: 1 << bits)
        slots = [Int32](repeating: -1, count: 1 << bits)
        let mask = (1 << bits) - 1
        for (index, bound) in lowerBounds.enumerated() {
            var slot = Self.hash(bound, shift)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = bound
            slots[slot] = Int32(index)
        }
    }

    var width: Int { lowerBounds.count }

    @inline(__always)
    private static func hash(_ bound: Int64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: bound) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Writes the bucket index of every bound to `indexes`. Returns false when a bound is not a
    /// bucket lower bound of the layout or the bounds do not strictly ascend, because then the
    /// dense counts cannot reproduce the sparse merge's result.
    func mapBounds(_ bounds: UnsafeBufferPointer<Int64>, to indexes: UnsafeMutablePointer<Int32>) -> Bool {
        keys.withUnsafeBufferPointer { keys in
            slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var previous = -1
                for position in bounds.indices {
                    let bound = bounds[position]
                    var slot = Self.hash(bound, shift)
                    while slots[slot] >= 0 && keys[slot] != bound { slot = (slot + 1) & mask }
                    let index = Int(slots[slot])
                    if index <= previous { return false }
                    indexes[position] = Int32(truncatingIfNeeded: index)
                    previous = index
                }
                return true
            }
        }
    }
}

/// Re-buckets one histogram at a time into a target layout, reusing its buffers.
struct Rebucketer {
    let target: HistogramLayout
    /// The re-bucketed histogram: the target buckets with a count other than 0, ascending.
    private(set) var bounds: [Int64] = []
    private(set) var counts: [Int64] = []
    /// Per target bucket: the running count, and whether the bucket is in `touched`.
    private var bucketCounts: [Int64]
    private var isTouched: [Bool]
    private var touched: [Int] = []

    init(target: HistogramLayout) {
        self.target = target
        bucketCounts = [Int64](repeating: 0, count: target.bucketCount)
        isTouched = [Bool](repeating: false, count: target.bucketCount)
    }

    /// Moves each source bucket's count to the target bucket that contains the source bucket's
    /// lower bound, then keeps the target buckets whose total is not 0.
    mutating func rebucket(_ sourceBounds: UnsafeBufferPointer<Int64>, _ sourceCounts: UnsafeBufferPointer<Int64>) {
        bounds.removeAll(keepingCapacity: true)
        counts.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
        var ascending = true
        for (bound, count) in zip(sourceBounds, sourceCounts) {
            let bucket = target.bucketIndex(of: bound)
            if !isTouched[bucket] {
                if let last = touched.last, last > bucket { ascending = false }
                isTouched[bucket] = true
                touched.append(bucket)
            }
            bucketCounts[bucket] &+= count
        }
        // Sorted sources touch the target buckets in order, but unsorted ones need a sort.
        if !ascending { touched.sort() }
        for bucket in touched {
            if bucketCounts[bucket] != 0 {
                bounds.append(target.lowerBounds[bucket])
                counts.append(bucketCounts[bucket])
            }
            bucketCounts[bucket] = 0
            isTouched[bucket] = false
        }
    }
}
