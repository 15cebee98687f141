// Binding of recursive CTEs, `WITH RECURSIVE r AS (base UNION [ALL] step)`, where `step`
// reads `r`. The CTE becomes a computed table function that runs `base`, then runs `step`
// over the rows the previous round produced (the working table) until a round produces no
// new rows. UNION drops rows seen before; UNION ALL keeps them. The CTE's plans are
// instantiated afresh for every round, the way a correlated subquery's plan is.
//
// A CTE body may read columns of an enclosing query (asyncpg's type introspection does).
// Those outer values reach the rounds through the table function's argument: the argument
// packs them into one text value, which instantiation fills in like any other expression.

import Synchronization
import TeleCore
import TeleExecution
import TeleStorage
import TeleSyntax

extension BindContext {
    /// Binds a recursive CTE, or returns nil when `cte` is not one: its query is not a UNION,
    /// or the UNION's right side does not read the CTE.
    ///
    /// - Throws: `TeleError` 42P10 when the two sides have different column counts, 42804 when
    ///   the step's types do not convert to the base's, 0A000 when an outer column the CTE
    ///   reads has a type without a text form.
    func bindRecursiveCTE(_ cte: CommonTableExpression, alias: String?, position: SourcePosition) throws
        -> (LogicalPlan, Scope)?
    {
        guard cte.isRecursive, case .setOperation(.union, let all, let baseBody, let stepBody) = cte.query.body,
            cte.query.orderBy.isEmpty, cte.query.limit == nil, cte.query.offset == nil
        else { return nil }

        // The base query may read the other CTEs but not this one.
        let baseContext = derived()
        baseContext.ctes[cte.name] = nil
        let base = try session.descend(at: position) {
            try baseContext.bindStatement(SelectStatement(with: cte.query.with, body: baseBody))
        }
        var names = base.names
        for (index, name) in cte.columns.enumerated() where index < names.count { names[index] = name }

        // The step reads the working table under the CTE's name.
        let workingTable = WorkingTable(types: base.types)
        let schema = TableSchema(name: cte.name, columns: zip(names, base.types).map { ColumnSchema(name: $0.0, type: $0.1) })
        let savedTable = session.workingTables[cte.name]
        session.workingTables[cte.name] = TableData(schema: schema, rowGroups: [workingTable])
        session.readWorkingTables.remove(cte.name)
        defer { session.workingTables[cte.name] = savedTable }
        let stepContext = derived()
        stepContext.ctes[cte.name] = nil
        var step = try session.descend(at: position) {
            try stepContext.bindStatement(SelectStatement(with: cte.query.with, body: stepBody))
        }
        guard session.readWorkingTables.contains(cte.name) else { return nil }

        guard step.types.count == base.types.count else {
            throw TeleError(
                .invalidColumnReference,
                "recursive query \"\(cte.name)\" has \(base.types.count) columns in its base and \(step.types.count) in its step",
                hint: "Select the same number of columns on both sides of UNION.", position: position)
        }
        if step.types != base.types {
            // As in PostgreSQL, the base fixes the column types: a step may only produce
            // types that convert to them implicitly, such as SMALLINT for an INTEGER column.
            var casts: [BoundExpression] = []
            for (index, type) in step.types.enumerated() {
                let common = try TypeCoercion.commonType(
                    [base.types[index], type], untyped: [false, type == .null], context: "UNION", position: position)
                guard common == base.types[index] else {
                    throw TeleError(
                        .datatypeMismatch,
                        "recursive query \"\(cte.name)\" column \(index + 1) has type \(base.types[index].sqlName.lowercased()) in its base but type \(common.sqlName.lowercased()) overall",
                        hint: "Cast the column in the base query to \(common.sqlName.lowercased()).", position: position)
                }
                casts.append(try TypeCoercion.coerce(.column(index: index, type: type), to: common, position: position))
            }
            step.plan = .projection(step.plan, expressions: casts, names: step.names)
        }

        let outerSlots = Self.outerSlots(in: [base.plan, step.plan])
        let argument = try packOuterValues(outerSlots, position: position)
        let rounds = RecursiveRounds(
            base: base.plan, step: step.plan, workingTable: workingTable, keepsDuplicates: all, outerSlots: outerSlots)
        let function = TableFunctionRegistry.computed(name: cte.name, columnNames: names, columnTypes: base.types) {
            try rounds.run(packedOuterValues: $0)
        }
        let plan = LogicalPlan.tableFunction(.values(types: [], rows: [[]]), function: function, argument: argument)
        let qualifier = alias ?? cte.name
        let columns = zip(names, base.types).map { ScopeColumn(table: qualifier, name: $0.0, type: $0.1) }
        return (plan, Scope(columns: columns))
    }

    /// Returns the outer-reference slots the plans read, with their types, sorted by slot.
    private static func outerSlots(in plans: [LogicalPlan]) -> [(slot: Int, type: DataType)] {
        var found: [Int: DataType] = [:]
        for plan in plans {
            _ = plan.mapExpressions { expression in
                ExpressionRewriting.visit(expression) { node in
                    if case .outerReference(let slot, let type) = node { found[slot] = type }
                }
                return expression
            }
        }
        return found.keys.sorted().map { ($0, found[$0] ?? .varchar) }
    }

