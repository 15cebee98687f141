// Loading Firefox pings into the pings, histograms, scalars and rejected_pings tables.
//
// Each file is parsed and flattened by TeleIngest; the facade creates the tables on first
// use, drops duplicate documents when asked, and appends the rows. Files are committed in
// batches of about `commitBatchBytes` of input, so memory stays bounded on large ingests.
// Each batch is all-or-nothing, and kill -9 loses at most the batch in progress.

import Foundation
import TeleCore
import TeleIngest
import TeleStorage

public struct PingIngestOptions: Sendable {
    /// Drop documents whose id is already stored, or seen earlier in the same ingest.
    public var dedupe = false
    /// A JSON Schema file that every document must satisfy; nil applies the structural checks
    /// only.
    public var schemaPath: String?

    public init(dedupe: Bool = false, schemaPath: String? = nil) {
        self.dedupe = dedupe
        self.schemaPath = schemaPath
    }
}

public struct PingIngestReport: Sendable, CustomStringConvertible {
    public var files = 0
    public var bytes = 0
    /// Documents read, including rejected and duplicate ones.
    public var documents = 0
    public var rejected = 0
    public var duplicates = 0
    public var pings = 0
    public var histograms = 0
    public var scalars = 0
    public var seconds = 0.0
    /// Messages for the user, such as the first rejection reasons.
    public var notices: [String] = []

    public init() {}

    public var description: String {
        var text = "ingested \(pings) pings (\(histograms) histograms, \(scalars) scalars) from \(files) files"
        text += String(format: ", %.1f MB in %.2f s", Double(bytes) / 1_000_000, seconds)
        if seconds > 0 { text += String(format: " (%.1f MB/s)", Double(bytes) / 1_000_000 / seconds) }
        if rejected > 0 { text += "; \(rejected) rejected (see the rejected_pings table)" }
        if duplicates > 0 { text += "; \(duplicates) duplicate documents dropped" }
        return text
    }
}

extension Database {
    /// Input bytes per commit during ingest.
    static let commitBatchBytes = 64 << 20

