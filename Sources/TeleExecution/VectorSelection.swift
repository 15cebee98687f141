// Slicing and gathering rows of vectors while keeping their shape: a dictionary vector stays
// a dictionary (its codes are gathered), a constant stays a constant. Core's `gathered`
// flattens instead, which would throw away the dictionary that filters and GROUP BY use.

import TeleCore

extension ValidityMask {
    /// Returns the mask of the rows at `selection`. An all-valid mask stays all valid.
    func selecting(_ selection: UnsafeBufferPointer<Int32>) -> ValidityMask {
        if allValid { return self }
        var result = [UInt64](repeating: 0, count: (selection.count + 63) / 64)
        for (target, row) in selection.enumerated() where isValid(Int(row)) {
            result[target >> 6] |= UInt64(1) << UInt64(target & 63)
        }
        return ValidityMask(words: result)
    }
}

@inline(__always)
func gatherArray<T>(_ values: [T], _ selection: UnsafeBufferPointer<Int32>) -> [T] {
    values.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: selection.count) { buffer, initialized in
            for (target, row) in selection.enumerated() { (buffer.baseAddress! + target).initialize(to: source[Int(row)]) }
            initialized = selection.count
        }
    }
}

extension Vector {
    /// Gathers the rows at `selection`, in that order, keeping dictionary and constant shapes.
    func selecting(_ selection: [Int32]) -> Vector {
        selection.withUnsafeBufferPointer { selecting($0) }
    }

    func selecting(_ selection: UnsafeBufferPointer<Int32>) -> Vector {
        let count = selection.count
        if case .constant = storage {
            var copy = self
            copy.count = count
            return copy
        }
        let mask = validity.selecting(selection)
        switch storage {
        case .constant:
            preconditionFailure("handled above")
        case .dictionary(let codes, let dictionary):
            return Vector(type: type, storage: .dictionary(codes: gatherArray(codes, selection), dictionary: dictionary),
                validity: mask, count: count)
        case .int64(let values): return Vector(type: type, storage: .int64(gatherArray(values, selection)), validity: mask, count: count)
        case .double(let values): return Vector(type: type, storage: .double(gatherArray(values, selection)), validity: mask, count: count)
        case .bool(let values): return Vector(type: type, storage: .bool(gatherArray(values, selection)), validity: mask, count: count)
        case .interval(let values):
            return Vector(type: type, storage: .interval(gatherArray(values, selection)), validity: mask, count: count)
        case .histogram(let values):
            return Vector(type: type, storage: .histogram(gatherArray(values, selection)), validity: mask, count: count)
        case .string(let column):
            var result = StringColumn()
            result.offsets.reserveCapacity(count + 1)
            var total = 0
            for row in selection { total += column.length(Int(row)) }
            result.bytes.reserveCapacity(total)
            for row in selection { column.withBytes(Int(row)) { result.append(bytes: $0) } }
            return Vector(type: type, storage: .string(result), validity: mask, count: count)
        }
    }

    /// Rows `start ..< start + length`, keeping dictionary and constant shapes.
    func slice(_ start: Int, _ length: Int) -> Vector {
        if start == 0 && length == count { return self }
        let end = start + length
        var mask = ValidityMask()
        if !validity.allValid, case .constant = storage {} else if !validity.allValid {
            var words = [UInt64](repeating: 0, count: (length + 63) / 64)
            for row in 0..<length where validity.isValid(start + row) { words[row >> 6] |= UInt64(1) << UInt64(row & 63) }
            mask = ValidityMask(words: words)
        }
        switch storage {
        case .constant:
            var copy = self
            copy.count = length
            return copy
        case .dictionary(let codes, let dictionary):
            return Vector(type: type, storage: .dictionary(codes: Array(codes[start..<end]), dictionary: dictionary),
                validity: mask, count: length)
        case .int64(let values): return Vector(type: type, storage: .int64(Array(values[start..<end])), validity: mask, count: length)
        case .double(let values): return Vector(type: type, storage: .double(Array(values[start..<end])), validity: mask, count: length)
        case .bool(let values): return Vector(type: type, storage: .bool(Array(values[start..<end])), validity: mask, count: length)
        case .interval(let values):
            return Vector(type: type, storage: .interval(Array(values[start..<end])), validity: mask, count: length)
        case .histogram(let values):
            return Vector(type: type, storage: .histogram(Array(values[start..<end])), validity: mask, count: length)
        case .string(let column):
            let first = column.offsets[start]
            let bytes = Array(column.bytes[Int(first)..<Int(column.offsets[end])])
            let offsets = column.offsets[start...end].map { $0 - first }
            return Vector(type: type, storage: .string(StringColumn(bytes: bytes, offsets: offsets)), validity: mask, count: length)
        }
    }
}

extension DataChunk {
    /// Gathers the rows at `selection`, keeping vector shapes.
    func selecting(_ selection: [Int32]) -> DataChunk {
        DataChunk(columns: columns.map { $0.selecting(selection) }, count: selection.count)
    }

    /// Rows `start ..< start + length`.
    func slice(_ start: Int, _ length: Int) -> DataChunk {
        if start == 0 && length == count { return self }
        return DataChunk(columns: columns.map { $0.slice(start, length) }, count: length)
    }
}
