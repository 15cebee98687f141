// Binding of functions in FROM beyond the table function registry: generate_series(start,
// stop [, step]) to walk the positions of an array, unnest(array) to walk its elements, and
// any scalar function as a one-row table. Each names its one column after the alias, as
// PostgreSQL does.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Binds a scalar function written in FROM, such as `FROM string_to_array(x, ',') AS s`,
    /// as one row with one column named after the alias, as PostgreSQL does. Returns nil
    /// when `name` is a table function, an aggregate or no function at all.
    func bindScalarFunctionInFrom(
        _ name: String, _ arguments: [Expression], alias: String?, position: SourcePosition, input: LogicalPlan,
        inputScope: Scope
    ) throws -> (LogicalPlan, Scope)? {
        var bare = name.lowercased()
        if bare.hasPrefix("pg_catalog.") { bare.removeFirst("pg_catalog.".count) }
        guard !TableFunctionRegistry.functionNames.contains(bare), !AggregateFunctionRegistry.isAggregate(bare) else {
            return nil
        }
        let value: BoundExpression
        do {
            value = try inFromClause(of: inputScope) {
                try bind(Expression(.function(FunctionCall(name: bare, arguments: arguments)), at: position))
            }
        } catch let error as TeleError where error.state == .undefinedFunction && !ScalarFunctionRegistry.isScalarFunction(bare) {
            // No scalar function of that name either: report it as an unknown table function.
            return nil
        }
        let column = alias ?? bare
        let function = TableFunctionRegistry.computed(
            name: bare, argumentType: value.type, columnNames: [column], columnTypes: [value.type]
        ) { [[$0]] }
        let plan = LogicalPlan.tableFunction(input, function: function, argument: value)
        return (plan, Scope(columns: inputScope.columns + [ScopeColumn(table: column, name: column, type: value.type)]))
    }

    /// Binds unnest over array text, such as `{a,b}`, as a lateral table function with one
    /// VARCHAR column per element. A NULL array gives no rows.
    func bindUnnest(
        _ arguments: [Expression], alias: String?, position: SourcePosition, input: LogicalPlan, inputScope: Scope
    ) throws -> (LogicalPlan, Scope) {
        guard arguments.count == 1 else {
            throw TeleError.syntax(
                "unnest takes one array, not \(arguments.count) arguments", at: position, hint: "Write unnest(array).")
        }
        let array = try inFromClause(of: inputScope) { try bind(arguments[0]) }
        guard array.type == .varchar || array.type == .null else {
            throw TeleError(
                .undefinedFunction, "function unnest(\(array.type.sqlName.lowercased())) does not exist",
                hint: "Pass an array, such as ARRAY['a', 'b'] or '{a,b}'::text[].", position: arguments[0].position)
        }
        let name = alias ?? "unnest"
        let function = TableFunctionRegistry.computed(name: "unnest", columnNames: [name], columnTypes: [.varchar]) { value in
            guard case .string(let text) = value else { return [] }
            return PGArrayText.elements(of: text).map { [$0.map(Value.string) ?? .null] }
        }
        let argument = try TypeCoercion.coerce(array, to: .varchar, position: position)
        let plan = LogicalPlan.tableFunction(input, function: function, argument: argument)
        return (plan, Scope(columns: inputScope.columns + [ScopeColumn(table: name, name: name, type: .varchar)]))
    }

    /// Binds generate_series over integers as a lateral table function whose one column
    /// takes the alias, or the function name without an alias, as PostgreSQL names it.
    func bindGenerateSeries(
        _ arguments: [Expression], alias: String?, position: SourcePosition, input: LogicalPlan, inputScope: Scope
    ) throws -> (LogicalPlan, Scope) {
        guard (2...3).contains(arguments.count) else {
            throw TeleError.syntax(
                "generate_series takes 2 or 3 arguments, not \(arguments.count)", at: position,
                hint: "Write generate_series(start, stop) or generate_series(start, stop, step).")
        }
        var parts: [BoundExpression] = []
        for argument in arguments {
            let bound = try inFromClause(of: inputScope) { try bind(argument) }
            guard bound.type.isInteger || bound.type == .null else {
                throw TeleError(
                    .undefinedFunction, "function generate_series(\(bound.type.sqlName.lowercased())) does not exist",
                    hint: "TeleDB's generate_series takes integers.", position: argument.position)
            }
            parts.append(try TypeCoercion.coerce(bound, to: .varchar, position: argument.position))
        }
        if parts.count == 2 { parts.append(text("1")) }
        // NULL in any argument makes the packed text NULL, which generates no rows.
        var packed = parts[0]
        for part in parts.dropFirst() {
            packed = try applyFunction("||", [packed, text(",")], position: position)
            packed = try applyFunction("||", [packed, part], position: position)
        }

        let name = alias ?? "generate_series"
        let function = TableFunctionRegistry.generateSeries(columnName: name)
        let plan = LogicalPlan.tableFunction(input, function: function, argument: packed)
        return (plan, Scope(columns: inputScope.columns + [ScopeColumn(table: name, name: name, type: .bigint)]))
    }
}