    /// Ingests ping files (one JSON document or newline-delimited documents per file).
    ///
    /// - Parameter progress: Called after each file with the bytes done and the total.
    /// - Throws: `TeleError` when a file cannot be read, the schema is invalid, or storage
    ///   fails; rows of batches committed before the error stay.
    public func ingestPings(
        files: [String], options: PingIngestOptions, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> PingIngestReport {
        try ingestPings(files: files, options: options, pieceBytes: PingFilePieces.defaultPieceBytes, progress: progress)
    }

    /// Ingests ping files read in pieces of about `pieceBytes` (see `PingFilePieces`), each
    /// piece parsed on up to `threads` threads. By default these are the processors this
    /// process may run on, so `taskset` limits them too.
    func ingestPings(
        files: [String], options: PingIngestOptions, pieceBytes: Int,
        threads: Int = PingIngestor.availableProcessors(),
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    ) throws -> PingIngestReport {
        let started = DispatchTime.now()
        var report = PingIngestReport()
        let validator = try options.schemaPath.map { path in
            do {
                return try JSONSchemaValidator(path: path)
            } catch var error as TeleError {
                error.message = "invalid schema file \"\(path)\": " + error.message
                error.hint = "Give --schema (or the COPY option SCHEMA) a JSON Schema document."
                throw error
            }
        }
        if validator == nil {
            report.notices.append("no schema given: pings get structural checks only (use --schema FILE to validate)")
        }
        let ingestor = PingIngestor(schemaValidator: validator)
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
        let total = sizes.reduce(0, +)
        var seenIDs = options.dedupe ? try storedDocumentIDs() : []

        // A background thread reads and parses one piece ahead, while this thread stores.
        let prefetcher = PingPiecePrefetcher(files: files, pieceBytes: pieceBytes, threads: threads, ingestor: ingestor)
        defer { prefetcher.stop() }
        var item = prefetcher.next()
        while !item.isFinished {
            let transaction = try storage.beginWrite()
            do {
                try createPingTables(in: transaction)
                let baseCounts = try materializedViewBaseCounts(in: transaction)
                var batchBytes = 0
                // Large files arrive in pieces, so one commit may hold part of a file.
                while !item.isFinished, batchBytes < Database.commitBatchBytes {
                    switch item {
                    case .piece(var batch, let bytes):
                        if options.dedupe { report.duplicates += dropDuplicates(&batch, seen: &seenIDs) }
                        try append(batch, in: transaction)
                        record(batch, into: &report)
                        report.bytes += bytes
                        batchBytes += bytes
                        progress?(report.bytes, total)
                    case .fileEnd:
                        report.files += 1
                    case .failure(let error):
                        throw error
                    case .finished:
                        break
                    }
                    item = prefetcher.next()
                }
                try maintainMaterializedViews(baseCounts: baseCounts, rewrittenTable: nil, incremental: true, in: transaction)
                try transaction.commit()
            } catch {
                transaction.rollback()
                throw error
            }
        }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return report
    }

    /// Creates the ping tables that do not exist yet; an existing table of that name must
    /// have the expected columns.
    func createPingTables(in transaction: WriteTransaction) throws {
        for schema in PingTables.all {
            guard let existing = transaction.snapshot.table(schema.name) else {
                try transaction.createTable(schema)
                continue
            }
            if existing.schema.columns != schema.columns {
                throw TeleError(
                    .datatypeMismatch, "table \"\(schema.name)\" exists with columns ingest does not produce",
                    hint: "Rename or drop the table \"\(schema.name)\" before ingesting pings.")
            }
        }
    }

    private func append(_ batch: IngestBatch, in transaction: WriteTransaction) throws {
        for chunk in batch.pings { try transaction.append(table: PingTables.pings.name, chunk: chunk) }
        for chunk in batch.histograms { try transaction.append(table: PingTables.histograms.name, chunk: chunk) }
        for chunk in batch.scalars { try transaction.append(table: PingTables.scalars.name, chunk: chunk) }
        for chunk in batch.rejected { try transaction.append(table: PingTables.rejectedPings.name, chunk: chunk) }
    }

    private func record(_ batch: IngestBatch, into report: inout PingIngestReport) {
        report.documents += batch.documentCount
        report.rejected += batch.rejectedCount
        report.pings += batch.pings.reduce(0) { $0 + $1.count }
        report.histograms += batch.histograms.reduce(0) { $0 + $1.count }
        report.scalars += batch.scalars.reduce(0) { $0 + $1.count }
        for rejection in batch.rejections.prefix(max(0, 10 - report.notices.count)) {
            report.notices.append("rejected \(rejection.reason)")
        }
    }

    /// Reads the document ids already in the pings table.
    private func storedDocumentIDs() throws -> Set<String> {
        guard let table = storage.snapshot().table(PingTables.pings.name),
            let column = table.schema.columnIndex("document_id")
        else { return [] }
        var ids = Set<String>()
        for group in table.rowGroups {
            let vector = try group.readColumn(column)
            for row in 0..<vector.count {
                if case .string(let id) = vector.value(at: row) { ids.insert(id) }
            }
        }
        return ids
    }

    /// Removes from `batch` every document whose id is in `seen`, adds the new ids, and
    /// returns how many documents it removed.
    private func dropDuplicates(_ batch: inout IngestBatch, seen: inout Set<String>) -> Int {
        // NOTE: a document is identified by its id alone. When one batch repeats an id, the
        // histogram and scalar rows of the first document with that id are kept, because the
        // ingestor emits rows in document order.
        var duplicateRows = 0
        var keptIDs = Set<String>()
        var droppedIDs = Set<String>()
        batch.pings = batch.pings.map { chunk in
            let ids = chunk.columns[idColumn(PingTables.pings)]
            var keep: [Int32] = []
            for row in 0..<chunk.count {
                guard case .string(let id) = ids.value(at: row) else {
                    keep.append(Int32(row))
                    continue
                }
                if seen.contains(id) {
                    droppedIDs.insert(id)
                    duplicateRows += 1
                } else {
                    seen.insert(id)
                    keptIDs.insert(id)
                    keep.append(Int32(row))
                }
            }
            return keep.count == chunk.count ? chunk : chunk.gathered(keep)
        }.filter { $0.count > 0 }
        if duplicateRows == 0 { return 0 }

        // Drop the detail rows of ids that were stored before; for ids first seen in this
        // batch keep only the first run of rows.
        func filterDetail(_ chunks: [DataChunk], schema: TableSchema) -> [DataChunk] {
            var finishedRuns = Set<String>()
            var currentRun: String?
            return chunks.map { chunk in
                let ids = chunk.columns[idColumn(schema)]
                var keep: [Int32] = []
                for row in 0..<chunk.count {
                    guard case .string(let id) = ids.value(at: row) else {
                        keep.append(Int32(row))
                        continue
                    }
                    if id != currentRun {
                        if let currentRun { finishedRuns.insert(currentRun) }
                        currentRun = id
                    }
                    let storedBefore = droppedIDs.contains(id) && !keptIDs.contains(id)
                    if !storedBefore, !finishedRuns.contains(id) { keep.append(Int32(row)) }
                }
                return keep.count == chunk.count ? chunk : chunk.gathered(keep)
            }.filter { $0.count > 0 }
        }
        batch.histograms = filterDetail(batch.histograms, schema: PingTables.histograms)
        batch.scalars = filterDetail(batch.scalars, schema: PingTables.scalars)
        return duplicateRows
    }

    private func idColumn(_ schema: TableSchema) -> Int {
        guard let index = schema.columnIndex("document_id") else {
            preconditionFailure("ping table \(schema.name) has a document_id column")
        }
        return index
    }
}

extension Database {
    /// Writes `count` generated main pings as NDJSON to `path`.
    ///
    /// The same seed and count give the same bytes on every run.
    public static func generatePings(count: Int, seed: UInt64, to path: String) throws {
        guard count >= 0 else {
            throw TeleError(.invalidParameterValue, "ping count must not be negative: \(count)")
        }
        try PingGenerator(seed: seed).writeNDJSON(count: count, to: path)
    }
}
