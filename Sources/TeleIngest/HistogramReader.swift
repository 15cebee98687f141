// Reads a ping's histogram object into a TeleCore `Histogram`.
//
// A ping sends `{"histogram_type": 0, "range": [1, 10000], "bucket_count": 50, "sum": 7,
// "values": {"0": 1, "5": 2}}`; bucket keys are lower bounds written as decimal strings.
// The reader expects a histogram that `PingStructureCheck` accepted.

import TeleCore

enum HistogramReader {
    /// Parses a bucket key (an optionally negative decimal integer) from its bytes.
    static func parseBucketKey(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < bytes.count, bytes.count - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }

    /// Builds the histogram stored for `node`, with buckets sorted by lower bound.
    static func read(_ document: JSONDocument, _ node: Int) -> Histogram? {
        let members = HistogramMembers(document, node)
        guard let typeNode = members.type, let code = document.int64(typeNode),
            let kind = HistogramKind(rawValue: Int(code)), kind != .custom
        else { return nil }
        return read(document, members, kind: kind)
    }

    /// Parses and checks a histogram value given as JSON: either a ping's histogram object
    /// or TeleDB's printed form, which names the kind (`"kind": "linear"`) and may carry
    /// `submissions`.
    static func parseValue(_ document: JSONDocument, _ node: Int) throws(TextValueFailure) -> Histogram {
        func invalid(_ reason: String) -> TextValueFailure {
            TextValueFailure(state: .invalidTextRepresentation, problem: "invalid input syntax for type HISTOGRAM: \(reason)")
        }
        guard document.kind(node) == .object else { throw invalid("expected a JSON object") }
        let kind: HistogramKind
        if let name = document.member(node, "kind").flatMap(document.string) {
            guard let named = HistogramKind.named(name) else { throw invalid("unknown kind \"\(name)\"") }
            kind = named
        } else if let code = document.member(node, "histogram_type").flatMap(document.int64),
            let coded = HistogramKind(rawValue: Int(code)), coded != .custom
        {
            kind = coded
        } else {
            throw invalid("missing \"kind\" or \"histogram_type\"")
        }
        if let violation = PingStructureCheck(document: document).histogramViolation(node, requireType: false) {
            throw invalid("\(violation.path): \(violation.message)")
        }
        guard var histogram = read(document, HistogramMembers(document, node), kind: kind) else {
            throw invalid("incomplete histogram")
        }
        if kind == .custom {
            histogram.customBounds = try customBounds(document, node)
        }
        if let submissions = document.member(node, "submissions") {
            guard let count = document.int64(submissions), count >= 1 else { throw invalid("submissions must be a positive integer") }
            histogram.submissions = count
        }
        return histogram
    }

    /// Reads and checks the `bounds` list a custom histogram prints, starting with 0.
    private static func customBounds(_ document: JSONDocument, _ node: Int) throws(TextValueFailure) -> [Int64] {
        func invalid(_ reason: String) -> TextValueFailure {
            TextValueFailure(state: .invalidTextRepresentation, problem: "invalid input syntax for type HISTOGRAM: \(reason)")
        }
        guard let list = document.member(node, "bounds"), document.kind(list) == .array else {
            throw invalid("a custom histogram needs a \"bounds\" array")
        }
        var bounds: [Int64] = []
        for element in document.elements(list) {
            guard let bound = document.int64(element) else { throw invalid("bounds must be integers") }
            bounds.append(bound)
        }
        guard bounds.first == 0, (try? HistogramLayout(boundaries: bounds)) != nil else {
            throw invalid("bounds must start at 0 and ascend")
        }
        return bounds
    }

    private static func read(_ document: JSONDocument, _ members: HistogramMembers, kind: HistogramKind) -> Histogram? {
        guard let rangeNode = members.range, document.childCount(rangeNode) == 2,
            let countNode = members.bucketCount, let bucketCount = document.int64(countNode),
            let sumNode = members.sum, let valuesNode = members.values
        else { return nil }
        let low = document.int64(rangeNode + 1) ?? 0
        let high = document.int64(document.next(rangeNode + 1)) ?? 0
        // The structural check has already rejected sums outside BIGINT's range.
        let sum = document.int64(sumNode) ?? roundedInt64(document.double(sumNode) ?? 0) ?? 0

        var bounds: [Int64] = []
        var counts: [Int64] = []
        bounds.reserveCapacity(document.childCount(valuesNode))
        counts.reserveCapacity(document.childCount(valuesNode))
        var sorted = true
        document.forEachMember(valuesNode) { key, count in
            let bound = document.withStringBytes(key, parseBucketKey) ?? 0
            if let last = bounds.last, last >= bound { sorted = false }
            bounds.append(bound)
            counts.append(document.int64(count) ?? 0)
        }
        if !sorted { sortBuckets(&bounds, &counts) }
        return Histogram(
            kind: kind, low: low, high: high, bucketCount: Int32(clamping: bucketCount), sum: sum,
            bucketLowerBounds: bounds, bucketCounts: counts)
    }

    /// Sorts buckets by lower bound; a repeated bound keeps the sum of its counts.
    private static func sortBuckets(_ bounds: inout [Int64], _ counts: inout [Int64]) {
        let order = bounds.indices.sorted { bounds[$0] < bounds[$1] }
        var newBounds: [Int64] = []
        var newCounts: [Int64] = []
        for index in order {
            if let last = newBounds.last, last == bounds[index] {
                newCounts[newCounts.count - 1] &+= counts[index]
            } else {
                newBounds.append(bounds[index])
                newCounts.append(counts[index])
            }
        }
        bounds = newBounds
        counts = newCounts
    }

    static func roundedInt64(_ value: Double) -> Int64? {
        guard value.isFinite else { return nil }
        return Int64(exactly: value.rounded())
    }
}
