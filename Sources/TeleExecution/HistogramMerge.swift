// Merging HISTOGRAM values per group, as Mozilla's aggregator combines submitted histograms:
// bucket counts, sums and submission counts are added with integer arithmetic.
//
// Histograms merge only when their layouts match (kind, range and bucket count). A merge
// with a target layout re-buckets first: each source bucket's count moves to the target
// bucket that contains the source bucket's lower bound.
//
// A group starts with sparse buckets. Once it has collected enough buckets or histograms
// for its layout's width, it moves to dense counts, one Int64 per bucket of the layout in
// `denseCounts`. Adding a histogram then costs one table probe and one add per bucket, with
// no allocation. The dense store also records which buckets some input listed, so the result
// lists the same buckets (zero counts included) as a sparse merge would. A histogram with a
// bound that is not a bucket lower bound of its layout, or with unsorted bounds, moves its
// group back to sparse buckets for good.

import TeleCore

final class HistogramMergeState: AggregateState {
    /// The groups live in a struct, so a whole vector of rows costs one exclusivity check on
    /// this property instead of several per row.
    var groups: HistogramMergeGroups

    init(rebucketTo target: HistogramLayout?) { groups = HistogramMergeGroups(rebucketTo: target) }

    func resize(groupCount: Int) { groups.resize(groupCount: groupCount) }

    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        try groups.update(arguments[0], groupIds: groupIds, count: count)
    }

    func combine(_ other: any AggregateState, mapping: [Int32]) throws {
        try groups.combine((other as! HistogramMergeState).groups, mapping: mapping)
    }

    func finalize() throws -> Vector { groups.finalize() }
}

/// Every group of one HISTOGRAM merge.
struct HistogramMergeGroups {
    /// The running merge of one group, apart from its buckets.
    struct GroupHeader {
        /// The group's index into `layouts`, or -1 before its first histogram.
        var layout: Int32 = -1
        /// The start of the group's counts in `denseCounts`, or a negative marker: `sparse`
        /// or `sparseOnly`.
        var denseStart = GroupHeader.sparse
        var sum: Int64 = 0
        var submissions: Int64 = 0
        /// The histograms (or partial states) folded in, which decides when to turn dense.
        var foldCount = 0

        static let sparse = -1
        /// A group that met a bound its dense counts cannot hold keeps sparse buckets.
        static let sparseOnly = -2
    }

    let target: HistogramLayout?
    var headers: [GroupHeader] = []
    /// Each group's buckets while it is sparse; emptied when it turns dense.
    var sparseBuckets: [SparseBuckets] = []
    var layouts: [MergeLayout] = []
    var layoutIndexes: [LayoutKey: Int32] = [:]
    /// Dense groups' bucket counts, `width` of them from each group's `denseStart`.
    var denseCounts: [Int64] = []
    /// 1 where some input listed the bucket, at the same positions as `denseCounts`.
    var denseListed: [UInt8] = []
    /// Bucket indexes of the histogram being added, reused from row to row.
    var scratchIndexes: [Int32] = []
    var rebucketer: Rebucketer?

    init(rebucketTo target: HistogramLayout?) {
        self.target = target
        if let target {
            rebucketer = Rebucketer(target: target)
            _ = layoutIndex(for: LayoutKey(target))
        }
    }

    mutating func resize(groupCount: Int) {
        guard groupCount > headers.count else { return }
        headers.append(contentsOf: repeatElement(GroupHeader(), count: groupCount - headers.count))
        sparseBuckets.append(contentsOf: repeatElement(SparseBuckets(), count: groupCount - sparseBuckets.count))
    }

    mutating func update(_ input: Vector, groupIds: UnsafeBufferPointer<Int32>, count: Int) throws {
        if input.isNullConstant { return }
        // Read the histogram array directly: boxing each row as a `Value` costs a copy.
        if case .histogram(let histograms) = input.storage {
            try histograms.withUnsafeBufferPointer { histograms in
                for row in 0..<count where input.validity.isValid(row) {
                    try add(histograms[row], to: Int(groupIds[row]))
                }
            }
            return
        }
        for row in 0..<count where !input.isNull(row) {
            guard case .histogram(let histogram) = input.value(at: row) else { continue }
            try add(histogram, to: Int(groupIds[row]))
        }
    }

