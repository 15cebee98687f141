// Builds a flat vector one value at a time, for ingest, INSERT ... VALUES and results.
// Typed append methods avoid boxing on the ingest path; `append(_ value:)` takes a Value.

public struct VectorBuilder: Sendable {
    public let type: DataType
    public private(set) var count = 0
    private var bools: [UInt8] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var strings = StringColumn()
    private var intervals: [Interval] = []
    private var histograms: [Histogram] = []
    private var validity = ValidityMask()

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        switch type.physical {
        case .bool: bools.reserveCapacity(capacity)
        case .int64: ints.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .string: strings.offsets.reserveCapacity(capacity + 1)
        case .interval: intervals.reserveCapacity(capacity)
        case .histogram: histograms.reserveCapacity(capacity)
        }
    }

    public mutating func appendNull() {
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
        validity.set(count - 1, valid: false, count: count)
    }

    public mutating func appendInt64(_ value: Int64) {
        ints.append(value)
        count += 1
    }

    public mutating func appendDouble(_ value: Double) {
        doubles.append(value)
        count += 1
    }

    public mutating func appendBool(_ value: Bool) {
        bools.append(value ? 1 : 0)
        count += 1
    }

    public mutating func appendString(_ value: String) {
        strings.append(value)
        count += 1
    }

    public mutating func appendString(bytes: UnsafeBufferPointer<UInt8>) {
        strings.append(bytes: bytes)
        count += 1
    }

    public mutating func appendHistogram(_ value: Histogram) {
        histograms.append(value)
        count += 1
    }

    public mutating func appendInterval(_ value: Interval) {
        intervals.append(value)
        count += 1
    }

    /// Appends a boxed value, which must already have this builder's type (see the
    /// planner's casts); integers are accepted for floating columns.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .boolean(let flag): appendBool(flag)
        case .integer(let number):
            if type.physical == .double { appendDouble(Double(number)) } else { appendInt64(number) }
        case .double(let number): appendDouble(number)
        case .string(let text): appendString(text)
        case .date(let days): appendInt64(days)
        case .timestamp(let micros): appendInt64(micros)
        case .interval(let interval): appendInterval(interval)
        case .histogram(let histogram): appendHistogram(histogram)
        }
    }

    /// Returns the vector built so far and resets the builder.
    public mutating func finish() -> Vector {
        var mask = validity
        if !mask.allValid {
            // Size the mask to exactly the words this vector needs; rows past the last NULL
            // are valid.
            let needed = (count + 63) / 64
            if mask.words.count > needed { mask.words.removeLast(mask.words.count - needed) }
            if mask.words.count < needed { mask.words.append(contentsOf: repeatElement(~0, count: needed - mask.words.count)) }
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
        let vector = Vector(type: type, storage: storage, validity: mask, count: count)
        self = VectorBuilder(type: type)
        return vector
    }
}
