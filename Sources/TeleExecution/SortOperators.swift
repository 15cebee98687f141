// ORDER BY: a full stable sort, and a top-N that keeps only the best `limit + offset` rows.
//
// NULLs compare larger than every value by default (last in ascending order, first in
// descending order); a key's `nullsFirst` overrides that. Strings compare bytewise.

import TeleCore

/// Compares rows of flat key vectors.
struct RowComparator {
    struct Key {
        var vector: Vector
        var ascending: Bool
        var nullsFirst: Bool
    }

    let keys: [Key]

    init(keys: [SortKey], vectors: [Vector]) {
        self.keys = zip(keys, vectors).map { key, vector in
            Key(vector: vector.flatVector(), ascending: key.ascending, nullsFirst: key.nullsFirst)
        }
    }

    /// Negative when row `a` sorts before row `b`, zero when the keys tie.
    func compare(_ a: Int, _ b: Int) -> Int {
        for key in keys {
            let vector = key.vector
            let aNull = !vector.validity.isValid(a)
            let bNull = !vector.validity.isValid(b)
            if aNull || bNull {
                if aNull && bNull { continue }
                // nullsFirst places NULL first regardless of direction.
                return aNull == key.nullsFirst ? -1 : 1
            }
            var order: Int
            switch vector.storage {
            case .int64(let values): order = ValueOrder.order(values[a], values[b])
            case .double(let values): order = ValueOrder.compareDoubles(values[a], values[b])
            case .bool(let values): order = ValueOrder.order(values[a], values[b])
            case .string(let column):
                order = column.withBytes(a) { left in column.withBytes(b) { right in compareBytes(left, right) } }
            case .interval(let values): order = ValueOrder.order(values[a].comparableMicros, values[b].comparableMicros)
            default: order = ValueOrder.compare(vector.value(at: a), vector.value(at: b)) ?? 0
            }
            if order != 0 { return key.ascending ? order : -order }
        }
        return 0
    }

    /// Returns the row indices 0 ..< count in sorted order. Ties keep their input order.
    func sortedRows(count: Int) -> [Int32] {
        if keys.count == 1, case .int64(let values) = keys[0].vector.storage {
            return sortedRows(singleKey: values, keys[0], count: count, less: <)
        }
        if keys.count == 1, case .double(let values) = keys[0].vector.storage {
            return sortedRows(singleKey: values, keys[0], count: count) { ValueOrder.compareDoubles($0, $1) < 0 }
        }
        var rows = (0..<Int32(count)).map { $0 }
        rows.sort { a, b in
            let order = compare(Int(a), Int(b))
            return order < 0 || (order == 0 && a < b)
        }
        return rows
    }

    /// Sorts by one fixed-width key without a comparator call per comparison: (value, row)
    /// pairs sort directly, and NULL rows go to the front or back in input order.
    private func sortedRows<T>(singleKey values: [T], _ key: Key, count: Int, less: (T, T) -> Bool) -> [Int32] {
        var pairs: [(value: T, row: Int32)] = []
        pairs.reserveCapacity(count)
        var nullRows: [Int32] = []
        for row in 0..<count {
            if key.vector.validity.isValid(row) {
                pairs.append((values[row], Int32(row)))
            } else {
                nullRows.append(Int32(row))
            }
        }
        if key.ascending {
            pairs.sort { less($0.value, $1.value) || (!less($1.value, $0.value) && $0.row < $1.row) }
        } else {
            pairs.sort { less($1.value, $0.value) || (!less($0.value, $1.value) && $0.row < $1.row) }
        }
        let sorted = pairs.map(\.row)
        return key.nullsFirst ? nullRows + sorted : sorted + nullRows
    }
}

public final class SortOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let keys: [SortKey]
    private var sorted = false
    private var output = OutputQueue()

    public init(child: any PhysicalOperator, keys: [SortKey]) {
        self.child = child
        self.keys = keys
    }

    public var outputTypes: [DataType] { child.outputTypes }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "Sort keys=\(keys.count)" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if !sorted {
            sorted = true
            let rows = try MaterializedRows(draining: child).chunk
            let vectors = try keys.map { try ExpressionEvaluator.evaluate($0.expression, on: rows) }
            let order = RowComparator(keys: keys, vectors: vectors).sortedRows(count: rows.count)
            appendSelection(order, of: rows, to: &output)
        }
        return output.pop()
    }
}

/// ORDER BY ... LIMIT: keeps at most `limit + offset` candidate rows while reading, then
/// returns rows `offset ..< offset + limit` of the sorted result.
public final class TopNOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let keys: [SortKey]
    public let limit: Int
    public let offset: Int
    private var done = false
    private var output = OutputQueue()

    public init(child: any PhysicalOperator, keys: [SortKey], limit: Int, offset: Int) {
        self.child = child
        self.keys = keys
        self.limit = max(limit, 0)
        self.offset = max(offset, 0)
    }

    public var outputTypes: [DataType] { child.outputTypes }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "TopN keys=\(keys.count) limit=\(limit) offset=\(offset)" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if !done {
            done = true
            try compute()
        }
        return output.pop()
    }

    private func compute() throws {
        let keep = limit.addingReportingOverflow(offset).overflow ? Int.max : limit + offset
        let types = child.outputTypes
        var candidates = types.map { VectorAccumulator(type: $0) }
        var candidateCount = 0
        // Compact whenever the candidates reach twice the rows to keep (at least one chunk),
        // so memory stays proportional to limit + offset.
        let threshold = max(keep.multipliedReportingOverflow(by: 2).overflow ? Int.max : keep * 2, Vector.defaultCapacity)
        while let chunk = try child.next() {
            for (index, vector) in chunk.columns.enumerated() { candidates[index].append(vector) }
            candidateCount += chunk.count
            if candidateCount >= threshold {
                let best = try bestRows(DataChunk(columns: candidates.map { $0.finish() }, count: candidateCount), keep: keep)
                candidates = types.map { VectorAccumulator(type: $0) }
                for (index, vector) in best.columns.enumerated() { candidates[index].append(vector) }
                candidateCount = best.count
            }
        }
        let best = try bestRows(DataChunk(columns: candidates.map { $0.finish() }, count: candidateCount), keep: keep)
        if best.count > offset {
            output.append(best.slice(offset, best.count - offset))
        }
    }

    /// Returns the first `keep` rows of `rows` in sort order.
    private func bestRows(_ rows: DataChunk, keep: Int) throws -> DataChunk {
        let vectors = try keys.map { try ExpressionEvaluator.evaluate($0.expression, on: rows) }
        let order = RowComparator(keys: keys, vectors: vectors).sortedRows(count: rows.count)
        return rows.selecting(Array(order.prefix(keep)))
    }
}
