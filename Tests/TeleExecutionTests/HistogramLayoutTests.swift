// Firefox bucket layouts checked against reference bounds computed with Firefox's own
// algorithm, and the bucket lookup that the HISTOGRAM aggregate relies on.

import Foundation
import TeleCore
import Testing

@Suite("Histogram layouts")
struct HistogramLayoutTests {
    /// `../shared/telemetry/histograms/bucket_reference.json`, or nil where it is absent.
    static func referenceBounds() throws -> [String: [Int64]]? {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/telemetry/histograms/bucket_reference.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        var bounds: [String: [Int64]] = [:]
        for (key, value) in object {
            if let numbers = value as? [NSNumber] { bounds[key] = numbers.map { $0.int64Value } }
        }
        return bounds
    }

    /// Reads `kind low=L high=H n_buckets=N` from a reference key.
    static func layoutParameters(_ key: String) -> (kind: HistogramKind, low: Int64, high: Int64, count: Int)? {
        let words = key.split(separator: " ")
        guard let first = words.first, let kind = HistogramKind.named(String(first)) else { return nil }
        var fields: [String: Int64] = [:]
        for word in words {
            let parts = word.split(separator: "=")
            if parts.count == 2, let number = Int64(parts[1]) { fields[String(parts[0])] = number }
        }
        guard let low = fields["low"], let high = fields["high"], let count = fields["n_buckets"] else { return nil }
        return (kind, low, high, Int(count))
    }

    @Test("bounds match the Firefox reference")
    func boundsMatchReference() throws {
        guard let reference = try Self.referenceBounds() else { return }
        var checked = 0
        for (key, expected) in reference {
            guard let parameters = Self.layoutParameters(key) else { continue }
            let layout = try HistogramLayout(
                kind: parameters.kind, low: parameters.low, high: parameters.high, bucketCount: parameters.count)
            #expect(layout.lowerBounds == expected, "\(key)")
            checked += 1
        }
        #expect(checked >= 4)
    }

    @Test("enumerated and boolean layouts use the linear rule")
    func enumeratedLayouts() throws {
        guard let reference = try Self.referenceBounds() else { return }
        let enumerated = try HistogramLayout(kind: .linear, low: 1, high: 11, bucketCount: 12)
        #expect(enumerated.lowerBounds == reference["enumerated n_values=11 -> linear(1,11,12) (A11Y_CONSUMERS)"])
        let flag = try HistogramLayout(kind: .flag, low: 1, high: 2, bucketCount: 3)
        #expect(flag.lowerBounds == reference["boolean/flag/count -> linear(1,2,3)"])
    }

    @Test("bucket index picks the last bound at or below the sample")
    func bucketIndex() throws {
        let layout = try HistogramLayout(kind: .exponential, low: 1, high: 10000, bucketCount: 50)
        #expect(layout.bucketIndex(of: -5) == 0)
        #expect(layout.bucketIndex(of: 0) == 0)
        #expect(layout.bucketIndex(of: 1) == 1)
        #expect(layout.bucketIndex(of: 9) == 8)
        #expect(layout.bucketIndex(of: 10) == 9)
        #expect(layout.bucketIndex(of: 9999) == 48)
        #expect(layout.bucketIndex(of: 1_000_000) == 49)
        #expect(layout.upperBound(ofBucket: 8) == 10)
        #expect(layout.upperBound(ofBucket: 49) == nil)
    }

    @Test("invalid layouts are rejected")
    func invalidLayouts() {
        #expect(throws: TeleError.self) { try HistogramLayout(kind: .linear, low: 10, high: 5, bucketCount: 10) }
        #expect(throws: TeleError.self) { try HistogramLayout(kind: .linear, low: 1, high: 100, bucketCount: 2) }
        #expect(throws: TeleError.self) { try HistogramLayout(kind: .exponential, low: 1, high: 5, bucketCount: 50) }
    }
}
