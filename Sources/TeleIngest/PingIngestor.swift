// Ping ingest: splits a file into JSON documents, checks each one, and flattens the good
// ones into rows of `pings`, `histograms` and `scalars`.
//
// A file contains one JSON document (often pretty-printed over many lines) or several
// documents one after another, usually one per line (NDJSON). A document that fails to
// parse or fails a check adds one row to `rejected_pings` and nothing else, and every other
// document of the file still loads. After a parse error, reading resumes at the next line
// that starts with `{`, which is where the next document of an NDJSON or concatenated file
// begins.

import TeleCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reason one document was not loaded.
public struct PingRejection: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// The 1-based line of the file where the document starts.
    public var line: Int
    /// The document's `id`, when it could be read.
    public var documentID: String?
    /// The JSONPath of the offending field (`$` for the document as a whole).
    public var path: String
    /// The problem, naming the offending value.
    public var message: String

    /// The full reason as stored in `rejected_pings.reason`: file, line, path and message.
    public var reason: String { "\(file):\(line): \(path): \(message)" }

    public var description: String { reason }
}

/// The rows produced from one file, as chunks in the column order of `PingTables`.
public struct IngestBatch: Sendable {
    public var pings: [DataChunk] = []
    public var histograms: [DataChunk] = []
    public var scalars: [DataChunk] = []
    public var rejected: [DataChunk] = []
    /// Documents found in the file, accepted or not.
    public var documentCount = 0
    public var pingCount = 0
    public var histogramCount = 0
    public var scalarCount = 0
    /// The same rejections as the `rejected` chunks, for messages.
    public var rejections: [PingRejection] = []

    public var rejectedCount: Int { rejections.count }

    public init() {}
}

/// Loads main pings from file bytes.
///
/// Usage:
///
///     let ingestor = PingIngestor(schemaValidator: try JSONSchemaValidator(path: schemaPath))
///     let batch = ingestor.ingest(fileBytes: try readFileBytes(path: file), fileName: file)
///     // write batch.pings into PingTables.pings, batch.histograms into ..., and so on.
public final class PingIngestor: Sendable {
    public let schemaValidator: JSONSchemaValidator?
    /// Rows per chunk, at most `Vector.defaultCapacity`.
    public let chunkCapacity: Int
    private let parser: JSONParser

    public init(schemaValidator: JSONSchemaValidator? = nil, chunkCapacity: Int = Vector.defaultCapacity) {
        precondition(chunkCapacity > 0 && chunkCapacity <= Vector.defaultCapacity, "chunk capacity within a vector")
        self.schemaValidator = schemaValidator
        self.chunkCapacity = chunkCapacity
        self.parser = JSONParser()
    }

    /// Parses, checks and flattens every document of one file.
    ///
    /// - Parameters:
    ///   - fileBytes: The whole file.
    ///   - fileName: The name stored in `rejected_pings.file` and used in reasons.
    ///   - rejectedAt: The time stored in `rejected_pings.rejected_at`, in microseconds since
    ///     the epoch; the current time when nil.
    /// - Returns: The rows and counts; this never throws, because a bad document is a
    ///   rejected row rather than a failed ingest.
    public func ingest(fileBytes: [UInt8], fileName: String, rejectedAt: Int64? = nil) -> IngestBatch {
        ingest(fileBytes: fileBytes, range: 0..<fileBytes.count, firstLine: 1, fileName: fileName, rejectedAt: rejectedAt)
    }

