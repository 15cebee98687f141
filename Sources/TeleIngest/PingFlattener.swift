// Turns one checked main ping into rows of `pings`, `histograms` and `scalars`.
//
// `PingIngestor` calls the flattener only for documents that passed `PingStructureCheck`
// (and the schema, if any), and the flattener has no failure path: optional fields that are
// missing or of another type become NULL. Strings are copied from the source bytes straight into the vectors.

import TeleCore

struct PingFlattener {
    var pings: ChunkBuilder
    var histograms: ChunkBuilder
    var scalars: ChunkBuilder

    init(chunkCapacity: Int) {
        pings = ChunkBuilder(schema: PingTables.pings, capacity: chunkCapacity)
        histograms = ChunkBuilder(schema: PingTables.histograms, capacity: chunkCapacity)
        scalars = ChunkBuilder(schema: PingTables.scalars, capacity: chunkCapacity)
    }

    /// The ping-level values that every row of every table starts with.
    private struct Header {
        var documentID: Int?
        var clientID: Int?
        var sampleID: Int64?
        var creationTime: Int64
        var channel: Int?
        var version: Int?
        var buildID: Int?
        var os: Int?
    }

    /// Appends the rows of `document` to the three tables.
    mutating func flatten(_ document: JSONDocument) {
        let root = document.root
        let application = document.member(root, "application")
        let environment = document.member(root, "environment")
        let system = environment.flatMap { document.member($0, "system") }
        let osNode = system.flatMap { document.path($0, "os") }

        var header = Header(creationTime: 0)
        header.documentID = document.member(root, "id")
        header.clientID = stringNode(document, document.member(root, "clientId"))
        if let client = header.clientID {
            header.sampleID = document.withStringBytes(client) { sampleID(clientID: $0) }
        }
        if let creation = document.member(root, "creationDate") {
            header.creationTime = document.withStringBytes(creation) { DateTime.parseTimestamp(bytes: $0) } ?? 0
        }
        header.channel = application.flatMap { document.member($0, "channel") }
        header.version = application.flatMap { document.member($0, "version") }
        header.buildID = application.flatMap { document.member($0, "buildId") }
        header.os = osNode.flatMap { document.member($0, "name") }

        let payload = document.member(root, "payload")
        let histogramsBefore = histograms.totalRows
        let scalarsBefore = scalars.totalRows
        if let payload, document.kind(payload) == .object {
            appendHistogramSections(document, payload, process: "parent", header: header)
            if let processes = document.member(payload, "processes") {
                document.forEachMember(processes) { key, process in
                    let name = document.string(key) ?? ""
                    appendHistogramSections(document, process, process: name, header: header)
                    appendScalarSections(document, process, process: name, header: header)
                }
            }
        }
        let histogramCount = Int64(histograms.totalRows - histogramsBefore)
        let scalarCount = Int64(scalars.totalRows - scalarsBefore)

        appendPingRow(
            document, header: header, payload: payload, application: application, environment: environment,
            system: system, osNode: osNode, histogramCount: histogramCount, scalarCount: scalarCount)
    }

