// Leaf and streaming operators: table scan, VALUES, filter, projection, limit and UNION ALL.

import Synchronization
import TeleCore
import TeleStorage

/// Reads listed columns of a table, row group by row group, in chunks of up to
/// `Vector.defaultCapacity` rows.
///
/// Row groups whose statistics prove that no row satisfies some zone-map predicate are
/// skipped without reading a column. The optional filter runs on each chunk and only the
/// rows that pass are returned (dictionary vectors stay dictionaries).
public final class TableScanOperator: PhysicalOperator {
    public let table: TableData
    public let columns: [Int]
    public let filter: BoundExpression?
    public let zoneMapPredicates: [ZoneMapPredicate]
    /// Row groups skipped by zone maps so far, for tests and EXPLAIN ANALYZE.
    public private(set) var rowGroupsSkipped = 0

    /// Hands out row groups to the scans of a parallel plan, so that each group is read once.
    public let sharedRowGroups: RowGroupDispenser?
    private var nextRowGroup = 0
    private var current: [Vector] = []
    private var currentRows = 0
    private var offset = 0

    public init(
        table: TableData, columns: [Int], filter: BoundExpression?, zoneMapPredicates: [ZoneMapPredicate],
        sharedRowGroups: RowGroupDispenser? = nil
    ) {
        self.table = table
        self.columns = columns
        self.filter = filter
        self.zoneMapPredicates = zoneMapPredicates
        self.sharedRowGroups = sharedRowGroups
    }

    public var outputTypes: [DataType] { columns.map { table.schema.columns[$0].type } }
    public var children: [any PhysicalOperator] { [] }
    public var explainLine: String {
        let names = columns.map { table.schema.columns[$0].name }.joined(separator: ", ")
        var line = "TableScan \(table.schema.name) columns=[\(names)]"
        if filter != nil { line += " filter" }
        if !zoneMapPredicates.isEmpty { line += " zonemaps=\(zoneMapPredicates.count)" }
        return line
    }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while true {
            if offset >= currentRows {
                guard try loadNextRowGroup() else { return nil }
            }
            let length = min(Vector.defaultCapacity, currentRows - offset)
            let chunk = DataChunk(columns: current.map { $0.slice(offset, length) }, count: length)
            offset += length
            guard let filter else { return chunk }
            let selection = try ExpressionEvaluator.select(filter, on: chunk)
            if selection.isEmpty { continue }
            return selection.count == chunk.count ? chunk : chunk.selecting(selection)
        }
    }

    /// Reads the next row group that the zone maps cannot rule out; false at the end.
    private func loadNextRowGroup() throws -> Bool {
        while true {
            let position = sharedRowGroups?.take() ?? nextRowGroup
            nextRowGroup += 1
            guard position < table.rowGroups.count else { return false }
            let group = table.rowGroups[position]
            if group.rowCount == 0 { continue }
            let ruledOut = zoneMapPredicates.contains { predicate in
                !predicate.mayMatch(group.statistics(column: columns[predicate.column]), rowCount: group.rowCount)
            }
            if ruledOut {
                rowGroupsSkipped += 1
                continue
            }
            current = try columns.map { try group.readColumn($0) }
            currentRows = group.rowCount
            offset = 0
            return true
        }
    }
}

/// The next unread row group of a table, shared by the scans of a parallel plan.
public final class RowGroupDispenser: Sendable {
    private let next = Atomic<Int>(0)

    public init() {}

    /// Returns a row group position no other caller has received.
    func take() -> Int {
        next.add(1, ordering: .relaxed).oldValue
    }
}

/// Literal rows (`VALUES (...), (...)`, or one row of no columns for `SELECT 1`).
public final class ValuesOperator: PhysicalOperator {
    public let outputTypes: [DataType]
    public let rows: [[Value]]
    private var position = 0

    public init(types: [DataType], rows: [[Value]]) {
        self.outputTypes = types
        self.rows = rows
    }

