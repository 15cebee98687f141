// The interface of every physical operator.
//
// Execution pulls: the root's `next()` asks its children for chunks, each holding up to
// `Vector.defaultCapacity` rows, until one returns nil. An operator is built for one run of
// a query and is not shared between threads.

import TeleCore

public protocol PhysicalOperator: AnyObject {
    /// The types of the columns of every chunk `next()` returns.
    var outputTypes: [DataType] { get }
    /// The operator's inputs, for EXPLAIN.
    var children: [any PhysicalOperator] { get }
    /// One line for EXPLAIN, such as `HashAggregate keys=[#0] aggregates=[count(*)]`.
    var explainLine: String { get }
    /// Returns the next chunk, never an empty one, or nil when the operator is exhausted.
    func next() throws -> DataChunk?
}

extension PhysicalOperator {
    /// The operator tree as an indented text, one operator a line.
    public func explainTree(indent: Int = 0) -> String {
        var text = String(repeating: "  ", count: indent) + explainLine + "\n"
        for child in children { text += child.explainTree(indent: indent + 1) }
        return text
    }

    /// Runs the operator to the end and returns every chunk.
    public func collect() throws -> [DataChunk] {
        var chunks: [DataChunk] = []
        while let chunk = try next() { chunks.append(chunk) }
        return chunks
    }
}
