// A buffered CSV writer over a C `FILE`, for generated data sets of many millions of rows.
//
// Fields are appended as bytes to one buffer that is flushed in 1 MiB blocks, so writing a
// row costs no String building. Only `appendQuoted` escapes. The other appends write their
// bytes as they are, so callers use them only for text without commas, quotes or line breaks.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import TeleCore

/// Writes CSV records to a file through a byte buffer.
struct CSVByteWriter: ~Copyable {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private var buffer: [UInt8] = []
    /// Whether the next field starts a record, so it gets no leading comma.
    private var atRecordStart = true

    /// Creates or truncates the file at `path`.
    ///
    /// - Throws: `TeleError` 58030 when the file cannot be created.
    init(path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw TeleError(
                .ioError, "could not create file \"\(path)\": \(String(cString: strerror(errno)))",
                hint: "Check that the directory exists and is writable.")
        }
        self.file = file
        self.path = path
        buffer.reserveCapacity(CSVByteWriter.blockSize + 4096)
    }

    deinit { fclose(file) }

    private static let blockSize = 1 << 20

    /// Writes a header record of column names.
    mutating func appendHeader(_ names: [String]) throws {
        for name in names { appendText(name) }
        try endRecord()
    }

    private mutating func beginField() {
        if atRecordStart {
            atRecordStart = false
        } else {
            buffer.append(UInt8(ascii: ","))
        }
    }

    /// Appends a field whose bytes need no quoting.
    mutating func appendBytes(_ bytes: [UInt8]) {
        beginField()
        buffer.append(contentsOf: bytes)
    }

    /// Appends a field whose text needs no quoting.
    mutating func appendText(_ text: String) {
        beginField()
        buffer.append(contentsOf: text.utf8)
    }

    /// Appends a field in double quotes, doubling the quotes inside it (RFC 4180).
    mutating func appendQuoted(_ bytes: [UInt8]) {
        beginField()
        buffer.append(UInt8(ascii: "\""))
        for byte in bytes {
            buffer.append(byte)
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends an integer in decimal.
    mutating func appendInteger(_ value: Int64) {
        beginField()
        CSVByteWriter.appendDecimal(value, to: &buffer)
    }

    /// Appends a date as `YYYY-MM-DD`.
    mutating func appendDate(days: Int64) {
        beginField()
        let (year, month, day) = DateTime.civil(days: days)
        CSVByteWriter.appendPadded(year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        CSVByteWriter.appendPadded(month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        CSVByteWriter.appendPadded(day, width: 2, to: &buffer)
    }

    /// Ends the record with LF and flushes a full block.
    mutating func endRecord() throws {
        buffer.append(0x0A)
        atRecordStart = true
        if buffer.count >= CSVByteWriter.blockSize { try flush() }
    }

    /// Writes the buffered bytes to the file.
    ///
    /// - Throws: `TeleError` 58030 when the write fails, for example on a full disk.
    mutating func flush() throws {
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == buffer.count, fflush(file) == 0 else {
            throw TeleError(.ioError, "could not write file \"\(path)\"", hint: "Check the free disk space.")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Appends the decimal digits of `value`, with a minus sign when negative.
    static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        // The magnitude as UInt64, so Int64.min does not overflow.
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { digitBytes in
            repeat {
                digitBytes[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(digitBytes[index]) }
        }
    }

    /// Appends `value` with leading zeros up to `width` digits.
    static func appendPadded(_ value: Int, width: Int, to buffer: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 1, value < divisor {
            buffer.append(UInt8(ascii: "0"))
            divisor /= 10
        }
        appendDecimal(Int64(value), to: &buffer)
    }
}
