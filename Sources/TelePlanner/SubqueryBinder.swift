// Subqueries in expressions: scalar, EXISTS and IN. The inner query is bound in a context
// whose outer level is the current one. Each outer column it uses becomes an outer-reference
// slot, and execution re-instantiates the plan with those slots filled for each outer row.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    func bindSubquery(_ query: SelectStatement, kind: BoundSubquery.Kind, position: SourcePosition) throws
        -> BoundSubquery
    {
        let (bound, correlated) = try bindInnerQuery(query, position: position)
        if case .exists = kind {
            return Self.makeSubquery(kind: kind, type: .boolean, plan: bound.plan, correlatedValues: correlated)
        }
        try requireOneColumn(bound, position: position)
        return Self.makeSubquery(kind: kind, type: bound.types[0], plan: bound.plan, correlatedValues: correlated)
    }

    func bindInSubquery(_ operand: Expression, _ query: SelectStatement, negated: Bool, position: SourcePosition)
        throws -> BoundExpression
    {
        let (operandBound, plan, correlated) = try bindInSubqueryParts(operand, query, position: position)
        let subquery = Self.makeSubquery(
            kind: .inSubquery(operand: operandBound, negated: negated), type: .boolean, plan: plan,
            correlatedValues: correlated)
        return .subquery(subquery)
    }

    /// Binds both sides of `operand IN (query)` and converts them to their common type.
    func bindInSubqueryParts(_ operand: Expression, _ query: SelectStatement, position: SourcePosition) throws
        -> (operand: BoundExpression, plan: LogicalPlan, correlated: [BoundExpression])
    {
        var operandBound = try bind(operand)
        let (bound, correlated) = try bindInnerQuery(query, position: position)
        try requireOneColumn(bound, position: position)
        let columnType = bound.types[0]
        var plan = bound.plan
        if TypeCoercion.isUntyped(operand, parameters: session.parameters) {
            // A literal that cannot convert is an error only when a row is compared with it:
            // over an empty subquery, `'hello' IN (SELECT int_column ...)` is simply false.
            do {
                operandBound = try TypeCoercion.coerce(operandBound, to: columnType, position: operand.position)
            } catch let error as TeleError where error.state == .invalidTextRepresentation {
                operandBound = .cast(operandBound, to: columnType)
            }
        } else {
            let type = try TypeCoercion.commonType(
                [operandBound.type, columnType], untyped: [false, false], context: "IN", position: position)
            operandBound = try TypeCoercion.coerce(operandBound, to: type, position: operand.position)
            if type != columnType {
                plan = .projection(plan, expressions: [.cast(.column(index: 0, type: columnType), to: type)], names: bound.names)
            }
        }
        return (operandBound, plan, correlated)
    }

    func bindInnerQuery(_ query: SelectStatement, position: SourcePosition) throws
        -> (BoundQuery, [BoundExpression])
    {
        let child = subquery()
        let bound = try session.descend(at: position) { try child.bindStatement(query) }
        return (bound, child.correlatedValues)
    }

    private func requireOneColumn(_ bound: BoundQuery, position: SourcePosition) throws {
        guard bound.types.count == 1 else {
            throw TeleError.syntax(
                "subquery must return only one column", at: position,
                hint: "Select exactly one column in the subquery; it returns \(bound.types.count).")
        }
    }

    /// Wraps a bound subquery plan for the evaluator.
    ///
    /// NOTE: a correlated subquery that cannot become a join (see Decorrelation.swift and
    /// ScalarSubqueryDecorrelation.swift) is optimized and planned again for every distinct
    /// outer row.
    static func makeSubquery(
        kind: BoundSubquery.Kind, type: DataType, plan: LogicalPlan, correlatedValues: [BoundExpression]
    ) -> BoundSubquery {
        let explain = (try? PlanBuilder.explain(plan)) ?? ""
        return BoundSubquery(
            kind: kind, type: type, correlatedValues: correlatedValues,
            makePlan: { outerValues in try PlanBuilder.instantiate(plan, outerValues: outerValues) }, explain: explain)
    }
}