    private mutating func appendPingRow(
        _ document: JSONDocument, header: Header, payload: Int?, application: Int?, environment: Int?,
        system: Int?, osNode: Int?, histogramCount: Int64, scalarCount: Int64
    ) {
        let root = document.root
        let settings = environment.flatMap { document.member($0, "settings") }
        let build = environment.flatMap { document.member($0, "build") }
        let cpu = system.flatMap { document.member($0, "cpu") }
        let info = payload.flatMap { document.member($0, "info") }
        let measurements = payload.flatMap { document.member($0, "simpleMeasurements") }
        var column = 0
        func string(_ node: Int?) {
            PingFlattener.appendString(&pings.columns[column], document, node)
            column += 1
        }
        func integer(_ node: Int?) {
            PingFlattener.appendInteger(&pings.columns[column], document, node)
            column += 1
        }
        func date(_ node: Int?) {
            if let node, let days = document.int64(node), DateTime.isValidDay(days) {
                pings.columns[column].appendInt64(days)
            } else {
                pings.columns[column].appendNull()
            }
            column += 1
        }
        func boolean(_ node: Int?) {
            if let node, let value = document.bool(node) {
                pings.columns[column].appendBool(value)
            } else {
                pings.columns[column].appendNull()
            }
            column += 1
        }
        func timestamp(_ micros: Int64?) {
            if let micros { pings.columns[column].appendInt64(micros) } else { pings.columns[column].appendNull() }
            column += 1
        }

        string(header.documentID)
        string(header.clientID)
        if let sample = header.sampleID { pings.columns[column].appendInt64(sample) } else { pings.columns[column].appendNull() }
        column += 1
        timestamp(header.creationTime)
        timestamp(submissionTime(document) ?? header.creationTime)
        string(header.channel)
        string(header.version)
        let displayVersion = application.flatMap { document.member($0, "displayVersion") }
        string(displayVersion ?? build.flatMap { document.member($0, "displayVersion") })
        string(header.buildID)
        string(application.flatMap { document.member($0, "name") })
        string(header.os)
        string(osNode.flatMap { document.member($0, "version") })
        string(application.flatMap { document.member($0, "architecture") })
        string(settings.flatMap { document.member($0, "locale") })
        string(document.member(root, "profileGroupId"))
        string(info.flatMap { document.member($0, "reason") })
        string(info.flatMap { document.member($0, "sessionId") })
        string(info.flatMap { document.member($0, "subsessionId") })
        integer(info.flatMap { document.member($0, "sessionLength") })
        integer(info.flatMap { document.member($0, "subsessionLength") })
        integer(info.flatMap { document.member($0, "profileSubsessionCounter") })
        integer(info.flatMap { document.member($0, "subsessionCounter") })
        integer(info.flatMap { document.member($0, "timezoneOffset") })
        integer(cpu.flatMap { document.member($0, "count") })
        integer(cpu.flatMap { document.member($0, "cores") })
        integer(system.flatMap { document.member($0, "memoryMB") })
        boolean(settings.flatMap { document.member($0, "isDefaultBrowser") })
        boolean(settings.flatMap { document.member($0, "e10sEnabled") })
        string(settings.flatMap { document.member($0, "defaultSearchEngine") })
        string(environment.flatMap { document.path($0, "partner", "distributionId") })
        // environment.profile.creationDate counts days since 1970-01-01, as DATE does. A day
        // outside DATE's range is stored as NULL, because no query could print it as a date.
        date(environment.flatMap { document.path($0, "profile", "creationDate") })
        for measurement in PingTables.simpleMeasurements {
            integer(measurements.flatMap { document.member($0, measurement.key) })
        }
        pings.columns[column].appendInt64(histogramCount)
        pings.columns[column + 1].appendInt64(scalarCount)
        column += 2
        precondition(column == PingTables.pings.columns.count, "one value per pings column")
        pings.endRow()
    }

    /// Returns the time the pipeline received the ping, if the document records it.
    private func submissionTime(_ document: JSONDocument) -> Int64? {
        let root = document.root
        for section in ["meta", "metadata"] {
            if let node = document.path(root, section, "submissionTimestamp"), let time = parseTime(document, node) {
                return time
            }
        }
        if let node = document.member(root, "submission_timestamp"), let time = parseTime(document, node) {
            return time
        }
        if let node = document.path(root, "meta", "Timestamp"), let nanoseconds = document.int64(node) {
            return nanoseconds / 1000
        }
        return nil
    }

    private func parseTime(_ document: JSONDocument, _ node: Int) -> Int64? {
        guard document.kind(node) == .string else { return nil }
        return document.withStringBytes(node) { DateTime.parseTimestamp(bytes: $0) }
    }

    // MARK: Histograms and scalars

    private mutating func appendHistogramSections(_ document: JSONDocument, _ section: Int, process: String, header: Header) {
        if let unkeyed = document.member(section, "histograms") {
            document.forEachMember(unkeyed) { key, node in
                appendHistogram(document, node, process: process, metric: key, key: nil, header: header)
            }
        }
        if let keyed = document.member(section, "keyedHistograms") {
            document.forEachMember(keyed) { metric, entries in
                document.forEachMember(entries) { key, node in
                    appendHistogram(document, node, process: process, metric: metric, key: key, header: header)
                }
            }
        }
    }

