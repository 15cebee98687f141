// Binding of array_agg(x [ORDER BY ...]) and string_agg(x, sep ORDER BY ...), the
// aggregates whose result follows an ORDER BY written inside the call.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Binds array_agg, or string_agg with ORDER BY, or returns nil for other calls.
    ///
    /// - Throws: `TeleError` 0A000 for ORDER BY inside other aggregates, 42883 for a wrong
    ///   argument count.
    func bindOrderedAggregate(_ call: FunctionCall, position: SourcePosition) throws
        -> (function: AggregateFunction, arguments: [BoundExpression])?
    {
        let name = call.name.lowercased()
        guard name == "array_agg" || !call.orderBy.isEmpty else { return nil }
        let output: PGOrderedAggregates.Output
        switch (name, call.arguments.count) {
        case ("array_agg", 1): output = .arrayText
        case ("string_agg", 2): output = .joinedText
        case ("array_agg", _), ("string_agg", _):
            throw TeleError(
                .undefinedFunction, "function \(name) takes \(name == "array_agg" ? 1 : 2) arguments, not \(call.arguments.count)",
                hint: name == "array_agg" ? "Write array_agg(value ORDER BY key)." : "Write string_agg(value, separator ORDER BY key).",
                position: position)
        default:
            throw TeleError(
                .featureNotSupported, "ORDER BY inside \(name)() is not supported",
                hint: "Only array_agg and string_agg take ORDER BY; use WITHIN GROUP for ordered-set aggregates.",
                position: position)
        }

        var arguments: [BoundExpression] = []
        for argument in call.arguments {
            let bound = try bind(argument)
            guard bound.type == .null || Cast.canCast(from: bound.type, to: .varchar) else {
                throw TeleError(
                    .undefinedFunction, "function \(name)(\(bound.type.sqlName.lowercased())) does not exist",
                    hint: "Pass a value that converts to text.", position: argument.position)
            }
            arguments.append(try TypeCoercion.coerce(bound, to: .varchar, position: argument.position))
        }

        let keys = try call.orderBy.map { try bind($0.expression) }
        let ascending = call.orderBy.map(\.ascending)
        // PostgreSQL's default puts NULLs last when ascending and first when descending.
        let nullsFirst = call.orderBy.map { $0.nullsFirst ?? !$0.ascending }
        let function = PGOrderedAggregates.make(
            name: name, output: output, keyTypes: keys.map { $0.type == .null ? .varchar : $0.type },
            ascending: ascending, nullsFirst: nullsFirst)
        return (function, arguments + keys)
    }
}
