// Little-endian binary encoding helpers for column chunks and the manifest.
//
// `ByteWriter` appends to a growing byte array. `ByteReader` checks every read against the
// end of its buffer and throws `ByteReader.Truncated` instead of reading past it, so damaged
// input that slips past a checksum still cannot crash the process.

/// Appends fixed-width little-endian values and length-prefixed strings to a byte array.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) {
        write(value.bitPattern)
    }

    mutating func write(_ value: Bool) {
        write(UInt8(value ? 1 : 0))
    }

    /// Writes a UInt32 byte count followed by the UTF-8 bytes.
    mutating func write(_ string: String) {
        write(UInt32(string.utf8.count))
        bytes.append(contentsOf: string.utf8)
    }

    mutating func write(bytes newBytes: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: newBytes)
    }

    /// Appends the memory of an array of plain values (integers, doubles) as it lies.
    mutating func writeArray<T: BitwiseCopyable>(_ values: [T]) {
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }
}

/// Reads what `ByteWriter` wrote, with a bounds check on every read.
struct ByteReader {
    /// Thrown when a read would go past the end of the buffer.
    struct Truncated: Error {}

    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - position }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw Truncated() }
        let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    mutating func readDouble() throws -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    mutating func readBool() throws -> Bool {
        try read(UInt8.self) != 0
    }

    mutating func readString() throws -> String {
        let count = Int(try read(UInt32.self))
        let slice = try readBytes(count)
        return String(decoding: slice, as: UTF8.self)
    }

    /// Returns the next `count` bytes without copying them.
    mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw Truncated() }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        position += count
        return slice
    }

    /// Reads `count` plain values that `writeArray` wrote.
    mutating func readArray<T: BitwiseCopyable>(_ type: T.Type, count: Int) throws -> [T] {
        let size = MemoryLayout<T>.stride
        guard count >= 0, count <= remaining / size else { throw Truncated() }
        let source = try readBytes(count * size)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, let target = buffer.baseAddress, let from = source.baseAddress {
                UnsafeMutableRawPointer(target).copyMemory(from: from, byteCount: count * size)
            }
            initialized = count
        }
    }
}
