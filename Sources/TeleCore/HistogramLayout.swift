// Bucket layouts of histograms: Firefox's linear and exponential bucketing, shared by the
// engine's HISTOGRAM aggregate, its merge and the functions that read a histogram.
//
// Bucket lower bounds follow Firefox's algorithm (toolkit/components/telemetry, as
// python_moztelemetry's `linear_buckets` and `exponential_buckets` compute them). Bucket 0
// is the underflow bucket and starts at 0, bucket 1 starts at `low`, and the last bucket
// starts at `high` and has no upper bound. Boolean, flag, count and categorical
// histograms use the linear rule. A custom layout takes its bounds from the user's list,
// after the underflow bucket's 0.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The kind, range and bucket lower bounds of one histogram layout.
public struct HistogramLayout: Hashable, Sendable, CustomStringConvertible {
    public var kind: HistogramKind
    public var low: Int64
    public var high: Int64
    public var bucketCount: Int
    /// The lower bound of every bucket, ascending; `lowerBounds[0]` is 0.
    public var lowerBounds: [Int64]

    /// Builds a layout with Firefox's bucket bounds for `kind`.
    ///
    /// - Throws: `TeleError` 22023 when the range or bucket count cannot form a layout.
    public init(kind: HistogramKind, low: Int64, high: Int64, bucketCount: Int) throws {
        guard kind != .custom else {
            throw TeleError(
                .invalidParameterValue, "a custom histogram layout needs its bounds",
                hint: "Write BOUNDARIES(ARRAY[b1, b2, ...]).")
        }
        guard bucketCount >= 3, bucketCount <= 10_000 else {
            throw TeleError(
                .invalidParameterValue, "invalid histogram bucket count \(bucketCount)",
                hint: "Use between 3 and 10000 buckets: the underflow bucket, one or more buckets in range and the overflow bucket.")
        }
        // Bounds go through Double arithmetic, exact up to 2^53.
        guard low >= 0, max(low, 1) < high, high <= 1 << 53, high - max(low, 1) >= Int64(bucketCount - 2) || kind != .exponential else {
            throw TeleError(
                .invalidParameterValue, "invalid histogram range [\(low), \(high)]",
                hint: "Use 0 <= low < high <= 2^53, with room for one integer bound per bucket.")
        }
        self.kind = kind
        // Bucket 0 already starts at 0, so a low of 0 would repeat that bound. Firefox's
        // exponential rule raises it to 1, and TeleDB does the same for every kind.
        let low = max(low, 1)
        self.low = low
        self.high = high
        self.bucketCount = bucketCount
        if kind == .exponential {
            lowerBounds = HistogramLayout.exponentialBounds(low: low, high: high, bucketCount: bucketCount)
        } else {
            lowerBounds = HistogramLayout.linearBounds(low: low, high: high, bucketCount: bucketCount)
        }
    }

    /// Creates a custom layout from ascending bounds: bucket 0 covers [0, first bound), each bound
    /// starts a bucket, and the last bound's bucket has no upper bound. A leading 0 is the
    /// underflow bucket's own bound and is not repeated.
    ///
    /// - Throws: `TeleError` 22023 for an empty, negative, unordered or oversized list.
    public init(boundaries: [Int64]) throws {
        let bounds = boundaries.first == 0 ? Array(boundaries.dropFirst()) : boundaries
        guard !bounds.isEmpty, bounds.count < 10_000 else {
            throw TeleError(
                .invalidParameterValue, "invalid histogram boundaries: \(boundaries.count) bounds",
                hint: "List between 1 and 9999 bucket bounds, for example BOUNDARIES(ARRAY[1, 10, 100]).")
        }
        for (previous, next) in zip([0] + bounds, bounds) where next <= previous {
            throw TeleError(
                .invalidParameterValue, "invalid histogram boundary \(next) after \(previous)",
                hint: "List positive bounds in strictly ascending order.")
        }
        self.kind = .custom
        self.low = bounds[0]
        self.high = bounds[bounds.count - 1]
        self.bucketCount = bounds.count + 1
        self.lowerBounds = [0] + bounds
    }

    /// The layout a histogram value was recorded with.
    ///
    /// - Throws: `TeleError` 22023 when the histogram's range or bucket count is invalid.
    public init(of histogram: Histogram) throws {
        if histogram.kind == .custom {
            try self.init(boundaries: histogram.customBounds)
            return
        }
        try self.init(
            kind: histogram.kind, low: histogram.low, high: histogram.high, bucketCount: Int(histogram.bucketCount))
    }

    /// The layout as users write it, for example `exponential(1, 10000, 50)` or
    /// `boundaries(1, 10, 100)`.
    public var description: String {
        if kind == .custom {
            return "boundaries(" + lowerBounds.dropFirst().map(String.init).joined(separator: ", ") + ")"
        }
        return "\(kind.name)(\(low), \(high), \(bucketCount))"
    }

    /// Whether histograms of both layouts can be merged bucket by bucket.
    public func isCompatible(with other: HistogramLayout) -> Bool {
        lowerBounds == other.lowerBounds
    }

    /// Returns the index of the bucket that contains `sample`: the last bucket whose lower bound is at
    /// most the sample. Samples below 0 go to the underflow bucket.
    public func bucketIndex(of sample: Int64) -> Int {
        var lowIndex = 0
        var highIndex = lowerBounds.count - 1
        while lowIndex < highIndex {
            let middle = (lowIndex + highIndex + 1) / 2
            if lowerBounds[middle] <= sample { lowIndex = middle } else { highIndex = middle - 1 }
        }
        return lowIndex
    }

    /// The exclusive upper bound of bucket `index`, or nil for the last bucket, which has none.
    public func upperBound(ofBucket index: Int) -> Int64? {
        index + 1 < lowerBounds.count ? lowerBounds[index + 1] : nil
    }

    /// Linear lower bounds: 0, then for i >= 1 the round-half-up of
    /// (low * (n - 1 - i) + high * (i - 1)) / (n - 2).
    public static func linearBounds(low: Int64, high: Int64, bucketCount: Int) -> [Int64] {
        var bounds: [Int64] = [0]
        let n = Double(bucketCount)
        for i in 1..<bucketCount {
            let position = Double(i)
            let value = (Double(low) * (n - 1 - position) + Double(high) * (position - 1)) / (n - 2)
            bounds.append(Int64((value + 0.5).rounded(.down)))
        }
        return bounds
    }

    /// Exponential lower bounds: 0, low, then each next bound spreads the remaining
    /// log range evenly over the remaining buckets, rounded half up, and is at least one
    /// more than the bound before it.
    public static func exponentialBounds(low: Int64, high: Int64, bucketCount: Int) -> [Int64] {
        var current = low
        var bounds: [Int64] = [0, current]
        let logHigh = log(Double(high))
        for index in 2..<bucketCount {
            let logCurrent = log(Double(current))
            let step = (logHigh - logCurrent) / Double(bucketCount - index)
            var next = Int64((exp(logCurrent + step) + 0.5).rounded(.down))
            if next <= current { next = current + 1 }
            bounds.append(next)
            current = next
        }
        return bounds
    }
}
