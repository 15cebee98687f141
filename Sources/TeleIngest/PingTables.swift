// The tables that ping ingest fills, and a builder that turns appended values into chunks.
//
// Column names are an interface: queries, the facade and the docs refer to them. The table
// and column lists here are the single definition, and the flattener appends values in
// exactly this column order.

import TeleCore

/// Schemas of the tables ping ingest writes: `pings`, `histograms`, `scalars` and
/// `rejected_pings`.
public struct PingTables: Sendable {
    /// Simple measurements stored as BIGINT columns: (column name, key in
    /// `payload.simpleMeasurements`). Values are milliseconds unless the name says otherwise.
    public static let simpleMeasurements: [(column: String, key: String)] = [
        ("uptime", "uptime"),
        ("total_time", "totalTime"),
        ("active_ticks", "activeTicks"),
        ("main", "main"),
        ("first_paint", "firstPaint"),
        ("session_restored", "sessionRestored"),
        ("first_load_uri", "firstLoadURI"),
        ("delayed_startup_finished", "delayedStartupFinished"),
        ("shutdown_duration", "shutdownDuration"),
        ("max_concurrent_threads", "maximalNumberOfConcurrentThreads"),
        ("saved_pings", "savedPings"),
        ("pings_overdue", "pingsOverdue"),
    ]

    /// One row per accepted ping.
    ///
    /// `submission_time` is `meta.submissionTimestamp` or `metadata.submissionTimestamp`
    /// (ISO 8601 text, as Mozilla's pipeline adds it), else `submission_timestamp`, else
    /// `meta.Timestamp` (nanoseconds, as the older Heka pipeline wrote it), else the ping's
    /// `creationDate`.
    public static let pings = TableSchema(
        name: "pings",
        columns: [
            ColumnSchema(name: "document_id", type: .varchar, notNull: true),
            ColumnSchema(name: "client_id", type: .varchar),
            ColumnSchema(name: "sample_id", type: .integer),
            ColumnSchema(name: "creation_time", type: .timestamp, notNull: true),
            ColumnSchema(name: "submission_time", type: .timestamp, notNull: true),
            ColumnSchema(name: "channel", type: .varchar),
            ColumnSchema(name: "version", type: .varchar),
            ColumnSchema(name: "display_version", type: .varchar),
            ColumnSchema(name: "build_id", type: .varchar),
            ColumnSchema(name: "app_name", type: .varchar),
            ColumnSchema(name: "os", type: .varchar),
            ColumnSchema(name: "os_version", type: .varchar),
            ColumnSchema(name: "architecture", type: .varchar),
            ColumnSchema(name: "locale", type: .varchar),
            ColumnSchema(name: "profile_group_id", type: .varchar),
            ColumnSchema(name: "reason", type: .varchar),
            ColumnSchema(name: "session_id", type: .varchar),
            ColumnSchema(name: "subsession_id", type: .varchar),
            ColumnSchema(name: "session_length", type: .bigint),
            ColumnSchema(name: "subsession_length", type: .bigint),
            ColumnSchema(name: "profile_subsession_counter", type: .bigint),
            ColumnSchema(name: "subsession_counter", type: .bigint),
            ColumnSchema(name: "timezone_offset", type: .bigint),
            ColumnSchema(name: "cpu_count", type: .bigint),
            ColumnSchema(name: "cpu_cores", type: .bigint),
            ColumnSchema(name: "memory_mb", type: .bigint),
            ColumnSchema(name: "is_default_browser", type: .boolean),
            ColumnSchema(name: "e10s_enabled", type: .boolean),
            ColumnSchema(name: "default_search_engine", type: .varchar),
            ColumnSchema(name: "distribution_id", type: .varchar),
            ColumnSchema(name: "profile_creation_date", type: .date),
        ]
            + simpleMeasurements.map { ColumnSchema(name: $0.column, type: .bigint) }
            + [
                ColumnSchema(name: "histogram_count", type: .bigint, notNull: true),
                ColumnSchema(name: "scalar_count", type: .bigint, notNull: true),
            ])

