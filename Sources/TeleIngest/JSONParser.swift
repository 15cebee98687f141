// A validating JSON parser over raw UTF-8 bytes that builds a `JSONDocument`.
//
// It accepts exactly RFC 8259 JSON: strings must be valid UTF-8 without raw control
// characters, escapes must be well formed (a \u high surrogate must be followed by a low
// one), numbers follow the JSON grammar (no leading zeros, no `+`, no bare `.`), and nothing
// but whitespace may follow the value. Nesting deeper than `maxDepth` is an error, so
// hostile input cannot exhaust memory through the container stack. The loop is iterative and
// works on an unsafe pointer, which keeps it at several hundred MB/s in release builds.

import TeleCore

/// Parses JSON text into a `JSONDocument`.
///
/// Errors are `TeleError`s with SQLSTATE 22032 (invalid JSON text) whose message gives the
/// line, column and what was expected, and whose `position` contains the byte offset.
public struct JSONParser: Sendable {
    public static let defaultMaxDepth = 512

    /// The deepest nesting of arrays and objects accepted.
    public var maxDepth: Int

    public init(maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    /// Parses the single JSON value in `bytes[range]`; only whitespace may surround it.
    ///
    /// - Parameters:
    ///   - bytes: The source; the document keeps a reference to it, without copying.
    ///   - range: The part of `bytes` to parse; the whole array when nil.
    ///   - firstLine: The line number of `range.lowerBound`, for error messages.
    /// - Throws: `TeleError` 22032 naming the offset, line and column of the first error.
    public func parse(_ bytes: [UInt8], range: Range<Int>? = nil, firstLine: Int = 1) throws -> JSONDocument {
        let range = range ?? 0..<bytes.count
        let (document, end) = try parsePrefix(bytes, range: range, firstLine: firstLine)
        var position = end
        while position < range.upperBound, JSONScanner.isWhitespace(bytes[position]) { position += 1 }
        if position < range.upperBound {
            throw JSONParser.syntaxError(
                "unexpected data after the JSON value", found: bytes[position], bytes: bytes,
                offset: position, rangeStart: range.lowerBound, firstLine: firstLine)
        }
        return document
    }

    /// Parses the first JSON value in `bytes[range]` and returns it with the offset just
    /// past it, so that a caller can read concatenated or newline-delimited documents.
    ///
    /// - Parameter fileOffset: The file offset of `bytes[0]`, added to the byte offset that
    ///   an error reports, for bytes that are one piece of a larger file.
    public func parsePrefix(_ bytes: [UInt8], range: Range<Int>, firstLine: Int = 1, fileOffset: Int = 0) throws
        -> (document: JSONDocument, end: Int)
    {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range inside the bytes")
        let outcome: Result<(nodes: [JSONNode], end: Int), JSONScanner.Failure> = bytes.withUnsafeBufferPointer {
            var scanner = JSONScanner(buffer: $0, position: range.lowerBound, end: range.upperBound, maxDepth: maxDepth)
            do throws(JSONScanner.Failure) {
                try scanner.scanValue()
                return .success((scanner.nodes, scanner.position))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let parsed):
            let document = JSONDocument(bytes: bytes, nodes: parsed.nodes, range: range.lowerBound..<parsed.end)
            return (document, parsed.end)
        case .failure(let failure):
            let found: UInt8? = failure.offset < range.upperBound ? bytes[failure.offset] : nil
            throw JSONParser.syntaxError(
                failure.message, found: found, bytes: bytes, offset: failure.offset,
                rangeStart: range.lowerBound, firstLine: firstLine, fileOffset: fileOffset)
        }
    }

    /// Returns the 1-based line and column of `offset`, counting from `rangeStart` at `firstLine`.
    /// Columns count bytes.
    public static func lineAndColumn(_ bytes: [UInt8], offset: Int, from rangeStart: Int, firstLine: Int = 1)
        -> (line: Int, column: Int)
    {
        var line = firstLine
        var lineStart = rangeStart
        var index = rangeStart
        while index < offset {
            if bytes[index] == 0x0A {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        return (line, offset - lineStart + 1)
    }

    static func syntaxError(
        _ message: String, found: UInt8?, bytes: [UInt8], offset: Int, rangeStart: Int, firstLine: Int,
        fileOffset: Int = 0
    ) -> TeleError {
        let (line, column) = lineAndColumn(bytes, offset: offset, from: rangeStart, firstLine: firstLine)
        let foundText: String
        if let found {
            if found >= 0x21 && found < 0x7F {
                foundText = "'\(Character(Unicode.Scalar(found)))'"
            } else {
                foundText = "byte 0x\(String(found, radix: 16, uppercase: true))"
            }
        } else {
            foundText = "end of input"
        }
        return TeleError(
            .invalidJSONText,
            "invalid JSON at line \(line), column \(column) (byte offset \(fileOffset + offset)): \(message), found \(foundText)",
            hint: "Check the document at that position; each file must hold one JSON document or one document per line.",
            position: SourcePosition(offset: fileOffset + offset, line: line, column: column))
    }
}
