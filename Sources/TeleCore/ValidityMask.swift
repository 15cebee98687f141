// The validity mask: one bit per row of a vector, telling a value from NULL.

/// One bit per row, set when the row is valid (not NULL).
///
/// An empty `words` array means every row is valid, which is the common case and lets
/// kernels take their all-valid fast path without reading any bits.
public struct ValidityMask: Hashable, Sendable {
    public var words: [UInt64]

    /// A mask with every row valid.
    public init() { words = [] }

    public init(words: [UInt64]) { self.words = words }

    /// A mask of `count` rows, all valid or all NULL.
    public init(count: Int, allValid: Bool) {
        words = allValid ? [] : [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    public var allValid: Bool { words.isEmpty }

    @inlinable
    public func isValid(_ row: Int) -> Bool {
        words.isEmpty || row >> 6 >= words.count || (words[row >> 6] >> UInt64(row & 63)) & 1 == 1
    }

    /// Marks `row` valid or NULL; `count` is the vector's length, used to size the bits.
    ///
    /// The mask grows (with valid rows) when `row` lies past its words, so builders that
    /// append rows one at a time can pass their current length.
    @inlinable
    public mutating func set(_ row: Int, valid: Bool, count: Int) {
        if words.isEmpty {
            if valid { return }
            words = [UInt64](repeating: ~0, count: (max(count, row + 1) + 63) / 64)
        }
        if row >> 6 >= words.count {
            words.append(contentsOf: repeatElement(~0, count: (row >> 6) + 1 - words.count))
        }
        let bit = UInt64(1) << UInt64(row & 63)
        if valid { words[row >> 6] |= bit } else { words[row >> 6] &= ~bit }
    }

    /// The number of NULL rows among the first `count`.
    public func nullCount(_ count: Int) -> Int {
        if words.isEmpty { return 0 }
        // Rows past the last word are valid: builders grow the mask only as far as a NULL.
        var valid = max(0, count - words.count * 64)
        let covered = min(count, words.count * 64)
        for index in 0..<(covered >> 6) { valid += words[index].nonzeroBitCount }
        let tail = covered & 63
        if tail > 0 { valid += (words[covered >> 6] & ((UInt64(1) << UInt64(tail)) - 1)).nonzeroBitCount }
        return count - valid
    }

    /// The intersection: a row is valid when it is valid in both masks.
    public func and(_ other: ValidityMask) -> ValidityMask {
        if words.isEmpty { return other }
        if other.words.isEmpty { return self }
        var result = words
        for index in 0..<min(result.count, other.words.count) { result[index] &= other.words[index] }
        return ValidityMask(words: result)
    }
}

/// The indices of the rows of a chunk that are still selected, in ascending order.
///
/// Filters produce a selection instead of copying the rows that pass; later operators read
/// through it, and a projection or a sink gathers the rows once.
public struct SelectionVector: Hashable, Sendable {
    public var indices: [Int32]

    public init(indices: [Int32]) { self.indices = indices }

    public var count: Int { indices.count }
}