    /// One row per histogram per process. `key` is NULL for an unkeyed histogram.
    public static let histograms = TableSchema(
        name: "histograms",
        columns: commonColumns + [
            ColumnSchema(name: "process", type: .varchar, notNull: true),
            ColumnSchema(name: "metric", type: .varchar, notNull: true),
            ColumnSchema(name: "key", type: .varchar),
            ColumnSchema(name: "histogram", type: .histogram, notNull: true),
        ])

    /// One row per scalar and keyed scalar per process. `key` is NULL for an unkeyed
    /// scalar. Numbers go to `value`, booleans as 1 or 0; strings go to `string_value` with a
    /// NULL `value`.
    public static let scalars = TableSchema(
        name: "scalars",
        columns: commonColumns + [
            ColumnSchema(name: "process", type: .varchar, notNull: true),
            ColumnSchema(name: "name", type: .varchar, notNull: true),
            ColumnSchema(name: "key", type: .varchar),
            ColumnSchema(name: "value", type: .double),
            ColumnSchema(name: "string_value", type: .varchar),
        ])

    /// One row per rejected document. `line` is the line of the file where it starts.
    public static let rejectedPings = TableSchema(
        name: "rejected_pings",
        columns: [
            ColumnSchema(name: "file", type: .varchar, notNull: true),
            ColumnSchema(name: "line", type: .bigint, notNull: true),
            ColumnSchema(name: "document_id", type: .varchar),
            ColumnSchema(name: "reason", type: .varchar, notNull: true),
            ColumnSchema(name: "path", type: .varchar, notNull: true),
            ColumnSchema(name: "rejected_at", type: .timestamp, notNull: true),
        ])

    /// All four tables, in the order above.
    public static let all: [TableSchema] = [pings, histograms, scalars, rejectedPings]

    /// The ping-level columns that `histograms` and `scalars` repeat on every row, so that
    /// common filters need no join.
    static let commonColumns: [ColumnSchema] = [
        ColumnSchema(name: "document_id", type: .varchar, notNull: true),
        ColumnSchema(name: "client_id", type: .varchar),
        ColumnSchema(name: "sample_id", type: .integer),
        ColumnSchema(name: "creation_time", type: .timestamp, notNull: true),
        ColumnSchema(name: "channel", type: .varchar),
        ColumnSchema(name: "version", type: .varchar),
        ColumnSchema(name: "build_id", type: .varchar),
        ColumnSchema(name: "os", type: .varchar),
    ]
}

/// Collects rows column by column and cuts them into chunks of `capacity` rows.
///
/// Callers append exactly one value to every column, in column order, then call `endRow()`.
struct ChunkBuilder {
    let schema: TableSchema
    let capacity: Int
    var columns: [VectorBuilder]
    private(set) var chunks: [DataChunk] = []
    private(set) var rowsInChunk = 0
    private(set) var totalRows = 0

    init(schema: TableSchema, capacity: Int) {
        // VectorBuilder sizes its validity mask for at most `Vector.defaultCapacity` rows.
        precondition(capacity > 0 && capacity <= Vector.defaultCapacity, "chunk capacity within a vector")
        self.schema = schema
        self.capacity = capacity
        columns = schema.columns.map { VectorBuilder(type: $0.type, capacity: capacity) }
    }

    mutating func endRow() {
        rowsInChunk += 1
        totalRows += 1
        if rowsInChunk == capacity { flush() }
    }

    /// Finishes the partly filled chunk, if any.
    mutating func flush() {
        guard rowsInChunk > 0 else { return }
        var vectors: [Vector] = []
        vectors.reserveCapacity(columns.count)
        for index in columns.indices {
            let vector = columns[index].finish()
            precondition(vector.count == rowsInChunk, "every column got one value per row")
            vectors.append(vector)
        }
        chunks.append(DataChunk(columns: vectors, count: rowsInChunk))
        columns = schema.columns.map { VectorBuilder(type: $0.type, capacity: capacity) }
        rowsInChunk = 0
    }

    /// Returns the chunks built so far, including the partial one, and empties the builder.
    mutating func takeChunks() -> [DataChunk] {
        flush()
        let result = chunks
        chunks = []
        return result
    }
}
