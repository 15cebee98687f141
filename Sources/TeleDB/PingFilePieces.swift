// Reads a ping file in pieces of about `pieceBytes`, so ingest of a large NDJSON file never
// keeps the whole file (and every row made from it) in memory.
//
// A piece ends just before a line that starts with `{`, the start of the next
// newline-delimited document. A pretty-printed document indents its inner braces, so a
// single-document file is never split; a file without such a line is read whole.

import Glibc
import TeleCore

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
