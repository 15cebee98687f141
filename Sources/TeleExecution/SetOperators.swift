// DISTINCT and the set operations UNION, INTERSECT and EXCEPT, with SQL's bag semantics for
// ALL and NULLs treated as equal to each other (as GROUP BY treats them).

import TeleCore

/// Removes duplicate rows, keeping the first of each.
public final class DistinctOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    private let index: GroupIndex

    public init(child: any PhysicalOperator) {
        self.child = child
        self.index = GroupIndex(keyTypes: child.outputTypes)
    }

    public var outputTypes: [DataType] { child.outputTypes }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "Distinct" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while let chunk = try child.next() {
            let fresh = newRows(in: chunk, index: index)
            if fresh.isEmpty { continue }
            return fresh.count == chunk.count ? chunk : chunk.selecting(fresh)
        }
        return nil
    }
}

/// Inserts the key tuples of `chunk` into `index` and returns the rows whose tuples were new.
func newRows(in chunk: DataChunk, index: GroupIndex) -> [Int32] {
    let before = index.groupCount
    let groups = index.lookup(chunk.columns, count: chunk.count, insert: true)
    var fresh: [Int32] = []
    var next = Int32(before)
    for (row, group) in groups.enumerated() where group == next {
        fresh.append(Int32(row))
        next += 1
    }
    return fresh
}

/// UNION, INTERSECT or EXCEPT of two inputs with the same column count.
public final class SetOperationOperator: PhysicalOperator {
    public let left: any PhysicalOperator
    public let right: any PhysicalOperator
    public let kind: SetOperationKind
    public let all: Bool

    private var prepared = false
    private var readingRight = false
    /// Key tuples of the right input (INTERSECT, EXCEPT) and how often each occurs.
    private var rightIndex: GroupIndex
    private var rightCounts: [Int] = []
    /// Key tuples already returned (the DISTINCT forms).
    private var emitted: GroupIndex

    public init(left: any PhysicalOperator, right: any PhysicalOperator, kind: SetOperationKind, all: Bool) {
        self.left = left
        self.right = right
        self.kind = kind
        self.all = all
        rightIndex = GroupIndex(keyTypes: left.outputTypes)
        emitted = GroupIndex(keyTypes: left.outputTypes)
    }

    public var outputTypes: [DataType] { left.outputTypes }
    public var children: [any PhysicalOperator] { [left, right] }
    public var explainLine: String { "SetOperation \(kind)\(all ? " all" : "")" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        if kind == .union { return try nextUnion() }
        if !prepared {
            prepared = true
            while let chunk = try right.next() {
                let groups = rightIndex.lookup(try conform(chunk), count: chunk.count, insert: true)
                if rightCounts.count < rightIndex.groupCount {
                    rightCounts.append(contentsOf: repeatElement(0, count: rightIndex.groupCount - rightCounts.count))
                }
                for group in groups { rightCounts[Int(group)] += 1 }
            }
        }
        while let chunk = try left.next() {
            let selection = try filterLeft(chunk)
            if selection.isEmpty { continue }
            return selection.count == chunk.count ? chunk : chunk.selecting(selection)
        }
        return nil
    }

    private func nextUnion() throws -> DataChunk? {
        while true {
            let source = readingRight ? right : left
            guard let raw = try source.next() else {
                if readingRight { return nil }
                readingRight = true
                continue
            }
            let chunk = DataChunk(columns: try conform(raw), count: raw.count)
            if all { return chunk }
            let fresh = newRows(in: chunk, index: emitted)
            if fresh.isEmpty { continue }
            return fresh.count == chunk.count ? chunk : chunk.selecting(fresh)
        }
    }

    /// Returns the left rows that INTERSECT or EXCEPT keeps.
    private func filterLeft(_ chunk: DataChunk) throws -> [Int32] {
        let groups = rightIndex.lookup(chunk.columns, count: chunk.count, insert: false)
        var keep = [Bool](repeating: false, count: chunk.count)
        for row in 0..<chunk.count {
            let group = Int(groups[row])
            let inRight = group >= 0 && rightCounts[group] > 0
            if all {
                // Bag semantics: each right occurrence cancels (EXCEPT) or admits (INTERSECT) one left row.
                keep[row] = kind == .intersect ? inRight : !inRight
                if inRight { rightCounts[group] -= 1 }
            } else {
                keep[row] = kind == .intersect ? inRight : (group < 0)
            }
        }
        var selection = (0..<chunk.count).filter { keep[$0] }.map { Int32($0) }
        if !all && !selection.isEmpty {
            // The distinct forms return each key tuple once.
            let candidates = chunk.selecting(selection)
            let fresh = newRows(in: candidates, index: emitted)
            selection = fresh.map { selection[Int($0)] }
        }
        return selection
    }

    /// Casts the right input's columns to the left input's types where they differ.
    private func conform(_ chunk: DataChunk) throws -> [Vector] {
        try chunk.columns.enumerated().map { index, vector in
            vector.type == outputTypes[index] ? vector : try Cast.cast(vector, to: outputTypes[index])
        }
    }
}
