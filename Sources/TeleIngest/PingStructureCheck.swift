// Structural checks on a main ping, applied to every document before any row is built.
//
// They guarantee what the flattener relies on. The document is an object of type "main"
// with an id, a parseable creation date and application channel, version and build id.
// Every histogram and scalar it will store has a usable shape: integer bucket keys,
// non-negative integer counts and a known histogram type. Other fields are optional and turn
// into NULL when missing or of an unexpected type. `PingIngestor` checks a JSON Schema, when
// given, in addition to these checks.
//
// NOTE: a document without `clientId` passes here, although the main ping schema requires
// it, because its rows can still be stored with a NULL client and sample id.
//
// Paths are passed as non-escaping closures, so the walk builds no path text unless it
// finds a problem.

import TeleCore

/// A class, so that the path closures created per member capture one reference instead of
/// copying (and retaining) the document's arrays.
final class PingStructureCheck {
    let document: JSONDocument

    init(document: JSONDocument) {
        self.document = document
    }

    typealias Path = () -> JSONPath

    /// Returns the first problem found, or nil when the document has the required shape.
    func firstViolation() -> JSONViolation? {
        do {
            try checkDocument()
            return nil
        } catch {
            return error
        }
    }

    private func checkDocument() throws(JSONViolation) {
        let root = document.root
        guard document.kind(root) == .object else {
            throw JSONViolation(path: .root, message: "document is a JSON \(document.kind(root).name), not an object")
        }

        let type = try requireString(root, "type") { .root }
        if !document.stringEquals(type, "main") {
            throw JSONViolation(
                path: JSONPath.root.appending("type"),
                message: "document type \(document.rawText(type)) is not \"main\"")
        }
        let id = try requireString(root, "id") { .root }
        if document.nodes[id].length == 0 {
            throw JSONViolation(path: JSONPath.root.appending("id"), message: "document id is empty")
        }
        if let client = document.member(root, "clientId"), document.kind(client) != .string, document.kind(client) != .null {
            throw JSONViolation(
                path: JSONPath.root.appending("clientId"),
                message: "expected a string or null, found a \(document.kind(client).name)")
        }

        let creation = try requireString(root, "creationDate") { .root }
        let parsed = document.withStringBytes(creation) { DateTime.parseTimestamp(bytes: $0) }
        if parsed == nil {
            throw JSONViolation(
                path: JSONPath.root.appending("creationDate"),
                message: "\(document.rawText(creation)) is not an ISO 8601 timestamp")
        }

        let applicationPath = JSONPath.root.appending("application")
        let application = try requireMember(root, "application", kind: .object) { .root }
        for key in ["channel", "version", "buildId"] {
            _ = try requireString(application, key) { applicationPath }
        }

        if let payload = document.member(root, "payload"), document.kind(payload) != .null {
            try checkPayload(payload)
        }
    }

