// Scalar functions that read a HISTOGRAM value: percentile, percentiles, histogram_mean,
// histogram_count, histogram_sum and histogram_submissions.
//
// Percentiles interpolate inside the bucket that contains the requested rank. The rank of
// fraction p is p * n, where n is the number of samples. Walking the buckets in order, the
// first non-empty bucket whose cumulative count reaches the rank contains it. With c0 samples
// before that bucket and c in it, the position inside the bucket is f = (rank - c0) / c.
// Linear kinds return lower + f * (upper - lower). Exponential ones return
// lower * (upper / lower)^f, which is linear in log space, except in the underflow bucket,
// which starts at 0 and interpolates linearly. The last bucket has no upper bound, so a
// rank that falls in it returns its lower bound, the histogram's `high`.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public enum HistogramStatistics {
    /// The value at fraction `p` (0 to 1) of the histogram's samples, or nil when it is empty.
    ///
    /// - Throws: `TeleError` 22023 when `p` is outside [0, 1] or the layout is invalid.
    public static func percentile(_ histogram: Histogram, _ p: Double) throws -> Double? {
        try checkFraction(p)
        let total = histogram.sampleCount
        guard total > 0 else { return nil }
        let layout = try HistogramLayout(of: histogram)
        let rank = p * Double(total)
        // Read the buckets in place: the array properties copy them.
        return histogram.withBuckets { bounds, counts in
            var before: Int64 = 0
            for (bound, count) in zip(bounds, counts) where count > 0 {
                if Double(before + count) >= rank {
                    let fraction = max(0, (rank - Double(before)) / Double(count))
                    let index = layout.bucketIndex(of: bound)
                    return interpolate(
                        kind: layout.kind, lower: bound, upper: layout.upperBound(ofBucket: index), fraction)
                }
                before += count
            }
            return bounds.last.map(Double.init)
        }
    }

    static func interpolate(kind: HistogramKind, lower: Int64, upper: Int64?, _ fraction: Double) -> Double {
        guard let upper else { return Double(lower) }
        let low = Double(lower)
        let high = Double(upper)
        if kind == .exponential && lower > 0 {
            return low * pow(high / low, fraction)
        }
        return low + fraction * (high - low)
    }

    /// - Throws: `TeleError` 22023 when `p` is not a fraction between 0 and 1.
    public static func checkFraction(_ p: Double) throws {
        guard p >= 0, p <= 1 else {
            throw TeleError(
                .invalidParameterValue, "percentile value \(p) is not between 0 and 1",
                hint: "Write the percentile as a fraction, for example 0.95 for the 95th percentile.")
        }
    }

    /// A scalar function returning the listed percentiles of a histogram as a JSON array of
    /// numbers (`[12.5,40.2]`), because TeleDB has no array type. Empty histograms give NULL.
    public static func percentilesFunction(fractions: [Double]) throws -> ScalarFunction {
        for fraction in fractions { try checkFraction(fraction) }
        return ScalarFunction(name: "percentiles", argumentTypes: [.histogram], returnType: .varchar) { arguments, count in
            try rowKernel(arguments, count: count, returnType: .varchar) { values in
                guard case .histogram(let histogram) = values[0] else { return .null }
                var parts: [String] = []
                for fraction in fractions {
                    guard let value = try percentile(histogram, fraction) else { return .null }
                    parts.append(formatNumber(value))
                }
                return .string("[" + parts.joined(separator: ",") + "]")
            }
        }
    }

    /// A number as JSON writes it: integral values without a fraction.
    static func formatNumber(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension ScalarFunctionRegistry {
    static func registerHistogramFunctions(into catalog: inout [String: [FunctionOverload]]) {
        catalog["percentile"] = [
            FunctionOverload(parameters: [.histogram, .double], returnType: .double) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .double) { values in
                    guard case .histogram(let histogram) = values[0] else { return .null }
                    return try HistogramStatistics.percentile(histogram, values[1].doubleValue).map(Value.double) ?? .null
                }
            }
        ]
        catalog["histogram_mean"] = [
            histogramReader(returnType: .double) { histogram in
                let count = histogram.sampleCount
                return count == 0 ? .null : .double(Double(histogram.sum) / Double(count))
            }
        ]
        catalog["histogram_count"] = [histogramReader(returnType: .bigint) { .integer($0.sampleCount) }]
        catalog["histogram_sum"] = [histogramReader(returnType: .bigint) { .integer($0.sum) }]
        catalog["histogram_submissions"] = [histogramReader(returnType: .bigint) { .integer($0.submissions) }]
    }

    private static func histogramReader(returnType: DataType, _ body: @escaping @Sendable (Histogram) -> Value)
        -> FunctionOverload
    {
        FunctionOverload(parameters: [.histogram], returnType: returnType) { arguments, count in
            try rowKernel(arguments, count: count, returnType: returnType) { values in
                guard case .histogram(let histogram) = values[0] else { return .null }
                return body(histogram)
            }
        }
    }
}
