// Row keys as byte strings, for hashing rows of several columns of any type.
//
// Each key column contributes a NULL flag byte and, for a valid row, a fixed encoding of the
// value: 8 bytes for integers and doubles (with -0 folded into 0 and every NaN into one NaN,
// so that equal values encode alike), 1 byte for booleans, a 4-byte length and the bytes for
// strings. Two rows have equal keys exactly when their encodings are equal, with NULL equal
// to NULL, which is what GROUP BY, DISTINCT and set operations need. Columns are written one
// after another over all rows, so the type switch runs once per column, not per row.

import TeleCore

/// The encoded keys of one chunk: key `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
struct EncodedKeys {
    var bytes: [UInt8]
    var offsets: [Int]
    /// 1 where some key column of the row is NULL.
    var hasNull: [UInt8]

    var count: Int { offsets.count - 1 }

    init(_ keys: [Vector], count: Int) {
        let flat = keys.map { $0.flatVector() }
        var sizes = [Int](repeating: flat.count, count: count)
        var hasNull = [UInt8](repeating: 0, count: count)
        for vector in flat {
            for row in 0..<count where !vector.validity.isValid(row) { hasNull[row] = 1 }
            switch vector.storage {
            case .int64, .double, .interval: for row in 0..<count { sizes[row] += 8 }
            case .bool: for row in 0..<count { sizes[row] += 1 }
            case .string(let column):
                for row in 0..<count { sizes[row] += 4 + column.length(row) }
            case .histogram(let values):
                for row in 0..<count { sizes[row] += 4 + values[row].description.utf8.count }
            case .constant, .dictionary: preconditionFailure("flattened() leaves no constant or dictionary vector")
            }
        }
        var offsets = [Int](repeating: 0, count: count + 1)
        for row in 0..<count { offsets[row + 1] = offsets[row] + sizes[row] }
        var bytes = [UInt8](repeating: 0, count: offsets[count])
        var cursor = Array(offsets.prefix(count))
        bytes.withUnsafeMutableBytes { buffer in
            for vector in flat { Self.write(vector, count: count, into: buffer, cursor: &cursor) }
        }
        self.bytes = bytes
        self.offsets = offsets
        self.hasNull = hasNull
    }

    private static func write(
        _ vector: Vector, count: Int, into buffer: UnsafeMutableRawBufferPointer, cursor: inout [Int]
    ) {
        let validity = vector.validity
        for row in 0..<count {
            let valid = validity.isValid(row)
            buffer[cursor[row]] = valid ? 1 : 0
            cursor[row] += 1
            if !valid { continue }
            switch vector.storage {
            case .int64(let values):
                buffer.storeBytes(of: values[row], toByteOffset: cursor[row], as: Int64.self)
                cursor[row] += 8
            case .double(let values):
                var value = values[row]
                if value == 0 { value = 0 }
                if value.isNaN { value = .nan }
                buffer.storeBytes(of: value.bitPattern, toByteOffset: cursor[row], as: UInt64.self)
                cursor[row] += 8
            case .interval(let values):
                buffer.storeBytes(of: values[row].comparableMicros, toByteOffset: cursor[row], as: Int64.self)
                cursor[row] += 8
            case .bool(let values):
                buffer[cursor[row]] = values[row]
                cursor[row] += 1
            case .string(let column):
                column.withBytes(row) { text in
                    buffer.storeBytes(of: UInt32(text.count), toByteOffset: cursor[row], as: UInt32.self)
                    for (index, byte) in text.enumerated() { buffer[cursor[row] + 4 + index] = byte }
                    cursor[row] += 4 + text.count
                }
            case .histogram(let values):
                let text = Array(values[row].description.utf8)
                buffer.storeBytes(of: UInt32(text.count), toByteOffset: cursor[row], as: UInt32.self)
                for (index, byte) in text.enumerated() { buffer[cursor[row] + 4 + index] = byte }
                cursor[row] += 4 + text.count
            case .constant, .dictionary:
                preconditionFailure("flattened() leaves no constant or dictionary vector")
            }
        }
        // Rows whose value was NULL wrote only the flag; their remaining bytes stay zero.
        if !validity.allValid {
            for row in 0..<count where !validity.isValid(row) {
                switch vector.storage {
                case .int64, .double, .interval: cursor[row] += 8
                case .bool: cursor[row] += 1
                case .string(let column): cursor[row] += 4 + column.length(row)
                case .histogram(let values): cursor[row] += 4 + values[row].description.utf8.count
                default: break
                }
            }
        }
    }
}