    private mutating func appendHistogram(
        _ document: JSONDocument, _ node: Int, process: String, metric: Int, key: Int?, header: Header
    ) {
        guard let histogram = HistogramReader.read(document, node) else { return }
        var column = PingFlattener.appendHeader(&histograms, document, header)
        histograms.columns[column].appendString(process)
        PingFlattener.appendString(&histograms.columns[column + 1], document, metric)
        PingFlattener.appendString(&histograms.columns[column + 2], document, key)
        histograms.columns[column + 3].appendHistogram(histogram)
        column += 4
        histograms.endRow()
    }

    private mutating func appendScalarSections(_ document: JSONDocument, _ process: Int, process name: String, header: Header) {
        if let unkeyed = document.member(process, "scalars") {
            document.forEachMember(unkeyed) { key, value in
                appendScalar(document, value, process: name, name: key, key: nil, header: header)
            }
        }
        if let keyed = document.member(process, "keyedScalars") {
            document.forEachMember(keyed) { scalarName, entries in
                document.forEachMember(entries) { key, value in
                    appendScalar(document, value, process: name, name: scalarName, key: key, header: header)
                }
            }
        }
    }

    private mutating func appendScalar(
        _ document: JSONDocument, _ value: Int, process: String, name: Int, key: Int?, header: Header
    ) {
        let column = PingFlattener.appendHeader(&scalars, document, header)
        scalars.columns[column].appendString(process)
        PingFlattener.appendString(&scalars.columns[column + 1], document, name)
        PingFlattener.appendString(&scalars.columns[column + 2], document, key)
        switch document.kind(value) {
        case .integer, .double:
            scalars.columns[column + 3].appendDouble(document.double(value) ?? 0)
            scalars.columns[column + 4].appendNull()
        case .bool:
            scalars.columns[column + 3].appendDouble(document.bool(value) == true ? 1 : 0)
            scalars.columns[column + 4].appendNull()
        case .string:
            scalars.columns[column + 3].appendNull()
            PingFlattener.appendString(&scalars.columns[column + 4], document, value)
        case .null, .array, .object:
            scalars.columns[column + 3].appendNull()
            scalars.columns[column + 4].appendNull()
        }
        scalars.endRow()
    }

    /// Appends the common ping columns to `table` and returns the next column index.
    ///
    /// Static on purpose: a method on `self` that takes `&self.histograms` makes Swift copy
    /// `self`, and the copy turns every append into a copy of the column buffers.
    private static func appendHeader(_ table: inout ChunkBuilder, _ document: JSONDocument, _ header: Header) -> Int {
        PingFlattener.appendString(&table.columns[0], document, header.documentID)
        PingFlattener.appendString(&table.columns[1], document, header.clientID)
        if let sample = header.sampleID { table.columns[2].appendInt64(sample) } else { table.columns[2].appendNull() }
        table.columns[3].appendInt64(header.creationTime)
        PingFlattener.appendString(&table.columns[4], document, header.channel)
        PingFlattener.appendString(&table.columns[5], document, header.version)
        PingFlattener.appendString(&table.columns[6], document, header.buildID)
        PingFlattener.appendString(&table.columns[7], document, header.os)
        return PingTables.commonColumns.count
    }

    // MARK: Value helpers

    private func stringNode(_ document: JSONDocument, _ node: Int?) -> Int? {
        guard let node, document.kind(node) == .string else { return nil }
        return node
    }

    /// Appends a string node's text, or NULL when `node` is missing or not a string.
    static func appendString(_ builder: inout VectorBuilder, _ document: JSONDocument, _ node: Int?) {
        guard let node, document.kind(node) == .string else {
            builder.appendNull()
            return
        }
        document.withStringBytes(node) { builder.appendString(bytes: $0) }
    }

    /// Appends a number rounded to an integer, or NULL when `node` is missing, not a number,
    /// or outside BIGINT's range (never a clamped value the ping did not send).
    static func appendInteger(_ builder: inout VectorBuilder, _ document: JSONDocument, _ node: Int?) {
        guard let node else {
            builder.appendNull()
            return
        }
        if let value = document.int64(node) {
            builder.appendInt64(value)
        } else if let value = document.double(node), let rounded = HistogramReader.roundedInt64(value) {
            builder.appendInt64(rounded)
        } else {
            builder.appendNull()
        }
    }
}
