// Binding of table functions in FROM, such as histogram_buckets(h). The argument may be a
// scalar subquery or, after other FROM items, a reference to their columns (a lateral call:
// `FROM rollup r, histogram_buckets(r.h)`).

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Binds a table function over `input`, whose columns its argument may read.
    ///
    /// - Returns: a plan with the input columns followed by the function's columns.
    /// - Throws: `TeleError` 42883 for an unknown function or argument type, 42601 for a
    ///   wrong argument count.
    func bindTableFunction(_ reference: TableReference, input: LogicalPlan, inputScope: Scope) throws
        -> (LogicalPlan, Scope)
    {
        guard case .function(let name, let arguments, let alias, let position) = reference else {
            throw TeleError.internalError("bindTableFunction called for a non-function FROM item")
        }
        if name == "generate_series" || name == "pg_catalog.generate_series" {
            return try bindGenerateSeries(arguments, alias: alias, position: position, input: input, inputScope: inputScope)
        }
        if name == "unnest" || name == "pg_catalog.unnest" {
            return try bindUnnest(arguments, alias: alias, position: position, input: input, inputScope: inputScope)
        }
        if let scalar = try bindScalarFunctionInFrom(
            name, arguments, alias: alias, position: position, input: input, inputScope: inputScope)
        {
            return scalar
        }
        guard arguments.count == 1 else {
            throw TeleError.syntax(
                "table function \(name) takes one argument, not \(arguments.count)", at: position,
                hint: "Write \(name)(value), with a column of an earlier FROM item or a scalar subquery.")
        }
        let argument = try inFromClause(of: inputScope) { try bind(arguments[0]) }
        let function = try withPosition(position) {
            try TableFunctionRegistry.resolve(name: name, argumentTypes: [argument.type])
        }
        let converted = try TypeCoercion.coerce(argument, to: function.argumentType, position: position)
        let qualifier = alias ?? name
        let columns = zip(function.columnNames, function.columnTypes).map {
            ScopeColumn(table: qualifier, name: $0.0, type: $0.1)
        }
        let plan = LogicalPlan.tableFunction(input, function: function, argument: converted)
        return (plan, Scope(columns: inputScope.columns + columns))
    }

    /// Runs `body` with names resolving against `inputScope` and errors naming the FROM
    /// clause, as the arguments of a function in FROM bind.
    func inFromClause<Result>(of inputScope: Scope, _ body: () throws -> Result) rethrows -> Result {
        let saved = scope
        let savedClause = clause
        scope = inputScope
        clause = "FROM"
        defer {
            scope = saved
            clause = savedClause
        }
        return try body()
    }
}