    /// Parses, checks and flattens every document in `fileBytes[range]`.
    ///
    /// - Parameters:
    ///   - firstLine: The line of the file that `fileBytes[range.lowerBound]` is on.
    ///   - fileOffset: The file offset of `fileBytes[0]`. With these two, rejections name
    ///     lines and byte offsets of the file when `fileBytes` is one piece of it.
    public func ingest(
        fileBytes: [UInt8], range: Range<Int>, firstLine: Int, fileOffset: Int = 0, fileName: String,
        rejectedAt: Int64? = nil
    ) -> IngestBatch {
        precondition(range.lowerBound >= 0 && range.upperBound <= fileBytes.count, "range inside the bytes")
        var flattener = PingFlattener(chunkCapacity: chunkCapacity)
        var rejected = ChunkBuilder(schema: PingTables.rejectedPings, capacity: chunkCapacity)
        var batch = IngestBatch()
        var lines = LineCounter(offset: range.lowerBound, line: firstLine)
        let rejectionTime = rejectedAt ?? PingIngestor.currentTimeMicros()

        func reject(_ rejection: PingRejection) {
            batch.rejections.append(rejection)
            rejected.columns[0].appendString(rejection.file)
            rejected.columns[1].appendInt64(Int64(rejection.line))
            if let id = rejection.documentID { rejected.columns[2].appendString(id) } else { rejected.columns[2].appendNull() }
            rejected.columns[3].appendString(rejection.reason)
            rejected.columns[4].appendString(rejection.path)
            rejected.columns[5].appendInt64(rejectionTime)
            rejected.endRow()
        }

        var position = range.lowerBound
        let end = range.upperBound
        while true {
            while position < end, JSONScanner.isWhitespace(fileBytes[position]) { position += 1 }
            if position >= end { break }
            let line = lines.line(at: position, in: fileBytes)
            batch.documentCount += 1
            let document: JSONDocument
            do {
                let parsed = try parser.parsePrefix(fileBytes, range: position..<end, firstLine: line, fileOffset: fileOffset)
                document = parsed.document
                position = parsed.end
            } catch {
                let message = (error as? TeleError)?.message ?? "\(error)"
                reject(PingRejection(file: fileName, line: line, documentID: nil, path: "$", message: message))
                position = PingIngestor.nextDocumentStart(fileBytes, after: position, end: end)
                continue
            }

            if let violation = check(document) {
                let id = document.member(document.root, "id").flatMap { document.string($0) }
                reject(
                    PingRejection(
                        file: fileName, line: line, documentID: id, path: violation.path.description,
                        message: violation.message))
                continue
            }
            flattener.flatten(document)
            batch.pingCount += 1
        }

        batch.histogramCount = flattener.histograms.totalRows
        batch.scalarCount = flattener.scalars.totalRows
        batch.pings = flattener.pings.takeChunks()
        batch.histograms = flattener.histograms.takeChunks()
        batch.scalars = flattener.scalars.takeChunks()
        batch.rejected = rejected.takeChunks()
        return batch
    }

    /// Applies the structural checks, then the schema if there is one.
    private func check(_ document: JSONDocument) -> JSONViolation? {
        if let violation = PingStructureCheck(document: document).firstViolation() { return violation }
        return schemaValidator?.firstViolation(in: document)
    }

    /// Returns the start of the next line after `offset` that begins with `{`, or `end`
    /// (the end of the bytes when nil).
    static func nextDocumentStart(_ bytes: [UInt8], after offset: Int, end: Int? = nil) -> Int {
        let end = end ?? bytes.count
        var index = offset
        while index < end {
            if bytes[index] == 0x0A, index + 1 < end, bytes[index + 1] == UInt8(ascii: "{") {
                return index + 1
            }
            index += 1
        }
        return end
    }

    static func currentTimeMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}

/// Line numbers of increasing offsets, counted incrementally so a whole file is scanned once.
struct LineCounter {
    private var offset: Int
    private var line: Int

    /// Starts counting at byte `offset`, which is on line `line`.
    init(offset: Int = 0, line: Int = 1) {
        self.offset = offset
        self.line = line
    }

    mutating func line(at target: Int, in bytes: [UInt8]) -> Int {
        precondition(target >= offset, "offsets only increase")
        bytes.withUnsafeBufferPointer { buffer in
            var index = offset
            var count = line
            while index < target {
                if buffer[index] == 0x0A { count &+= 1 }
                index &+= 1
            }
            line = count
        }
        offset = target
        return line
    }
}

/// Reads a whole file into memory.
///
/// - Throws: `TeleError` 58030 when the file cannot be opened or read.
public func readFileBytes(path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw TeleError(
            .ioError, "could not open file \"\(path)\": \(String(cString: strerror(errno)))",
            hint: "Check that the path exists and is readable.")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
        if count < buffer.count {
            if ferror(file) != 0 {
                throw TeleError(.ioError, "could not read file \"\(path)\"", hint: "Check that the file is readable.")
            }
            break
        }
    }
    return bytes
}