    mutating func combine(_ other: HistogramMergeGroups, mapping: [Int32]) throws {
        for (index, target) in mapping.enumerated() where other.headers[index].layout >= 0 {
            let source = other.headers[index]
            let key = other.layouts[Int(source.layout)].key
            let (bounds, counts) = other.buckets(ofGroup: index)
            try fold(
                key: key, sum: source.sum, submissions: source.submissions, foldCount: source.foldCount,
                into: Int(target)
            ) { groups, header in
                bounds.withUnsafeBufferPointer { bounds in
                    counts.withUnsafeBufferPointer { counts in
                        groups.addBuckets(bounds, counts, to: Int(target), header: &header)
                    }
                }
            }
        }
    }

    func finalize() -> Vector {
        var builder = VectorBuilder(type: .histogram, capacity: headers.count)
        for group in headers.indices {
            let header = headers[group]
            guard header.layout >= 0 else {
                builder.appendNull()
                continue
            }
            let key = layouts[Int(header.layout)].key
            let (bounds, counts) = buckets(ofGroup: group)
            builder.append(
                .histogram(
                    Histogram(
                        kind: key.kind, low: key.low, high: key.high, bucketCount: key.bucketCount, sum: header.sum,
                        bucketLowerBounds: bounds, bucketCounts: counts, submissions: header.submissions,
                        customBounds: key.customBounds)))
        }
        return builder.finish()
    }

    // MARK: Adding histograms

    private mutating func add(_ histogram: Histogram, to group: Int) throws {
        // With a target layout every histogram is re-bucketed, so any source layout merges.
        if target != nil {
            let key = layouts[0].key
            try fold(
                key: key, sum: histogram.sum, submissions: histogram.submissions, foldCount: 1, into: group
            ) { groups, header in
                histogram.withBuckets { bounds, counts in groups.rebucketer!.rebucket(bounds, counts) }
                let rebucketed = groups.rebucketer!
                rebucketed.bounds.withUnsafeBufferPointer { bounds in
                    rebucketed.counts.withUnsafeBufferPointer { counts in
                        groups.addBuckets(bounds, counts, to: group, header: &header)
                    }
                }
            }
            return
        }
        var header = headers[group]
        if header.layout < 0 {
            header.layout = layoutIndex(for: histogram)
            header.sum = histogram.sum
            header.submissions = histogram.submissions
        } else {
            let key = layouts[Int(header.layout)].key
            guard key.matches(histogram) else { throw Self.mismatchError(key, LayoutKey(histogram)) }
            let (sum, overflow) = header.sum.addingReportingOverflow(histogram.sum)
            if overflow { throw HistogramAggregates.overflowError() }
            header.sum = sum
            header.submissions &+= histogram.submissions
        }
        header.foldCount += 1
        histogram.withBuckets { bounds, counts in addBuckets(bounds, counts, to: group, header: &header) }
        headers[group] = header
    }

    /// Folds one histogram or partial state with layout `key` into `group`: checks the layout,
    /// adds the sum and submissions, and lets `addBuckets` add the buckets.
    private mutating func fold(
        key: LayoutKey, sum: Int64, submissions: Int64, foldCount: Int, into group: Int,
        addBuckets: (inout HistogramMergeGroups, inout GroupHeader) -> Void
    ) throws {
        var header = headers[group]
        if header.layout < 0 {
            header.layout = layoutIndex(for: key)
            header.sum = sum
            header.submissions = submissions
        } else {
            let current = layouts[Int(header.layout)].key
            guard current == key else { throw Self.mismatchError(current, key) }
            let (total, overflow) = header.sum.addingReportingOverflow(sum)
            if overflow { throw HistogramAggregates.overflowError() }
            header.sum = total
            header.submissions &+= submissions
        }
        header.foldCount += foldCount
        addBuckets(&self, &header)
        headers[group] = header
    }

    /// Adds sorted sparse buckets to `group`, whose header already names its layout.
    private mutating func addBuckets(
        _ bounds: UnsafeBufferPointer<Int64>, _ counts: UnsafeBufferPointer<Int64>, to group: Int,
        header: inout GroupHeader
    ) {
        if header.denseStart >= 0 {
            if addDense(bounds, counts, start: header.denseStart, layout: Int(header.layout)) { return }
            moveToSparse(group, header: &header)
        }
        sparseBuckets[group].add(bounds, counts)
        if header.denseStart == GroupHeader.sparse { moveToDenseIfWorthwhile(group, header: &header) }
    }

