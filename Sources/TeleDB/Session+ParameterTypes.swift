// Types of `$n` placeholders from their context, for the wire protocol's
// ParameterDescription: a driver such as asyncpg encodes each value by the type the server
// reports, so `WHERE id = $1` must report id's type before any value is bound.
//
// The inference reads the statement's syntax tree against the current table schemas. A
// parameter compared with, assigned to, or inserted into a column takes the column's type. One
// compared with a typed literal or a cast takes that type, and LIMIT and OFFSET take BIGINT.
// NOTE: parameters that reach only function arguments or select items stay unknown, where
// PostgreSQL would infer them from the function's signature.

import TeleCore
import TeleStorage
import TeleSyntax

extension Session {
    /// Returns the inferred type of each parameter that has one, by parameter number.
    public func inferredParameterTypes(of statement: Statement) -> [Int: DataType] {
        var inference = ParameterTypeInference(snapshot: readSnapshot)
        inference.visit(statement)
        return inference.types
    }
}

private struct ParameterTypeInference {
    let snapshot: any Snapshot
    var types: [Int: DataType] = [:]
    /// Column types in scope, by `column` and by `table.column`.
    var columns: [String: DataType] = [:]

    init(snapshot: any Snapshot) {
        self.snapshot = snapshot
    }

    mutating func visit(_ statement: Statement) {
        switch statement {
        case .select(let query), .describeQuery(let query), .createTableAs(_, _, let query):
            visit(query)
        case .explain(let inner, _):
            visit(inner)
        case .insert(let insert):
            guard let schema = schema(insert.table) else { return }
            let targets = insert.columns.isEmpty ? schema.columns.map(\.name) : insert.columns
            let types = Dictionary(schema.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
            switch insert.source {
            case .values(let rows):
                for row in rows {
                    for (index, value) in row.enumerated() where index < targets.count {
                        if let type = types[targets[index]] { assign(value, type) }
                        visit(value)
                    }
                }
            case .query(let query):
                visit(query)
            case .defaultValues:
                break
            }
        case .update(let update):
            addTable(update.table, alias: update.alias)
            for assignment in update.assignments {
                if let type = columns[assignment.column] { assign(assignment.value, type) }
                visit(assignment.value)
            }
            if let whereClause = update.whereClause { visit(whereClause) }
        case .delete(let table, let alias, let whereClause):
            addTable(table, alias: alias)
            if let whereClause { visit(whereClause) }
        default:
            break
        }
    }

    mutating func visit(_ query: SelectStatement) {
        for expression in query.with { visit(expression.query) }
        visit(query.body)
        for item in query.orderBy { visit(item.expression) }
        for bound in [query.limit, query.offset].compactMap({ $0 }) {
            assign(bound, .bigint)
            visit(bound)
        }
    }

    private mutating func visit(_ body: QueryBody) {
        switch body {
        case .select(let core):
            for reference in core.from { addReference(reference) }
            for item in core.items {
                if case .expression(let expression, _) = item { visit(expression) }
            }
            if let whereClause = core.whereClause { visit(whereClause) }
            if case .expressions(let expressions) = core.groupBy { expressions.forEach { visit($0) } }
            if let having = core.having { visit(having) }
        case .values(let rows):
            rows.joined().forEach { visit($0) }
        case .setOperation(_, _, let left, let right):
            visit(left)
            visit(right)
        case .nested(let query):
            visit(query)
        }
    }

    // MARK: Scope

    private func schema(_ name: String) -> TableSchema? {
        if let table = snapshot.table(name) { return table.schema }
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return snapshot.table(String(name[name.index(after: dot)...]))?.schema
    }

    private mutating func addTable(_ name: String, alias: String?) {
        guard let schema = schema(name) else { return }
        let qualifier = alias ?? String(name.split(separator: ".").last ?? Substring(name))
        for column in schema.columns {
            if columns[column.name] == nil { columns[column.name] = column.type }
            columns[qualifier + "." + column.name] = column.type
        }
    }

    private mutating func addReference(_ reference: TableReference) {
        switch reference {
        case .table(let name, let alias, _):
            addTable(name, alias: alias)
        case .subquery(let query, _, _):
            visit(query)
        case .join(_, let left, let right, let condition):
            addReference(left)
            addReference(right)
            if case .on(let expression) = condition { visit(expression) }
        case .sampled(let inner, _):
            addReference(inner)
        case .function(_, let arguments, _, _):
            arguments.forEach { visit($0) }
        }
    }

    // MARK: Expressions

    /// Records `type` for `expression` when it is a bare parameter not typed yet.
    private mutating func assign(_ expression: Expression, _ type: DataType) {
        guard case .parameter(let number) = expression.kind, types[number] == nil, type != .null else { return }
        types[number] = type
    }

    /// Returns the type of an expression that fixes its own type, such as a column or a cast.
    private func knownType(_ expression: Expression) -> DataType? {
        switch expression.kind {
        case .column(let parts):
            return columns[parts.suffix(2).joined(separator: ".")] ?? parts.last.flatMap { columns[$0] }
        case .cast(_, let type), .literal(.typed(let type, _)):
            return DataType.named(type.name)
        case .literal(.integer): return .bigint
        case .literal(.number): return .double
        case .literal(.boolean): return .boolean
        case .interval: return .interval
        default: return nil
        }
    }

    /// Types the parameters on either side of a comparison from the other side.
    private mutating func pair(_ left: Expression, _ right: Expression) {
        if let type = knownType(right) { assign(left, type) }
        if let type = knownType(left) { assign(right, type) }
    }

    mutating func visit(_ expression: Expression) {
        switch expression.kind {
        case .binary(_, let left, let right), .isDistinctFrom(let left, let right, _):
            pair(left, right)
            visit(left)
            visit(right)
        case .cast(let operand, let type):
            if let target = DataType.named(type.name) { assign(operand, target) }
            visit(operand)
        case .between(let operand, let low, let high, _):
            pair(operand, low)
            pair(operand, high)
            [operand, low, high].forEach { visit($0) }
        case .inList(let operand, let list, _):
            for item in list { pair(operand, item) }
            visit(operand)
            list.forEach { visit($0) }
        case .like(let operand, let pattern, _, _, let escape):
            assign(operand, .varchar)
            assign(pattern, .varchar)
            [operand, pattern].forEach { visit($0) }
            if let escape { visit(escape) }
        case .unary(_, let operand), .isNull(let operand, _), .isTruth(let operand, _, _), .extract(_, let operand):
            visit(operand)
        case .function(let call):
            call.arguments.forEach { visit($0) }
            if let filter = call.filter { visit(filter) }
        case .caseWhen(let operand, let branches, let elseResult):
            if let operand { visit(operand) }
            for branch in branches {
                visit(branch.condition)
                visit(branch.result)
            }
            if let elseResult { visit(elseResult) }
        case .inSubquery(let operand, let query, _):
            visit(operand)
            visitNested(query)
        case .exists(let query, _), .scalarSubquery(let query):
            visitNested(query)
        case .array(let items):
            items.forEach { visit($0) }
        case .literal, .column, .parameter, .interval, .star:
            break
        }
    }

    /// Visits a subquery with its own tables added to the scope, then restores the scope.
    private mutating func visitNested(_ query: SelectStatement) {
        let outer = columns
        visit(query)
        columns = outer
    }
}
