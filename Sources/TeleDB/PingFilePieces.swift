// Reads a ping file in pieces of about `pieceBytes`, so ingest of a large NDJSON file never
// keeps the whole file (and every row made from it) in memory.
//
// A piece ends just before a line that starts with `{`, the start of the next
// newline-delimited document. A pretty-printed document indents its inner braces, so a
// single-document file is never split; a file without such a line is read whole.
// `PingPiecePrefetcher` reads and parses the pieces on a background thread, one piece ahead
// of the thread that stores them.

import Foundation
import Glibc
import TeleCore
import TeleIngest

struct PingFilePieces {
    /// Bytes per piece by default: large enough that per-piece costs vanish, small enough
    /// that the rows built from one piece stay well inside memory.
    static let defaultPieceBytes = 64 << 20

    let path: String
    let pieceBytes: Int
    private let readBytes: Int
    private let descriptor: Int32
    private var carry: [UInt8] = []
    private var endOfFile = false
    private var nextFirstLine = 1
    private var nextFileOffset = 0

    /// - Throws: `TeleError` 58030 when the file cannot be opened.
    init(path: String, pieceBytes: Int = PingFilePieces.defaultPieceBytes) throws {
        self.path = path
        self.pieceBytes = pieceBytes
        readBytes = min(pieceBytes, 8 << 20)
        descriptor = Glibc.open(path, O_RDONLY)
        if descriptor < 0 {
            throw TeleError(
                .ioError, "could not open file \"\(path)\": \(String(cString: strerror(errno)))",
                hint: "Check that the path exists and is readable.")
        }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    /// Returns the next piece with the line and the byte offset of the file it starts at, or
    /// nil at the end.
    mutating func next() throws -> (bytes: [UInt8], firstLine: Int, fileOffset: Int)? {
        var buffer = carry
        carry = []
        var searchFrom = 0
        while true {
            while buffer.count < searchFrom + pieceBytes, !endOfFile { try readMore(into: &buffer) }
            if buffer.isEmpty { return nil }
            if endOfFile { break }
            if let boundary = lastDocumentStart(in: buffer, from: searchFrom) {
                carry = Array(buffer[boundary...])
                buffer.removeSubrange(boundary...)
                break
            }
            // One document longer than a piece: keep reading until the next one starts.
            searchFrom = buffer.count
        }
        let firstLine = nextFirstLine
        let fileOffset = nextFileOffset
        nextFileOffset += buffer.count
        nextFirstLine += buffer.withUnsafeBufferPointer { bytes in
            // Wrapping addition, so the loop vectorizes: a count never exceeds the byte count.
            var newlines = 0
            for byte in bytes where byte == 0x0A { newlines &+= 1 }
            return newlines
        }
        return (buffer, firstLine, fileOffset)
    }

    /// Appends up to `readBytes` bytes of the file to `buffer`, or sets `endOfFile`.
    ///
    /// The bytes are read into a new array's uninitialized storage and then moved or copied,
    /// because filling the array with zeros first cost more than the read itself.
    private mutating func readMore(into buffer: inout [UInt8]) throws {
        var readError: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: readBytes) { bytes, initializedCount in
            guard let base = bytes.baseAddress else { return }
            let count = Glibc.read(descriptor, base, readBytes)
            if count < 0 { readError = errno }
            initializedCount = max(count, 0)
        }
        if readError != 0 {
            throw TeleError(
                .ioError, "could not read file \"\(path)\": \(String(cString: strerror(readError)))",
                hint: "Check that the file is readable.")
        }
        if chunk.isEmpty {
            endOfFile = true
        } else if buffer.isEmpty {
            buffer = chunk
        } else {
            // Reserve a whole piece at once, so a piece is not copied on every regrowth.
            if buffer.capacity < buffer.count + chunk.count {
                buffer.reserveCapacity(max(pieceBytes, buffer.count) + readBytes)
            }
            buffer.append(contentsOf: chunk)
        }
    }

    /// Finds the offset of the last `{` that starts a line at or after `from`, if any.
    private func lastDocumentStart(in buffer: [UInt8], from: Int) -> Int? {
        var index = buffer.count - 1
        while index > max(from, 1) {
            if buffer[index] == 0x7B, buffer[index - 1] == 0x0A { return index }
            index -= 1
        }
        return nil
    }
}

/// Reads and ingests the pieces of ping files on a background thread, one piece ahead of
/// the caller, so that parsing the next piece overlaps with storing the current one.
///
/// Items arrive in file order: each piece's batch, then the end of its file, and after the
/// last file `finished`. A file that cannot be opened or read ends the sequence with
/// `failure`, at the point where a sequential read would have thrown.
final class PingPiecePrefetcher: @unchecked Sendable {
    enum Item {
        case piece(IngestBatch, bytes: Int)
        case fileEnd
        case failure(any Error)
        case finished

        var isFinished: Bool {
            if case .finished = self { return true }
            return false
        }
    }

    private let files: [String]
    private let pieceBytes: Int
    private let threads: Int
    private let ingestor: PingIngestor
    /// The lock of `queue` and `stopped`. The reading thread waits on it while the queue is
    /// full, the caller while it is empty.
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var stopped = false
    /// Items read ahead of the caller. One piece ahead is enough for the overlap, and each
    /// queued piece keeps its rows in memory.
    private let depth = 1

    init(files: [String], pieceBytes: Int, threads: Int, ingestor: PingIngestor) {
        self.files = files
        self.pieceBytes = pieceBytes
        self.threads = threads
        self.ingestor = ingestor
        let thread = Thread { [self] in run() }
        thread.name = "ping ingest reader"
        thread.start()
    }

    /// Returns the next item, waiting for the reading thread when none is ready.
    func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let item = queue.removeFirst()
        condition.broadcast()
        return item
    }

    /// Makes the reading thread stop after the piece it is on. The caller must not call
    /// `next` afterwards.
    func stop() {
        condition.lock()
        stopped = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Queues `item`, waiting while the queue is full. Returns false once stopped.
    private func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth, !stopped { condition.wait() }
        if stopped { return false }
        queue.append(item)
        condition.broadcast()
        return true
    }

    private func run() {
        for file in files {
            do {
                var pieces = try PingFilePieces(path: file, pieceBytes: pieceBytes)
                defer { pieces.close() }
                while let piece = try pieces.next() {
                    let batch = ingestor.ingest(
                        fileBytes: piece.bytes, fileName: file, firstLine: piece.firstLine,
                        fileOffset: piece.fileOffset, threads: threads)
                    guard put(.piece(batch, bytes: piece.bytes.count)) else { return }
                }
            } catch {
                _ = put(.failure(error))
                return
            }
            guard put(.fileEnd) else { return }
        }
        _ = put(.finished)
    }
}
