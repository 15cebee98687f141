// Leaf and streaming operators: VALUES, filter, projection, limit and UNION ALL.

import TeleCore

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