    /// Builds the text that carries the outer values into the rounds: each value as `v` and
    /// its text, or `n` for NULL, separated by U+001F.
    private func packOuterValues(_ slots: [(slot: Int, type: DataType)], position: SourcePosition) throws
        -> BoundExpression
    {
        var packed = text("")
        for (index, slot) in slots.enumerated() {
            guard Cast.canCast(from: slot.type, to: .varchar), Cast.canCast(from: .varchar, to: slot.type) else {
                throw TeleError(
                    .featureNotSupported,
                    "a recursive query cannot read an outer column of type \(slot.type.sqlName.lowercased())",
                    hint: "Read the outer column in the query that uses the recursive query instead.", position: position)
            }
            let value = BoundExpression.outerReference(slot: slot.slot, type: slot.type)
            let asText = try applyFunction("||", [text("v"), .cast(value, to: .varchar)], position: position)
            let part = BoundExpression.coalesce([asText, text("n")], type: .varchar)
            if index > 0 { packed = try applyFunction("||", [packed, text(RecursiveRounds.separator)], position: position) }
            packed = try applyFunction("||", [packed, part], position: position)
        }
        return packed
    }
}

/// The rows a recursive CTE's step reads: those the previous round produced.
///
/// The executor runs one query's operators on one thread, so rounds never interleave. The
/// lock keeps the table memory-safe if a planned query were ever run from two threads.
final class WorkingTable: RowGroup {
    let types: [DataType]
    private let rows = Mutex<[[Value]]>([])

    init(types: [DataType]) {
        self.types = types
    }

    func replaceRows(with newRows: [[Value]]) {
        rows.withLock { $0 = newRows }
    }

    var rowCount: Int { rows.withLock { $0.count } }

    func statistics(column: Int) -> ColumnStatistics {
        let nullCount = rows.withLock { rows in rows.reduce(0) { $0 + ($1[column].isNull ? 1 : 0) } }
        return ColumnStatistics(min: nil, max: nil, nullCount: nullCount)
    }

    func readColumn(_ column: Int) throws -> Vector {
        let values = rows.withLock { $0.map { $0[column] } }
        var builder = VectorBuilder(type: types[column], capacity: values.count)
        for value in values { builder.append(value) }
        return builder.finish()
    }
}

/// Runs the rounds of one recursive CTE.
struct RecursiveRounds: Sendable {
    static let separator = "\u{1F}"
    /// More rounds than this fail with 54001, which catches a step that never runs dry.
    static let maximumRounds = 100_000
    /// More rows than this fail with 54000.
    static let maximumRows = 10_000_000

    let base: LogicalPlan
    let step: LogicalPlan
    let workingTable: WorkingTable
    let keepsDuplicates: Bool
    let outerSlots: [(slot: Int, type: DataType)]

    func run(packedOuterValues: Value) throws -> [[Value]] {
        let outerValues = try unpack(packedOuterValues)
        var seen = Set<[Value]>()
        var result: [[Value]] = []
        var working = keepNew(try Self.rows(of: base, outerValues: outerValues), seen: &seen)
        var rounds = 0
        while !working.isEmpty {
            result += working
            rounds += 1
            if rounds > Self.maximumRounds {
                throw TeleError(
                    .statementTooComplex, "recursive query ran more than \(Self.maximumRounds) rounds",
                    hint: "Add a condition to the recursive step that stops it, such as WHERE depth < 100.")
            }
            if result.count > Self.maximumRows {
                throw TeleError(
                    SQLState("54000"), "recursive query produced more than \(Self.maximumRows) rows",
                    hint: "Add a condition to the recursive step that stops it sooner.")
            }
            workingTable.replaceRows(with: working)
            working = keepNew(try Self.rows(of: step, outerValues: outerValues), seen: &seen)
        }
        return result
    }

    private func keepNew(_ rows: [[Value]], seen: inout Set<[Value]>) -> [[Value]] {
        keepsDuplicates ? rows : rows.filter { seen.insert($0).inserted }
    }

    private static func rows(of plan: LogicalPlan, outerValues: [Value]) throws -> [[Value]] {
        let root = try PlanBuilder.instantiate(plan, outerValues: outerValues)
        var rows: [[Value]] = []
        while let chunk = try root.next() {
            for row in 0..<chunk.count { rows.append(chunk.row(row)) }
        }
        return rows
    }

    /// Reads the outer values back from their packed text, one per slot.
    private func unpack(_ packed: Value) throws -> [Value] {
        guard let last = outerSlots.last else { return [] }
        var values = [Value](repeating: .null, count: last.slot + 1)
        let parts = (packed.text ?? "").split(separator: Character(Self.separator), omittingEmptySubsequences: false)
        guard parts.count == outerSlots.count else {
            throw TeleError.internalError("recursive query got \(parts.count) outer values for \(outerSlots.count) slots")
        }
        for (part, slot) in zip(parts, outerSlots) where part.first == "v" {
            let text = BoundExpression.constant(.string(String(part.dropFirst())), type: .varchar)
            // NOTE: floating-point outer values pass through their text form, which may round.
            values[slot.slot] = try ExpressionEvaluator.evaluateConstant(.cast(text, to: slot.type))
        }
        return values
    }
}
