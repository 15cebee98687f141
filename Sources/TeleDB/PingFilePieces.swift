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

    /// Returns the next piece and the line of the file it starts on, or nil at the end.
    mutating func next() throws -> (bytes: [UInt8], firstLine: Int)? {
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
        nextFirstLine += buffer.withUnsafeBufferPointer { bytes in bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        return (buffer, firstLine)
    }

    private mutating func readMore(into buffer: inout [UInt8]) throws {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: readBytes))
        let count = buffer.withUnsafeMutableBufferPointer { bytes in
            Glibc.read(descriptor, bytes.baseAddress! + start, readBytes)
        }
        if count < 0 {
            buffer.removeSubrange(start...)
            throw TeleError(
                .ioError, "could not read file \"\(path)\": \(String(cString: strerror(errno)))",
                hint: "Check that the file is readable.")
        }
        buffer.removeSubrange((start + count)...)
        if count == 0 { endOfFile = true }
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
