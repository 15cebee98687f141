// The state of binding one query level: its FROM scope, the enclosing query it may
// reference (correlation), the CTEs in reach, and where aggregates are being collected.

import TeleCore
import TeleExecution
import TeleStorage
import TeleSyntax

/// The state all levels of one `plan` call share: the snapshot, the parameters and a depth
/// counter that keeps deep expressions and nested queries from overflowing the stack.
final class BindSession {
    let snapshot: any Snapshot
    let parameters: [Value]
    var depth = 0
    /// Views being expanded, to reject a view that refers to itself.
    var viewsInExpansion: [String] = []
    /// The SAMPLE clauses bound so far, read by sample_factor() and the error aggregates.
    var sampleDesigns: [SampleDesign] = []
    /// Working tables of the recursive CTEs whose step is being bound, by CTE name.
    var workingTables: [String: TableData] = [:]
    /// The working tables a FROM clause has read, so a CTE whose step never reads itself is
    /// bound as an ordinary one.
    var readWorkingTables: Set<String> = []

    /// Nesting levels of expressions and subqueries allowed before 54001.
    static let maximumDepth = 200

    init(snapshot: any Snapshot, parameters: [Value]) {
        self.snapshot = snapshot
        self.parameters = parameters
    }

    /// Runs `body` one level deeper, throwing 54001 past `maximumDepth`.
    func descend<T>(at position: SourcePosition?, _ body: () throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > BindSession.maximumDepth {
            throw TeleError(
                .statementTooComplex, "expression nesting is too deep: more than \(BindSession.maximumDepth) levels",
                hint: "Simplify the query, for example by replacing nested expressions with a CTE or an IN list.",
                position: position)
        }
        return try body()
    }
}

/// Collects the aggregate calls of one query level. Each aggregate is bound as a column
/// reference at `markerBase + i` until the aggregation is built.
final class AggregateCollector {
    static let markerBase = 1 << 40
    var aggregates: [BoundAggregate] = []
    var keys: [String: Int] = [:]
    /// Set while binding an aggregate's arguments, where another aggregate is an error.
    var insideAggregate = false

    func add(_ aggregate: BoundAggregate) -> BoundExpression {
        let key = ExpressionPrinter.key(aggregate)
        if let index = keys[key] {
            return .column(index: AggregateCollector.markerBase + index, type: aggregate.function.returnType)
        }
        aggregates.append(aggregate)
        keys[key] = aggregates.count - 1
        return .column(index: AggregateCollector.markerBase + aggregates.count - 1, type: aggregate.function.returnType)
    }
}

final class BindContext {
    let session: BindSession
    var scope: Scope
    /// The query level whose columns a correlated reference resolves to.
    let outer: BindContext?
    /// The subquery level that owns outer-reference slots; a FROM subquery shares its
    /// enclosing level's slots because it is planned as part of that level.
    private(set) weak var slotOwnerReference: BindContext?
    /// Values of the outer row in the outer level's terms, one per slot.
    var correlatedValues: [BoundExpression] = []
    private var slotKeys: [String: Int] = [:]
    var ctes: [String: CommonTableExpression]
    /// The clause being bound, for messages such as "aggregate functions are not allowed in WHERE".
    var clause = "WHERE"
    var aggregates: AggregateCollector?

    init(session: BindSession, outer: BindContext?, ctes: [String: CommonTableExpression]) {
        self.session = session
        self.scope = Scope()
        self.outer = outer
        self.ctes = ctes
    }

    /// Creates the context of a FROM subquery or CTE body. It resolves names in the same outer
    /// levels as this one and fills this level's slots, but cannot read this level's FROM columns.
    func derived() -> BindContext {
        let context = BindContext(session: session, outer: outer, ctes: ctes)
        context.slotOwnerReference = slotOwner
        return context
    }

    /// Creates the context of a subquery in an expression, whose outer level is this one.
    func subquery() -> BindContext {
        BindContext(session: session, outer: self, ctes: ctes)
    }

    var slotOwner: BindContext { slotOwnerReference ?? self }

    /// Resolves a column name in this level, then in the enclosing levels.
    ///
    /// - Returns: nil when no level has the column.
    func resolveColumn(table: String?, name: String, position: SourcePosition) throws -> BoundExpression? {
        if let index = try scope.resolve(table: table, name: name, position: position) {
            return .column(index: index, type: scope.columns[index].type)
        }
        guard let outer, let outerExpression = try outer.resolveColumn(table: table, name: name, position: position)
        else { return nil }
        return slotOwner.addSlot(for: outerExpression)
    }

    private func addSlot(for expression: BoundExpression) -> BoundExpression {
        let key = ExpressionPrinter.key(expression)
        if let slot = slotKeys[key] { return .outerReference(slot: slot, type: expression.type) }
        correlatedValues.append(expression)
        slotKeys[key] = correlatedValues.count - 1
        return .outerReference(slot: correlatedValues.count - 1, type: expression.type)
    }

    /// Returns whether `table` names a FROM item in this level or an enclosing one.
    func knowsTable(_ table: String) -> Bool {
        scope.hasTable(table) || (outer?.knowsTable(table) ?? false)
    }

    /// Every column name in reach, nearest level first, for "Perhaps you meant" hints.
    var columnNamesInReach: [String] {
        scope.columns.map(\.name) + (outer?.columnNamesInReach ?? [])
    }
}
