// Decorrelation of scalar aggregate subqueries in the select list into a grouped left join.
//
//   SELECT name, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) FROM users u
//     ->  users LEFT JOIN (SELECT user_id, count(*) FROM orders GROUP BY user_id)
//           ON u.id = user_id
//
// The subquery must be an aggregate without GROUP BY or HAVING whose outer references sit
// only in top-level WHERE equalities between an inner and an outer expression. An outer row
// without a matching group gets the value the aggregate has on no rows, such as 0 for count.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Binds a scalar subquery as a left join onto `outerPlan`, or returns nil when its
    /// shape does not allow that.
    ///
    /// - Returns: the joined plan, whose columns are those of `outerPlan` followed by the
    ///   join keys and the subquery's value, and the expression that reads the value.
    func decorrelateScalarSubquery(_ query: SelectStatement, position: SourcePosition, outerPlan: LogicalPlan) throws
        -> (plan: LogicalPlan, value: BoundExpression)?
    {
        let (bound, correlated) = try bindInnerQuery(query, position: position)
        guard !correlated.isEmpty, bound.types.count == 1,
            case .projection(.aggregate(let aggregateInput, let groupKeys, let aggregates), let expressions, _) = bound.plan,
            groupKeys.isEmpty
        else { return nil }

        var base = aggregateInput
        var conjuncts: [BoundExpression] = []
        if case .filter(let filtered, let predicate) = aggregateInput {
            base = filtered
            conjuncts = ExpressionRewriting.conjuncts(predicate)
        }
        let aggregateExpressions = ExpressionRewriting.inputs(of: aggregates)
        guard !Decorrelation.containsOuterReference(base),
            !(expressions + aggregateExpressions).contains(where: Decorrelation.containsOuterReference)
        else { return nil }

        // Split the WHERE into correlation equalities and conjuncts that stay in the subquery.
        var innerKeys: [BoundExpression] = []
        var outerKeys: [BoundExpression] = []
        var kept: [BoundExpression] = []
        for conjunct in conjuncts {
            guard Decorrelation.containsOuterReference(conjunct) else {
                kept.append(conjunct)
                continue
            }
            guard case .function(let function, let arguments) = conjunct, function.name == "=", arguments.count == 2,
                let (inner, outer) = Self.correlationSides(arguments[0], arguments[1])
            else { return nil }
            innerKeys.append(inner)
            outerKeys.append(
                ExpressionRewriting.transform(outer) { node in
                    guard case .outerReference(let slot, _) = node else { return nil }
                    return correlated[slot]
                })
        }
        guard !innerKeys.isEmpty, let emptyValue = Self.valueOnNoRows(expressions[0], aggregates) else { return nil }

        // The grouped subquery outputs its keys, then the value.
        let filtered = ExpressionRewriting.conjunction(kept).map { LogicalPlan.filter(base, predicate: $0) } ?? base
        let grouped = LogicalPlan.aggregate(filtered, keys: innerKeys, aggregates: aggregates)
        let keyColumns = innerKeys.indices.map { BoundExpression.column(index: $0, type: innerKeys[$0].type) }
        let value = ExpressionRewriting.shift(expressions[0], by: innerKeys.count)
        let right = LogicalPlan.projection(
            grouped, expressions: keyColumns + [value],
            names: innerKeys.indices.map { "key\($0)" } + [bound.names[0]])

        let outerCount = outerPlan.columnCount
        var condition: [BoundExpression] = []
        for (index, outerKey) in outerKeys.enumerated() {
            let keyColumn = BoundExpression.column(index: outerCount + index, type: innerKeys[index].type)
            condition.append(try applyFunction("=", [outerKey, keyColumn], position: position))
        }
        let joined = LogicalPlan.join(
            outerPlan, right, type: .left, condition: ExpressionRewriting.conjunction(condition))

        let valueColumn = BoundExpression.column(index: outerCount + innerKeys.count, type: value.type)
        if emptyValue.isNull { return (joined, valueColumn) }
        // A NULL key means no group matched: use the aggregate's value on no rows.
        let unmatched = BoundExpression.isNull(.column(index: outerCount, type: innerKeys[0].type), negated: false)
        let result = BoundExpression.caseWhen(
            branches: [(condition: unmatched, result: .constant(emptyValue, type: value.type))], elseResult: valueColumn,
            type: value.type)
        return (joined, result)
    }

    /// Returns the inner and the outer side of a correlation equality: one side reads only
    /// subquery columns, the other only outer references.
    private static func correlationSides(_ first: BoundExpression, _ second: BoundExpression)
        -> (inner: BoundExpression, outer: BoundExpression)?
    {
        func isOuterOnly(_ expression: BoundExpression) -> Bool {
            Decorrelation.containsOuterReference(expression) && ExpressionRewriting.columnsUsed(expression).isEmpty
        }
        if !Decorrelation.containsOuterReference(first), isOuterOnly(second) { return (first, second) }
        if !Decorrelation.containsOuterReference(second), isOuterOnly(first) { return (second, first) }
        return nil
    }

    /// Returns the subquery's value on no input rows, with count giving 0 and every other
    /// aggregate NULL, or nil when that value does not fold to a constant.
    private static func valueOnNoRows(_ expression: BoundExpression, _ aggregates: [BoundAggregate]) -> Value? {
        let empty = aggregates.map { aggregate -> BoundExpression in
            let type = aggregate.function.returnType
            return aggregate.function.name == "count" ? .constant(.integer(0), type: type) : .constant(.null, type: type)
        }
        guard case .constant(let value, _) = ConstantFolding.fold(ExpressionRewriting.substitute(expression, with: empty))
        else { return nil }
        return value
    }
}
