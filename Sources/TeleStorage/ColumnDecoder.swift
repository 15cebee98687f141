// Decodes a stored column chunk back into a vector after verifying its checksum. The
// checksum rejects damaged bytes before decoding (a random change slips through with a
// probability of about 2^-32), and every length is still checked against the bytes at hand,
// so even damage that passes the checksum gives an error instead of a crash.

import CLZ4
import TeleCore

enum ColumnDecoder {
    /// The reason a chunk could not be decoded. The caller turns it into a TeleError that
    /// names the file.
    enum Failure: Error, Equatable {
        case checksumMismatch
        case truncated
        case invalid(String)
    }

    /// Decodes `stored`, the bytes the encoder produced for a column of type `type`.
    static func decode(_ stored: UnsafeRawBufferPointer, type: DataType) throws(Failure) -> Vector {
        guard stored.count >= ColumnChunkFormat.headerSize + ColumnChunkFormat.checksumSize else { throw .truncated }
        let checked = UnsafeRawBufferPointer(rebasing: stored[0..<(stored.count - ColumnChunkFormat.checksumSize)])
        let expected = UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: checked.count, as: UInt32.self))
        guard CRC32C.checksum(checked) == expected else { throw .checksumMismatch }

        var header = ByteReader(checked)
        do {
            guard let encoding = ColumnEncoding(rawValue: try header.read(UInt8.self)) else {
                throw Failure.invalid("unknown encoding")
            }
            let flags = try header.read(UInt8.self)
            _ = try header.read(UInt16.self)
            let rowCount = Int(try header.read(UInt32.self))
            let bodyLength = Int(try header.read(UInt32.self))
            let storedLength = Int(try header.read(UInt32.self))
            let storedBody = try header.readBytes(storedLength)
            guard header.remaining == 0 else { throw Failure.invalid("trailing bytes") }

            if flags & ColumnChunkFormat.compressedFlag != 0 {
                let body = try decompress(storedBody, length: bodyLength)
                return try body.withUnsafeBytes { raw in
                    try decodeBody(raw, encoding: encoding, flags: flags, rowCount: rowCount, type: type)
                }
            }
            guard bodyLength == storedLength else { throw Failure.invalid("body length") }
            return try decodeBody(storedBody, encoding: encoding, flags: flags, rowCount: rowCount, type: type)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .truncated
        }
    }

    private static func decompress(_ stored: UnsafeRawBufferPointer, length: Int) throws -> [UInt8] {
        guard length > 0, length < Int(Int32.max), stored.count < Int(Int32.max), let source = stored.baseAddress
        else { throw Failure.invalid("compressed length") }
        var failed = false
        let body = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            let size = LZ4_decompress_safe(
                source.assumingMemoryBound(to: CChar.self),
                UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(stored.count), Int32(length))
            failed = size != Int32(length)
            initialized = failed ? 0 : length
        }
        if failed { throw Failure.invalid("LZ4 block") }
        return body
    }

    private static func decodeBody(
        _ body: UnsafeRawBufferPointer, encoding: ColumnEncoding, flags: UInt8, rowCount: Int, type: DataType
    ) throws -> Vector {
        var reader = ByteReader(body)
        var validity = ValidityMask()
        if flags & ColumnChunkFormat.validityFlag != 0 {
            validity = ValidityMask(words: try reader.readArray(UInt64.self, count: (rowCount + 63) / 64))
        }
        let storage: VectorStorage
        switch (type.physical, encoding) {
        case (.bool, .plain):
            storage = .bool(try reader.readArray(UInt8.self, count: rowCount))
        case (.int64, _):
            storage = .int64(try decodeIntegers(&reader, encoding: encoding, rowCount: rowCount, validity: validity))
        case (.double, .plain):
            storage = .double(try reader.readArray(Double.self, count: rowCount))
        case (.string, .plain):
            storage = .string(try readStringColumn(&reader, count: rowCount))
        case (.string, .dictionary):
            storage = try decodeDictionary(&reader, rowCount: rowCount)
        case (.interval, .plain):
            let months = try reader.readArray(Int32.self, count: rowCount)
            let days = try reader.readArray(Int32.self, count: rowCount)
            let micros = try reader.readArray(Int64.self, count: rowCount)
            storage = .interval((0..<rowCount).map { Interval(months: months[$0], days: days[$0], micros: micros[$0]) })
        case (.histogram, .plain):
            storage = .histogram(try readHistograms(&reader, rowCount: rowCount))
        default:
            throw Failure.invalid("encoding \(encoding) for type \(type)")
        }
        guard reader.remaining == 0 else { throw Failure.invalid("trailing bytes") }
        return Vector(type: type, storage: storage, validity: validity, count: rowCount)
    }
}
