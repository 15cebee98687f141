// The HISTOGRAM type: one Firefox telemetry histogram, kept exactly as a ping sends it.
//
// A ping sends `histogram_type`, `range` [low, high], `bucket_count`, `sum` and `values`, a
// sparse map from a bucket's lower bound to its count. TeleDB stores the same facts, with the
// sparse buckets sorted by lower bound, plus the number of histograms merged into this one
// (1 for a histogram read from one ping). A histogram built with BOUNDARIES(ARRAY[...]) has
// no rule that derives its bounds from a range, so it also carries every bucket's bound.

/// The bucketing kind of a histogram, with Firefox's `histogram_type` codes as raw values.
public enum HistogramKind: Int, Hashable, Sendable, CaseIterable {
    case exponential = 0
    case linear = 1
    case boolean = 2
    case flag = 3
    case count = 4
    case categorical = 5
    /// Bucket bounds the user listed with BOUNDARIES(ARRAY[...]). Firefox has no such kind;
    /// the code 6 is TeleDB's own.
    case custom = 6

    public var name: String {
        switch self {
        case .exponential: return "exponential"
        case .linear: return "linear"
        case .boolean: return "boolean"
        case .flag: return "flag"
        case .count: return "count"
        case .categorical: return "categorical"
        case .custom: return "custom"
        }
    }

    public static func named(_ name: String) -> HistogramKind? {
        allCases.first { $0.name == name.lowercased() }
    }
}

/// One histogram value: bucket layout, sparse bucket counts and the sum of the samples.
///
/// The sparse bucket bounds, their counts and a custom layout's bounds live in one `[Int64]`
/// that several histograms may share. The column decoder places every histogram of a chunk
/// in one buffer, so decoding allocates once per chunk instead of twice per row. The array
/// properties (`bucketLowerBounds`, `bucketCounts`, `customBounds`) copy out of that buffer.
/// Kernels read it in place with `withBuckets` and `withCustomBounds`.
///
/// NOTE: one histogram kept from a decoded chunk keeps the whole chunk's buffer alive.
public struct Histogram: Hashable, Sendable, CustomStringConvertible {
    public var kind: HistogramKind
    /// The `range` a ping sends: the lower bound of bucket 1 and of the last bucket.
    public var low: Int64
    public var high: Int64
    public var bucketCount: Int32
    /// The sum of the recorded samples.
    public var sum: Int64
    /// How many histograms were merged into this one.
    public var submissions: Int64

    /// The backing buffer, possibly shared with other histograms of the same chunk.
    @usableFromInline var storage: [Int64]
    /// The positions of this histogram's three arrays in `storage`.
    @usableFromInline var boundsRange: Range<Int>
    @usableFromInline var countsRange: Range<Int>
    @usableFromInline var customRange: Range<Int>

    public init(
        kind: HistogramKind, low: Int64, high: Int64, bucketCount: Int32, sum: Int64,
        bucketLowerBounds: [Int64], bucketCounts: [Int64], submissions: Int64 = 1, customBounds: [Int64] = []
    ) {
        precondition(bucketLowerBounds.count == bucketCounts.count, "one count per bucket")
        self.kind = kind
        self.low = low
        self.high = high
        self.bucketCount = bucketCount
        self.sum = sum
        self.submissions = submissions
        (storage, boundsRange, countsRange, customRange) = Histogram.packed(
            bucketLowerBounds, bucketCounts, customBounds)
    }

    /// A histogram with `layout`'s kind, range and bounds and the given buckets.
    public init(
        layout: HistogramLayout, sum: Int64, bucketLowerBounds: [Int64], bucketCounts: [Int64], submissions: Int64 = 1
    ) {
        self.init(
            kind: layout.kind, low: layout.low, high: layout.high, bucketCount: Int32(layout.bucketCount), sum: sum,
            bucketLowerBounds: bucketLowerBounds, bucketCounts: bucketCounts, submissions: submissions,
            customBounds: layout.kind == .custom ? layout.lowerBounds : [])
    }

    /// Creates a histogram whose arrays are slices of a buffer shared with other histograms.
    ///
    /// `storage[entries]` contains the sparse bucket lower bounds, the next `entries.count`
    /// elements their counts, and `storage[custom]` a custom layout's bounds.
    public init(
        kind: HistogramKind, low: Int64, high: Int64, bucketCount: Int32, sum: Int64, submissions: Int64,
        sharing storage: [Int64], entries: Range<Int>, custom: Range<Int>
    ) {
        precondition(entries.lowerBound >= 0 && entries.upperBound + entries.count <= storage.count, "entries in storage")
        precondition(custom.lowerBound >= 0 && custom.upperBound <= storage.count, "custom bounds in storage")
        self.kind = kind
        self.low = low
        self.high = high
        self.bucketCount = bucketCount
        self.sum = sum
        self.submissions = submissions
        self.storage = storage
        boundsRange = entries
        countsRange = entries.upperBound..<(entries.upperBound + entries.count)
        customRange = custom
    }

