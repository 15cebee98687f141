// Concatenates vectors of one type into a single flat vector, for operators that must see
// all of their input before producing output (sort, hash join build, hash aggregate keys).

import TeleCore

/// Appends whole vectors or single rows of one type and returns one flat vector.
struct VectorAccumulator {
    let type: DataType
    private(set) var count = 0
    private var bools: [UInt8] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var strings = StringColumn()
    private var intervals: [Interval] = []
    private var histograms: [Histogram] = []
    /// nil while every row so far is valid.
    private var validity: [UInt64]? = nil

    init(type: DataType) { self.type = type }

    /// Appends every row of `vector`, which must have this accumulator's physical type.
    mutating func append(_ vector: Vector) {
        let flat = vector.flatVector()
        let start = count
        switch flat.storage {
        case .bool(let values): bools.append(contentsOf: values.prefix(flat.count))
        case .int64(let values): ints.append(contentsOf: values.prefix(flat.count))
        case .double(let values): doubles.append(contentsOf: values.prefix(flat.count))
        case .interval(let values): intervals.append(contentsOf: values.prefix(flat.count))
        case .histogram(let values): histograms.append(contentsOf: values.prefix(flat.count))
        case .string(let column):
            let base = Int32(strings.bytes.count)
            let first = column.offsets[0]
            let end = Int(column.offsets[flat.count])
            strings.bytes.append(contentsOf: column.bytes[Int(first)..<end])
            if flat.count > 0 {
                for index in 1...flat.count { strings.offsets.append(column.offsets[index] - first + base) }
            }
        case .constant, .dictionary:
            preconditionFailure("flattened() leaves no constant or dictionary vector")
        }
        count += flat.count
        if !flat.validity.allValid {
            for row in 0..<flat.count where !flat.validity.isValid(row) { markNull(start + row) }
        }
    }

    /// Appends one row of `vector`.
    mutating func append(_ vector: Vector, row: Int) {
        if vector.isNull(row) {
            appendNull()
            return
        }
        switch vector.storage {
        case .bool(let values): bools.append(values[row])
        case .int64(let values): ints.append(values[row])
        case .double(let values): doubles.append(values[row])
        case .interval(let values): intervals.append(values[row])
        case .histogram(let values): histograms.append(values[row])
        case .string(let column): column.withBytes(row) { strings.append(bytes: $0) }
        case .dictionary(let codes, let dictionary): dictionary.withBytes(Int(codes[row])) { strings.append(bytes: $0) }
        case .constant(let value): appendValue(value)
        }
        count += 1
    }

    /// Appends one boxed value, NULL included, which must have this accumulator's type.
    mutating func append(_ value: Value) {
        if value.isNull {
            appendNull()
            return
        }
        appendValue(value)
        count += 1
    }

    mutating func appendBool(_ value: Bool) {
        append(.boolean(value))
    }

    mutating func appendNull() {
        switch type.physical {
        case .bool: bools.append(0)
        case .int64: ints.append(0)
        case .double: doubles.append(0)
        case .string: strings.appendEmpty()
        case .interval: intervals.append(Interval())
        case .histogram:
            histograms.append(
                Histogram(kind: .count, low: 0, high: 0, bucketCount: 0, sum: 0, bucketLowerBounds: [], bucketCounts: []))
        }
        count += 1
        markNull(count - 1)
    }

    private mutating func appendValue(_ value: Value) {
        switch value {
        case .null: preconditionFailure("NULL handled by the caller")
        case .boolean(let flag): bools.append(flag ? 1 : 0)
        case .integer(let number):
            if type.physical == .double { doubles.append(Double(number)) } else { ints.append(number) }
        case .double(let number): doubles.append(number)
        case .string(let text): strings.append(text)
        case .date(let days): ints.append(days)
        case .timestamp(let micros): ints.append(micros)
        case .interval(let interval): intervals.append(interval)
        case .histogram(let histogram): histograms.append(histogram)
        }
    }

    private mutating func markNull(_ row: Int) {
        if validity == nil { validity = [] }
        while validity!.count <= row >> 6 { validity!.append(~0) }
        validity![row >> 6] &= ~(UInt64(1) << UInt64(row & 63))
    }

    /// Returns the rows appended so far as one flat vector.
    func finish() -> Vector {
        var mask = ValidityMask()
        if var words = validity {
            while words.count < (count + 63) / 64 { words.append(~0) }
            mask = ValidityMask(words: words)
        }
        let storage: VectorStorage
        switch type.physical {
        case .bool: storage = .bool(bools)
        case .int64: storage = .int64(ints)
        case .double: storage = .double(doubles)
        case .string: storage = .string(strings)
        case .interval: storage = .interval(intervals)
        case .histogram: storage = .histogram(histograms)
        }
        return Vector(type: type, storage: storage, validity: mask, count: count)
    }
}

extension Vector {
    /// Returns the same rows as a flat vector, expanding constants of any length (sort and
    /// join keys are evaluated over whole inputs, far beyond one chunk).
    func flatVector() -> Vector {
        guard case .constant(let value) = storage else { return flattened() }
        var accumulator = VectorAccumulator(type: type)
        for _ in 0..<count { accumulator.append(value) }
        return accumulator.finish()
    }

    /// Returns the validity mask with the rows of a constant NULL vector spelled out as NULL.
    func expandedValidity() -> ValidityMask {
        if case .constant(let value) = storage {
            return value.isNull ? ValidityMask(count: count, allValid: false) : ValidityMask()
        }
        return validity
    }
}
