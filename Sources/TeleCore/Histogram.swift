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
public struct Histogram: Hashable, Sendable, CustomStringConvertible {
    public var kind: HistogramKind
    /// The `range` a ping sends: the lower bound of bucket 1 and of the last bucket.
    public var low: Int64
    public var high: Int64
    public var bucketCount: Int32
    /// The sum of the recorded samples.
    public var sum: Int64
    /// Lower bounds of the buckets that have an entry, in ascending order.
    public var bucketLowerBounds: [Int64]
    /// The count of each bucket in `bucketLowerBounds`, at the same index.
    public var bucketCounts: [Int64]
    /// How many histograms were merged into this one.
    public var submissions: Int64
    /// Every bucket's lower bound for the custom kind, starting with 0; empty for the kinds
    /// whose bounds follow from `low`, `high` and `bucketCount`.
    public var customBounds: [Int64]

    public init(
        kind: HistogramKind, low: Int64, high: Int64, bucketCount: Int32, sum: Int64,
        bucketLowerBounds: [Int64], bucketCounts: [Int64], submissions: Int64 = 1, customBounds: [Int64] = []
    ) {
        precondition(bucketLowerBounds.count == bucketCounts.count, "one count per bucket")
        self.customBounds = customBounds
        self.kind = kind
        self.low = low
        self.high = high
        self.bucketCount = bucketCount
        self.sum = sum
        self.bucketLowerBounds = bucketLowerBounds
        self.bucketCounts = bucketCounts
        self.submissions = submissions
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

    /// The number of samples: the sum of the bucket counts.
    public var sampleCount: Int64 { bucketCounts.reduce(0, &+) }

    /// The histogram as compact JSON in the shape a ping uses, which is also how it prints:
    /// `{"kind":"exponential","range":[1,10000],"bucket_count":50,"sum":7,"values":{"0":1,"5":2}}`.
    public var description: String {
        var text = "{\"kind\":\"\(kind.name)\",\"range\":[\(low),\(high)],\"bucket_count\":\(bucketCount)"
        if kind == .custom {
            text += ",\"bounds\":[" + customBounds.map(String.init).joined(separator: ",") + "]"
        }
        text += ",\"sum\":\(sum),\"values\":{"
        for index in bucketLowerBounds.indices {
            if index > 0 { text += "," }
            text += "\"\(bucketLowerBounds[index])\":\(bucketCounts[index])"
        }
        text += "}"
        if submissions != 1 { text += ",\"submissions\":\(submissions)" }
        return text + "}"
    }
}