    // The getters are inlinable and return [] for an empty range without a call, so callers
    // that only count an empty list (every kind but custom has no custom bounds) pay nothing.

    /// Lower bounds of the buckets that have an entry, in ascending order.
    @inlinable public var bucketLowerBounds: [Int64] {
        get { boundsRange.isEmpty ? [] : Array(storage[boundsRange]) }
        set { repack(bounds: newValue, counts: bucketCounts, custom: customBounds) }
    }

    /// The count of each bucket in `bucketLowerBounds`, at the same index.
    @inlinable public var bucketCounts: [Int64] {
        get { countsRange.isEmpty ? [] : Array(storage[countsRange]) }
        set { repack(bounds: bucketLowerBounds, counts: newValue, custom: customBounds) }
    }

    /// Every bucket's lower bound for the custom kind, starting with 0; empty for the kinds
    /// whose bounds follow from `low`, `high` and `bucketCount`.
    @inlinable public var customBounds: [Int64] {
        get { customRange.isEmpty ? [] : Array(storage[customRange]) }
        set { repack(bounds: bucketLowerBounds, counts: bucketCounts, custom: newValue) }
    }

    /// The number of sparse buckets, which is `bucketLowerBounds.count` without a copy.
    @inlinable public var entryCount: Int { boundsRange.count }

    /// The number of custom bounds, which is `customBounds.count` without a copy.
    @inlinable public var customBoundCount: Int { customRange.count }

    /// Calls `body` with the sparse bucket lower bounds and their counts, read in place.
    @inlinable
    public func withBuckets<Result>(
        _ body: (_ bounds: UnsafeBufferPointer<Int64>, _ counts: UnsafeBufferPointer<Int64>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in
            try body(
                UnsafeBufferPointer(rebasing: buffer[boundsRange]), UnsafeBufferPointer(rebasing: buffer[countsRange]))
        }
    }

    /// Calls `body` with a custom layout's bounds (empty for the other kinds), read in place.
    @inlinable
    public func withCustomBounds<Result>(_ body: (UnsafeBufferPointer<Int64>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { buffer in try body(UnsafeBufferPointer(rebasing: buffer[customRange])) }
    }

    /// The number of samples: the sum of the bucket counts.
    public var sampleCount: Int64 {
        withBuckets { _, counts in counts.reduce(0, &+) }
    }

    /// The histogram as compact JSON in the shape a ping uses, which is also how it prints:
    /// `{"kind":"exponential","range":[1,10000],"bucket_count":50,"sum":7,"values":{"0":1,"5":2}}`.
    public var description: String {
        var text = "{\"kind\":\"\(kind.name)\",\"range\":[\(low),\(high)],\"bucket_count\":\(bucketCount)"
        if kind == .custom {
            text += ",\"bounds\":[" + customBounds.map(String.init).joined(separator: ",") + "]"
        }
        text += ",\"sum\":\(sum),\"values\":{"
        withBuckets { bounds, counts in
            for index in bounds.indices {
                if index > 0 { text += "," }
                text += "\"\(bounds[index])\":\(counts[index])"
            }
        }
        text += "}"
        if submissions != 1 { text += ",\"submissions\":\(submissions)" }
        return text + "}"
    }

    /// Compares the values, not where they are stored.
    public static func == (left: Histogram, right: Histogram) -> Bool {
        guard left.kind == right.kind, left.low == right.low, left.high == right.high,
            left.bucketCount == right.bucketCount, left.sum == right.sum, left.submissions == right.submissions
        else { return false }
        return left.storage[left.boundsRange].elementsEqual(right.storage[right.boundsRange])
            && left.storage[left.countsRange].elementsEqual(right.storage[right.countsRange])
            && left.storage[left.customRange].elementsEqual(right.storage[right.customRange])
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(low)
        hasher.combine(high)
        hasher.combine(bucketCount)
        hasher.combine(sum)
        hasher.combine(submissions)
        // The lengths keep [1] [2, 3] apart from [1, 2] [3].
        for range in [boundsRange, countsRange, customRange] {
            hasher.combine(range.count)
            for value in storage[range] { hasher.combine(value) }
        }
    }

    /// Moves the three arrays into a buffer of this histogram's own.
    @usableFromInline mutating func repack(bounds: [Int64], counts: [Int64], custom: [Int64]) {
        (storage, boundsRange, countsRange, customRange) = Histogram.packed(bounds, counts, custom)
    }

    private static func packed(_ bounds: [Int64], _ counts: [Int64], _ custom: [Int64])
        -> ([Int64], Range<Int>, Range<Int>, Range<Int>)
    {
        let countsStart = bounds.count
        let customStart = countsStart + counts.count
        return (
            bounds + counts + custom, 0..<countsStart, countsStart..<customStart,
            customStart..<(customStart + custom.count)
        )
    }
}