    /// Adds the buckets to dense counts. Returns false, changing nothing, when the layout's
    /// table cannot place every bound.
    private mutating func addDense(
        _ bounds: UnsafeBufferPointer<Int64>, _ counts: UnsafeBufferPointer<Int64>, start: Int, layout: Int
    ) -> Bool {
        guard let table = layouts[layout].table else { return false }
        if scratchIndexes.count < bounds.count { scratchIndexes = [Int32](repeating: 0, count: bounds.count * 2) }
        return scratchIndexes.withUnsafeMutableBufferPointer { indexes in
            guard let indexes = indexes.baseAddress, table.mapBounds(bounds, to: indexes) else { return false }
            denseCounts.withUnsafeMutableBufferPointer { denseCounts in
                denseListed.withUnsafeMutableBufferPointer { denseListed in
                    for position in bounds.indices {
                        let slot = start &+ Int(indexes[position])
                        denseCounts[slot] &+= counts[position]
                        denseListed[slot] = 1
                    }
                }
            }
            return true
        }
    }

    // MARK: Moving between sparse and dense

    /// Turns a sparse group dense once its buckets or histograms are many for the layout's
    /// width. The thresholds bound the dense store to a small multiple of the sparse data:
    /// 4 times the group's sparse entries, or 16 times its histograms, cover its width.
    private mutating func moveToDenseIfWorthwhile(_ group: Int, header: inout GroupHeader) {
        guard let table = layouts[Int(header.layout)].table else {
            header.denseStart = GroupHeader.sparseOnly
            return
        }
        let width = table.width
        let entries = sparseBuckets[group].bounds.count
        guard entries * 4 >= width || header.foldCount * 16 >= width else { return }

        let start = denseCounts.count
        denseCounts.append(contentsOf: repeatElement(0, count: width))
        denseListed.append(contentsOf: repeatElement(0, count: width))
        let sparse = sparseBuckets[group]
        let placed = sparse.bounds.withUnsafeBufferPointer { bounds in
            sparse.counts.withUnsafeBufferPointer { counts in
                addDense(bounds, counts, start: start, layout: Int(header.layout))
            }
        }
        guard placed else {
            denseCounts.removeLast(width)
            denseListed.removeLast(width)
            header.denseStart = GroupHeader.sparseOnly
            return
        }
        header.denseStart = start
        sparseBuckets[group] = SparseBuckets()
    }

    /// Turns a dense group back into sparse buckets, for good. `headers[group]` must still
    /// hold the dense start, because `buckets(ofGroup:)` reads the counts from there.
    private mutating func moveToSparse(_ group: Int, header: inout GroupHeader) {
        let (bounds, counts) = buckets(ofGroup: group)
        sparseBuckets[group] = SparseBuckets(bounds: bounds, counts: counts)
        header.denseStart = GroupHeader.sparseOnly
    }

    /// Returns the group's buckets as sparse arrays, in ascending lower-bound order.
    private func buckets(ofGroup group: Int) -> ([Int64], [Int64]) {
        let start = headers[group].denseStart
        guard start >= 0, let table = layouts[Int(headers[group].layout)].table else {
            return (sparseBuckets[group].bounds, sparseBuckets[group].counts)
        }
        var bounds: [Int64] = []
        var counts: [Int64] = []
        for bucket in 0..<table.width where denseListed[start + bucket] != 0 {
            bounds.append(table.lowerBounds[bucket])
            counts.append(denseCounts[start + bucket])
        }
        return (bounds, counts)
    }

    // MARK: Layouts

    private mutating func layoutIndex(for histogram: Histogram) -> Int32 {
        // Most groups share one layout, so try the newest before building a key.
        if let last = layouts.last, last.key.matches(histogram) { return Int32(layouts.count - 1) }
        return layoutIndex(for: LayoutKey(histogram))
    }

    private mutating func layoutIndex(for key: LayoutKey) -> Int32 {
        if let index = layoutIndexes[key] { return index }
        let index = Int32(layouts.count)
        layouts.append(MergeLayout(key: key))
        layoutIndexes[key] = index
        return index
    }

    private static func mismatchError(_ current: LayoutKey, _ other: LayoutKey) -> TeleError {
        TeleError(
            .dataException, "cannot merge histograms with layouts \(current.text) and \(other.text)",
            hint: "Filter to one layout, or re-bucket to a common layout with HISTOGRAM(h, EXPONENTIAL(low, high, n)).")
    }
}
