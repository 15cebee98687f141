// The total order of boxed values that sorting, MIN/MAX over rare types and zone maps use.
// Strings compare bytewise (the C collation); integers and floats compare numerically.

import TeleCore

enum ValueOrder {
    /// Compares two values: negative, zero or positive. NULL sorts after every value.
    ///
    /// - Returns: nil when the two values have no common order (a string and a number).
    static func compare(_ lhs: Value, _ rhs: Value) -> Int? {
        switch (lhs, rhs) {
        case (.null, .null): return 0
        case (.null, _): return 1
        case (_, .null): return -1
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.integer(let a), .integer(let b)): return order(a, b)
        case (.double(let a), .double(let b)): return compareDoubles(a, b)
        case (.integer(let a), .double(let b)): return compareDoubles(Double(a), b)
        case (.double(let a), .integer(let b)): return compareDoubles(a, Double(b))
        case (.string(let a), .string(let b)): return compareBytes(a, b)
        case (.date(let a), .date(let b)), (.timestamp(let a), .timestamp(let b)): return order(a, b)
        case (.date(let a), .timestamp(let b)): return order(a &* DateTime.microsPerDay, b)
        case (.timestamp(let a), .date(let b)): return order(a, b &* DateTime.microsPerDay)
        case (.interval(let a), .interval(let b)): return order(a.comparableMicros, b.comparableMicros)
        case (.histogram(let a), .histogram(let b)): return compareHistograms(a, b)
        default: return nil
        }
    }

    /// Orders histograms by layout (kind, range, bucket count), then sum, then buckets, then
    /// submissions: a total order that needs no text, because building two JSON strings per
    /// comparison made ORDER BY over histograms many times slower than over numbers.
    static func compareHistograms(_ a: Histogram, _ b: Histogram) -> Int {
        let layout = [
            order(a.kind.rawValue, b.kind.rawValue), order(a.low, b.low), order(a.high, b.high),
            order(a.bucketCount, b.bucketCount), order(a.sum, b.sum),
        ]
        if let first = layout.first(where: { $0 != 0 }) { return first }
        // The buckets are read in place: the array properties copy on every access.
        let buckets = a.withBuckets { aBounds, aCounts in
            b.withBuckets { bBounds, bCounts -> Int in
                for index in 0..<min(aBounds.count, bBounds.count) {
                    let bound = order(aBounds[index], bBounds[index])
                    if bound != 0 { return bound }
                    let count = order(aCounts[index], bCounts[index])
                    if count != 0 { return count }
                }
                return order(aBounds.count, bBounds.count)
            }
        }
        return buckets != 0 ? buckets : order(a.submissions, b.submissions)
    }

    static func order<T: Comparable>(_ a: T, _ b: T) -> Int {
        a < b ? -1 : (a == b ? 0 : 1)
    }

    /// PostgreSQL's float order: NaN equals NaN and sorts above every other number.
    static func compareDoubles(_ a: Double, _ b: Double) -> Int {
        if a.isNaN { return b.isNaN ? 0 : 1 }
        if b.isNaN { return -1 }
        return order(a, b)
    }

    static func compareBytes(_ a: String, _ b: String) -> Int {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }
}

/// Compares two byte strings lexicographically: negative, zero or positive.
@inline(__always)
func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
    let common = min(a.count, b.count)
    if common > 0, let left = a.baseAddress, let right = b.baseAddress {
        let result = memcmp(left, right, common)
        if result != 0 { return Int(result) }
    }
    return a.count - b.count
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