    public var children: [any PhysicalOperator] { [] }
    public var explainLine: String { "Values rows=\(rows.count)" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        guard position < rows.count else { return nil }
        let length = min(Vector.defaultCapacity, rows.count - position)
        var builders = outputTypes.map { VectorAccumulator(type: $0) }
        for row in rows[position..<(position + length)] {
            for (column, value) in row.enumerated() where column < builders.count {
                builders[column].append(ExpressionEvaluator.normalize(value, to: outputTypes[column]))
            }
        }
        position += length
        return DataChunk(columns: builders.indices.map { builders[$0].finish() }, count: length)
    }
}

/// Keeps the rows for which the predicate is true.
public final class FilterOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let predicate: BoundExpression

    public init(child: any PhysicalOperator, predicate: BoundExpression) {
        self.child = child
        self.predicate = predicate
    }

    public var outputTypes: [DataType] { child.outputTypes }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "Filter" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while let chunk = try child.next() {
            let selection = try ExpressionEvaluator.select(predicate, on: chunk)
            if selection.isEmpty { continue }
            return selection.count == chunk.count ? chunk : chunk.selecting(selection)
        }
        return nil
    }
}

/// Computes one output column per expression.
public final class ProjectionOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let expressions: [BoundExpression]

    public init(child: any PhysicalOperator, expressions: [BoundExpression]) {
        self.child = child
        self.expressions = expressions
    }

    public var outputTypes: [DataType] { expressions.map(\.type) }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "Projection columns=\(expressions.count)" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        guard let chunk = try child.next() else { return nil }
        let columns = try expressions.map { try ExpressionEvaluator.evaluate($0, on: chunk) }
        return DataChunk(columns: columns, count: chunk.count)
    }
}

/// Skips `offset` rows, then returns at most `limit` rows (all when nil).
public final class LimitOperator: PhysicalOperator {
    public let child: any PhysicalOperator
    public let limit: Int?
    public let offset: Int
    private var skipped = 0
    private var returned = 0

    public init(child: any PhysicalOperator, limit: Int?, offset: Int) {
        self.child = child
        self.limit = limit
        self.offset = max(offset, 0)
    }

    public var outputTypes: [DataType] { child.outputTypes }
    public var children: [any PhysicalOperator] { [child] }
    public var explainLine: String { "Limit limit=\(limit.map(String.init) ?? "all") offset=\(offset)" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        // Stop pulling from the child once the limit is reached.
        if let limit, returned >= limit { return nil }
        while var chunk = try child.next() {
            if skipped < offset {
                let skip = min(offset - skipped, chunk.count)
                skipped += skip
                if skip == chunk.count { continue }
                chunk = chunk.slice(skip, chunk.count - skip)
            }
            if let limit, returned + chunk.count > limit {
                chunk = chunk.slice(0, limit - returned)
            }
            returned += chunk.count
            return chunk
        }
        return nil
    }
}

/// The rows of every child in turn.
public final class UnionAllOperator: PhysicalOperator {
    public let children: [any PhysicalOperator]
    private var current = 0

    public init(children: [any PhysicalOperator]) { self.children = children }

    public var outputTypes: [DataType] { children.first?.outputTypes ?? [] }
    public var explainLine: String { "UnionAll" }

    public func next() throws -> DataChunk? {
        try Interruption.check()
        while current < children.count {
            if let chunk = try children[current].next() { return try conform(chunk) }
            current += 1
        }
        return nil
    }

    /// Casts a later child's columns to the first child's types where they differ.
    private func conform(_ chunk: DataChunk) throws -> DataChunk {
        let types = outputTypes
        guard chunk.columns.indices.contains(where: { chunk.columns[$0].type != types[$0] }) else { return chunk }
        let columns = try chunk.columns.enumerated().map { index, vector in
            try Cast.cast(vector, to: types[index])
        }
        return DataChunk(columns: columns, count: chunk.count)
    }
}
