// The five members of a ping histogram object, found in one pass over its members.
//
// The structural check and the reader both need `histogram_type`, `bucket_count`, `range`,
// `sum` and `values` of every histogram, and a ping has hundreds of histograms. Looking each
// one up by name scanned the object five times. One pass that dispatches on the key's length
// compares each key with at most one name.

/// The member nodes of a histogram object, nil where absent. As with
/// `JSONDocument.member`, a repeated key takes its last value.
struct HistogramMembers {
    var type: Int?
    var bucketCount: Int?
    var range: Int?
    var sum: Int?
    var values: Int?

    /// Finds the members of `object`. All stay nil when it is not an object.
    init(_ document: JSONDocument, _ object: Int) {
        document.forEachMember(object) { key, value in
            // The raw length of a key with escapes is not its text's length, so such a key
            // is compared with every name.
            let length = document.nodes[key].hasEscapes ? -1 : Int(document.nodes[key].length)
            if length == 14 || length < 0, Self.matches(document, key, "histogram_type") { type = value }
            if length == 12 || length < 0, Self.matches(document, key, "bucket_count") { bucketCount = value }
            if length == 5 || length < 0, Self.matches(document, key, "range") { range = value }
            if length == 3 || length < 0, Self.matches(document, key, "sum") { sum = value }
            if length == 6 || length < 0, Self.matches(document, key, "values") { values = value }
        }
    }

    private static func matches(_ document: JSONDocument, _ key: Int, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { document.keyEquals(key, $0) }
    }
}
