// Histogram values whose buckets live in a buffer shared with other histograms: they compare,
// hash and print by value, and setting an array property changes only that histogram.

import Testing

@testable import TeleCore

@Suite("Histogram storage")
struct HistogramStorageTests {
    static let owned = Histogram(
        kind: .exponential, low: 1, high: 1000, bucketCount: 20, sum: 90, bucketLowerBounds: [1, 5, 30],
        bucketCounts: [2, 0, 7], submissions: 3)

    /// The same histogram as `owned`, placed in the middle of a shared buffer.
    static let shared: Histogram = {
        let storage: [Int64] = [99, 99, 1, 5, 30, 2, 0, 7, 99]
        return Histogram(
            kind: .exponential, low: 1, high: 1000, bucketCount: 20, sum: 90, submissions: 3, sharing: storage,
            entries: 2..<5, custom: 8..<8)
    }()

    @Test("shared and owned compare equal")
    func sharedEqualsOwned() {
        #expect(Self.shared == Self.owned)
        #expect(Self.shared.hashValue == Self.owned.hashValue)
        #expect(Self.shared.description == Self.owned.description)
        #expect(Self.shared.bucketLowerBounds == [1, 5, 30])
        #expect(Self.shared.bucketCounts == [2, 0, 7])
        #expect(Self.shared.customBounds == [])
        #expect(Self.shared.sampleCount == 9)
        #expect(Self.shared.entryCount == 3)
    }

    @Test("different buckets compare unequal")
    func differentBucketsCompareUnequal() {
        var moved = Self.owned
        moved.bucketLowerBounds = [1, 5, 31]
        #expect(moved != Self.owned)
        var recounted = Self.owned
        recounted.bucketCounts = [2, 1, 7]
        #expect(recounted != Self.owned)
        var custom = Self.owned
        custom.customBounds = [0, 1]
        #expect(custom != Self.owned)
    }

    @Test("setter changes one histogram")
    func setterChangesOneHistogram() {
        var changed = Self.shared
        changed.bucketCounts = [4, 4, 4]
        #expect(changed.bucketCounts == [4, 4, 4])
        #expect(changed.bucketLowerBounds == [1, 5, 30])
        #expect(Self.shared.bucketCounts == [2, 0, 7])
        changed.customBounds = [0, 1, 5, 30]
        #expect(changed.customBounds == [0, 1, 5, 30])
        #expect(changed.bucketCounts == [4, 4, 4])
        #expect(changed.customBoundCount == 4)
    }

    @Test("buckets read in place")
    func bucketsReadInPlace() {
        let (bounds, counts) = Self.shared.withBuckets { (Array($0), Array($1)) }
        #expect(bounds == [1, 5, 30])
        #expect(counts == [2, 0, 7])
        #expect(Self.shared.withCustomBounds { $0.count } == 0)
    }
}
