// Min, max and NULL count of a column, gathered as rows are appended.
//
// Integers, dates and timestamps compare as Int64. REAL and DOUBLE compare as Double, with
// NaN above every other value, as PostgreSQL orders it. Strings compare by their bytes (the
// C collation), and booleans with false below true. INTERVAL and HISTOGRAM keep no bounds.

import TeleCore

struct StatisticsBuilder: Sendable {
    let type: DataType
    private(set) var nullCount = 0
    private var hasValue = false
    private var intMin = Int64.max
    private var intMax = Int64.min
    private var doubleMin = Double.infinity
    private var doubleMax = -Double.infinity
    private var sawNaN = false
    private var stringMin: [UInt8] = []
    private var stringMax: [UInt8] = []

    init(type: DataType) {
        self.type = type
    }

    /// Adds the rows of a flat vector of this builder's physical type.
    mutating func add(_ vector: Vector) {
        let nulls = vector.validity.nullCount(vector.count)
        nullCount += nulls
        if nulls == vector.count { return }
        let validity = vector.validity
        switch vector.storage {
        case .bool(let values):
            addIntegers(values.count, validity) { Int64(values[$0]) }
        case .int64(let values):
            values.withUnsafeBufferPointer { buffer in addIntegers(buffer.count, validity) { buffer[$0] } }
        case .double(let values):
            values.withUnsafeBufferPointer { addDoubles($0, validity) }
        case .string(let column):
            addStrings(column, validity)
        case .interval, .histogram:
            hasValue = true
        case .constant, .dictionary:
            preconditionFailure("statistics are gathered over flat vectors")
        }
    }

    @inline(__always)
    private mutating func addIntegers(_ count: Int, _ validity: ValidityMask, _ value: (Int) -> Int64) {
        var low = intMin
        var high = intMax
        var any = false
        for row in 0..<count where validity.isValid(row) {
            let number = value(row)
            low = Swift.min(low, number)
            high = Swift.max(high, number)
            any = true
        }
        if any {
            intMin = low
            intMax = high
            hasValue = true
        }
    }

    private mutating func addDoubles(_ values: UnsafeBufferPointer<Double>, _ validity: ValidityMask) {
        for row in 0..<values.count where validity.isValid(row) {
            let number = values[row]
            if number.isNaN {
                sawNaN = true
            } else {
                doubleMin = Swift.min(doubleMin, number)
                doubleMax = Swift.max(doubleMax, number)
            }
            hasValue = true
        }
    }

    private mutating func addStrings(_ column: StringColumn, _ validity: ValidityMask) {
        column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                for row in 0..<(offsets.count - 1) where validity.isValid(row) {
                    let value = UnsafeBufferPointer(rebasing: bytes[Int(offsets[row])..<Int(offsets[row + 1])])
                    if !hasValue || compareBytes(value, stringMin) < 0 { stringMin = Array(value) }
                    if !hasValue || compareBytes(value, stringMax) > 0 { stringMax = Array(value) }
                    hasValue = true
                }
            }
        }
    }

    /// The statistics gathered so far.
    var statistics: ColumnStatistics {
        guard hasValue else { return ColumnStatistics(min: nil, max: nil, nullCount: nullCount) }
        switch type {
        case .boolean:
            return ColumnStatistics(min: .boolean(intMin != 0), max: .boolean(intMax != 0), nullCount: nullCount)
        case .smallint, .integer, .bigint, .null:
            return ColumnStatistics(min: .integer(intMin), max: .integer(intMax), nullCount: nullCount)
        case .date:
            return ColumnStatistics(min: .date(intMin), max: .date(intMax), nullCount: nullCount)
        case .timestamp:
            return ColumnStatistics(min: .timestamp(intMin), max: .timestamp(intMax), nullCount: nullCount)
        case .real, .double:
            // Only NaN seen: min and max are both NaN.
            let low = doubleMin <= doubleMax ? doubleMin : Double.nan
            let high = sawNaN ? Double.nan : doubleMax
            return ColumnStatistics(min: .double(low), max: .double(high), nullCount: nullCount)
        case .varchar:
            return ColumnStatistics(
                min: .string(String(decoding: stringMin, as: UTF8.self)),
                max: .string(String(decoding: stringMax, as: UTF8.self)), nullCount: nullCount)
        case .interval, .histogram:
            return ColumnStatistics(min: nil, max: nil, nullCount: nullCount)
        }
    }
}

/// Compares two byte strings as memcmp does, a shorter prefix first.
func compareBytes(_ left: UnsafeBufferPointer<UInt8>, _ right: [UInt8]) -> Int {
    right.withUnsafeBufferPointer { right in
        let common = Swift.min(left.count, right.count)
        for index in 0..<common where left[index] != right[index] {
            return left[index] < right[index] ? -1 : 1
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }
}
