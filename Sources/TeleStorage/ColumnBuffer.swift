// A growable flat column that a write transaction appends rows to, with its statistics kept
// up to date on every append.

import TeleCore

struct ColumnBuffer: Sendable {
    let type: DataType
    private(set) var count = 0
    private var bools: [UInt8] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var strings = StringColumn()
    private var intervals: [Interval] = []
    private var histograms: [Histogram] = []
    /// Empty while every row is valid, as in `ValidityMask`.
    private var validity = ValidityMask()
    private var statisticsBuilder: StatisticsBuilder

    init(type: DataType) {
        self.type = type
        statisticsBuilder = StatisticsBuilder(type: type)
    }

    var statistics: ColumnStatistics { statisticsBuilder.statistics }

    /// The rows so far as a flat vector; the arrays are shared, not copied.
    var vector: Vector {
        let storage: VectorStorage
        switch type.physical {
        case .bool: storage = .bool(bools)
        case .int64: storage = .int64(ints)
        case .double: storage = .double(doubles)
        case .string: storage = .string(strings)
        case .interval: storage = .interval(intervals)
        case .histogram: storage = .histogram(histograms)
        }
        var mask = validity
        if !mask.allValid { mask.words.removeLast(mask.words.count - (count + 63) / 64) }
        return Vector(type: type, storage: storage, validity: mask, count: count)
    }

    /// Appends rows `range` of `source`, which has this column's physical type or is NULL.
    mutating func append(_ source: Vector, rows range: Range<Int>) {
        var vector: Vector
        if case .constant(let value) = source.storage {
            vector = Vector.constant(value, type: type, count: source.count).flattened()
        } else if source.type == .null {
            vector = Vector.constant(.null, type: type, count: source.count).flattened()
        } else {
            vector = source.flattened()
        }
        if range != 0..<vector.count { vector = slice(vector, range) }
        statisticsBuilder.add(vector)
        appendValidity(vector.validity, rows: vector.count)
        switch vector.storage {
        case .bool(let values): bools.append(contentsOf: values)
        case .int64(let values): ints.append(contentsOf: values)
        case .double(let values): doubles.append(contentsOf: values)
        case .interval(let values): intervals.append(contentsOf: values)
        case .histogram(let values): histograms.append(contentsOf: values)
        case .string(let column): appendStrings(column)
        case .constant, .dictionary: preconditionFailure("flattened() leaves no constant or dictionary vector")
        }
        count += vector.count
    }

    private mutating func appendStrings(_ column: StringColumn) {
        let shift = Int32(strings.bytes.count)
        strings.bytes.append(contentsOf: column.bytes)
        strings.offsets.reserveCapacity(strings.offsets.count + column.count)
        for index in 1..<column.offsets.count { strings.offsets.append(column.offsets[index] &+ shift) }
    }

    private mutating func appendValidity(_ mask: ValidityMask, rows: Int) {
        if mask.allValid && validity.allValid { return }
        // New words start with every bit set, so rows before this append (all valid when
        // the mask was still empty) and the new rows start valid.
        let total = count + rows
        let wordsNeeded = (total + 63) / 64
        if validity.words.count < wordsNeeded {
            validity.words.append(contentsOf: repeatElement(~0, count: wordsNeeded - validity.words.count))
        }
        if mask.allValid { return }
        for row in 0..<rows where !mask.isValid(row) {
            validity.set(count + row, valid: false, count: total)
        }
    }
}

/// Returns rows `range` of a flat vector as a new flat vector.
func slice(_ vector: Vector, _ range: Range<Int>) -> Vector {
    vector.gathered(range.map { Int32($0) })
}