    private func checkPayload(_ payload: Int) throws(JSONViolation) {
        let payloadPath = JSONPath.root.appending("payload")
        guard document.kind(payload) == .object else {
            throw JSONViolation(path: payloadPath, message: "expected an object, found a \(document.kind(payload).name)")
        }
        try checkHistogramSections(payload) { payloadPath }

        guard let processes = document.member(payload, "processes"), document.kind(processes) == .object else { return }
        let processesPath = payloadPath.appending("processes")
        var failure: JSONViolation?
        document.forEachMember(processes) { key, process in
            guard failure == nil, document.kind(process) == .object else { return }
            func processPath() -> JSONPath { processesPath.appending(document.string(key) ?? "") }
            do throws(JSONViolation) {
                try checkHistogramSections(process, path: processPath)
                try checkScalarSections(process, path: processPath)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Checks `histograms` and `keyedHistograms` of a payload or a process section.
    private func checkHistogramSections(_ section: Int, path: Path) throws(JSONViolation) {
        var failure: JSONViolation?
        if let histograms = document.member(section, "histograms"), document.kind(histograms) == .object {
            document.forEachMember(histograms) { key, histogram in
                guard failure == nil else { return }
                do throws(JSONViolation) {
                    try checkHistogram(histogram) { path().appending("histograms").appending(document.string(key) ?? "") }
                } catch {
                    failure = error
                }
            }
        }
        if let keyed = document.member(section, "keyedHistograms"), document.kind(keyed) == .object {
            document.forEachMember(keyed) { metricKey, metric in
                guard failure == nil, document.kind(metric) == .object else { return }
                document.forEachMember(metric) { key, histogram in
                    guard failure == nil else { return }
                    do throws(JSONViolation) {
                        try checkHistogram(histogram) {
                            path().appending("keyedHistograms").appending(document.string(metricKey) ?? "")
                                .appending(document.string(key) ?? "")
                        }
                    } catch {
                        failure = error
                    }
                }
            }
        }
        if let failure { throw failure }
    }

    /// Returns the first problem of a standalone histogram value, whose path starts at `$`.
    /// With `requireType` false, `histogram_type` may be absent (the caller reads `kind`).
    func histogramViolation(_ histogram: Int, requireType: Bool) -> JSONViolation? {
        do {
            try checkHistogram(histogram, requireType: requireType) { .root }
            return nil
        } catch {
            return error
        }
    }

    private func checkHistogram(_ histogram: Int, requireType: Bool = true, path: Path) throws(JSONViolation) {
        guard document.kind(histogram) == .object else {
            throw JSONViolation(path: path(), message: "expected a histogram object, found a \(document.kind(histogram).name)")
        }
        let members = HistogramMembers(document, histogram)
        if requireType || members.type != nil {
            let type = try requireMember(members.type, "histogram_type", kind: .integer, path: path)
            guard let code = document.int64(type), (0...5).contains(code) else {
                throw JSONViolation(
                    path: path().appending("histogram_type"),
                    message: "histogram type \(document.rawText(type)) is not one of 0 to 5")
            }
        }
        let bucketCount = try requireMember(members.bucketCount, "bucket_count", kind: .integer, path: path)
        if let count = document.int64(bucketCount), count < 1 || count > Int64(Int32.max) {
            throw JSONViolation(path: path().appending("bucket_count"), message: "bucket count \(count) is out of range")
        }
        let range = try requireMember(members.range, "range", kind: .array, path: path)
        // The array's elements follow its node, and the second starts after the first's subtree.
        guard document.childCount(range) == 2, let low = document.int64(range + 1),
            let high = document.int64(document.next(range + 1))
        else {
            throw JSONViolation(path: path().appending("range"), message: "expected two integers [low, high]")
        }
        if low > high {
            throw JSONViolation(path: path().appending("range"), message: "low \(low) is greater than high \(high)")
        }
        let sum = try requireMember(members.sum, "sum", kind: nil, path: path)
        guard document.kind(sum) == .integer || document.kind(sum) == .double else {
            throw JSONViolation(path: path().appending("sum"), message: "expected a number, found a \(document.kind(sum).name)")
        }
        // The sum is stored as a BIGINT; a value outside its range cannot be kept exactly.
        if document.int64(sum) == nil, HistogramReader.roundedInt64(document.double(sum) ?? .nan) == nil {
            throw JSONViolation(
                path: path().appending("sum"), message: "sum \(document.rawText(sum)) is out of range for BIGINT")
        }
        let values = try requireMember(members.values, "values", kind: .object, path: path)
        var failure: JSONViolation?
        document.forEachMember(values) { key, count in
            guard failure == nil else { return }
            if document.withStringBytes(key, HistogramReader.parseBucketKey) == nil {
                failure = JSONViolation(
                    path: path().appending("values").appending(document.string(key) ?? ""),
                    message: "bucket key \(document.rawText(key)) is not an integer")
            } else if document.kind(count) != .integer {
                failure = JSONViolation(
                    path: path().appending("values").appending(document.string(key) ?? ""),
                    message: "bucket count \(document.rawText(count)) is not an integer")
            } else if document.nodes[count].payload < 0 {
                failure = JSONViolation(
                    path: path().appending("values").appending(document.string(key) ?? ""),
                    message: "bucket count \(document.nodes[count].payload) is negative")
            }
        }
        if let failure { throw failure }
    }

    /// Checks `scalars` and `keyedScalars` of a process: values must be numbers, booleans
    /// or strings.
    private func checkScalarSections(_ process: Int, path: Path) throws(JSONViolation) {
        var failure: JSONViolation?
        if let scalars = document.member(process, "scalars"), document.kind(scalars) == .object {
            document.forEachMember(scalars) { key, value in
                guard failure == nil, !isScalarValue(value) else { return }
                failure = JSONViolation(
                    path: path().appending("scalars").appending(document.string(key) ?? ""),
                    message: "expected a number, boolean or string, found a \(document.kind(value).name)")
            }
        }
        if let keyed = document.member(process, "keyedScalars"), document.kind(keyed) == .object {
            document.forEachMember(keyed) { nameKey, entries in
                guard failure == nil else { return }
                guard document.kind(entries) == .object else {
                    failure = JSONViolation(
                        path: path().appending("keyedScalars").appending(document.string(nameKey) ?? ""),
                        message: "expected an object of keyed values, found a \(document.kind(entries).name)")
                    return
                }
                document.forEachMember(entries) { key, value in
                    guard failure == nil, !isScalarValue(value) else { return }
                    failure = JSONViolation(
                        path: path().appending("keyedScalars").appending(document.string(nameKey) ?? "")
                            .appending(document.string(key) ?? ""),
                        message: "expected a number, boolean or string, found a \(document.kind(value).name)")
                }
            }
        }
        if let failure { throw failure }
    }

    private func isScalarValue(_ node: Int) -> Bool {
        switch document.kind(node) {
        case .integer, .double, .bool, .string: return true
        case .null, .array, .object: return false
        }
    }

    // MARK: Helpers

    private func requireString(_ object: Int, _ key: String, path: Path) throws(JSONViolation) -> Int {
        try requireMember(object, key, kind: .string, path: path)
    }

    /// Returns member `key` of `object`, which must exist and, unless `kind` is nil, have
    /// that kind.
    private func requireMember(_ object: Int, _ key: String, kind: JSONKind?, path: Path) throws(JSONViolation) -> Int {
        try requireMember(document.member(object, key), key, kind: kind, path: path)
    }

    /// Returns `value`, the node found for member `key`, which must exist and, unless `kind`
    /// is nil, have that kind.
    private func requireMember(_ value: Int?, _ key: String, kind: JSONKind?, path: Path) throws(JSONViolation) -> Int {
        guard let value else {
            throw JSONViolation(path: path().appending(key), message: "required member \"\(key)\" is missing")
        }
        if let kind, document.kind(value) != kind {
            throw JSONViolation(
                path: path().appending(key),
                message: "expected a JSON \(kind.name), found \(document.kind(value).name) \(document.rawText(value))")
        }
        return value
    }
}
