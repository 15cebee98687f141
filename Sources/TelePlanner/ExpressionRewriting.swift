// Walking and rewriting bound expressions: the column positions an expression reads,
// renumbering and replacing columns, and splitting predicates into conjuncts.
//
// Every walk also visits the `correlatedValues` of subqueries, because those are evaluated
// over the same input row as the expression that contains them.

import TeleCore
import TeleExecution

enum ExpressionRewriting {
    /// Rebuilds `expression` bottom-up, calling `rewrite` on every node after its children.
    /// `rewrite` returns nil to keep the node.
    static func transform(
        _ expression: BoundExpression, _ rewrite: (BoundExpression) throws -> BoundExpression?
    ) rethrows -> BoundExpression {
        let rebuilt = try mapChildren(expression) { try transform($0, rewrite) }
        return try rewrite(rebuilt) ?? rebuilt
    }

    /// Rebuilds `expression` top-down: where `rewrite` returns a replacement, the node's
    /// children are not visited; where it returns nil, the children are.
    static func transformTopDown(
        _ expression: BoundExpression, _ rewrite: (BoundExpression) throws -> BoundExpression?
    ) rethrows -> BoundExpression {
        if let replacement = try rewrite(expression) { return replacement }
        return try mapChildren(expression) { try transformTopDown($0, rewrite) }
    }

    /// Rebuilds one node with `map` applied to each direct child.
    static func mapChildren(
        _ expression: BoundExpression, _ map: (BoundExpression) throws -> BoundExpression
    ) rethrows -> BoundExpression {
        switch expression {
        case .column, .constant, .outerReference:
            return expression
        case .cast(let operand, let type):
            return .cast(try map(operand), to: type)
        case .function(let function, let arguments):
            return .function(function, arguments: try arguments.map(map))
        case .and(let operands):
            return .and(try operands.map(map))
        case .or(let operands):
            return .or(try operands.map(map))
        case .not(let operand):
            return .not(try map(operand))
        case .isNull(let operand, let negated):
            return .isNull(try map(operand), negated: negated)
        case .isDistinctFrom(let left, let right, let negated):
            return .isDistinctFrom(try map(left), try map(right), negated: negated)
        case .caseWhen(let branches, let elseResult, let type):
            let newBranches = try branches.map { (condition: try map($0.condition), result: try map($0.result)) }
            return .caseWhen(branches: newBranches, elseResult: try map(elseResult), type: type)
        case .inList(let operand, let list, let negated):
            return .inList(try map(operand), list: try list.map(map), negated: negated)
        case .like(let operand, let pattern, let caseInsensitive, let negated, let escape):
            return .like(
                try map(operand), pattern: try map(pattern), caseInsensitive: caseInsensitive, negated: negated,
                escape: escape)
        case .coalesce(let operands, let type):
            return .coalesce(try operands.map(map), type: type)
        case .subquery(var subquery):
            subquery.correlatedValues = try subquery.correlatedValues.map(map)
            if case .inSubquery(let operand, let negated) = subquery.kind {
                subquery.kind = .inSubquery(operand: try map(operand), negated: negated)
            }
            return .subquery(subquery)
        }
    }

    /// Calls `visit` on every node, parents before children.
    static func visit(_ expression: BoundExpression, _ visit: (BoundExpression) -> Void) {
        visit(expression)
        for child in children(of: expression) { self.visit(child, visit) }
    }

    static func children(of expression: BoundExpression) -> [BoundExpression] {
        switch expression {
        case .column, .constant, .outerReference: return []
        case .cast(let operand, _), .not(let operand), .isNull(let operand, _): return [operand]
        case .function(_, let arguments): return arguments
        case .and(let operands), .or(let operands), .coalesce(let operands, _): return operands
        case .isDistinctFrom(let left, let right, _): return [left, right]
        case .caseWhen(let branches, let elseResult, _):
            return branches.flatMap { [$0.condition, $0.result] } + [elseResult]
        case .inList(let operand, let list, _): return [operand] + list
        case .like(let operand, let pattern, _, _, _): return [operand, pattern]
        case .subquery(let subquery):
            if case .inSubquery(let operand, _) = subquery.kind { return [operand] + subquery.correlatedValues }
            return subquery.correlatedValues
        }
    }

    /// Returns the input column positions the expression reads.
    static func columnsUsed(_ expression: BoundExpression) -> Set<Int> {
        var used = Set<Int>()
        visit(expression) { node in
            if case .column(let index, _) = node { used.insert(index) }
        }
        return used
    }

    /// Renumbers column references through `mapping` (old position to new position).
    static func remap(_ expression: BoundExpression, _ mapping: [Int: Int]) -> BoundExpression {
        transform(expression) { node in
            guard case .column(let index, let type) = node else { return nil }
            guard let target = mapping[index] else {
                preconditionFailure("column #\(index) has no position after rewriting")
            }
            return .column(index: target, type: type)
        }
    }

    /// Adds `offset` to every column position.
    static func shift(_ expression: BoundExpression, by offset: Int) -> BoundExpression {
        if offset == 0 { return expression }
        return transform(expression) { node in
            guard case .column(let index, let type) = node else { return nil }
            return .column(index: index + offset, type: type)
        }
    }

    /// Replaces each column reference with the expression at its position, which is how a
    /// predicate moves below a projection.
    static func substitute(_ expression: BoundExpression, with expressions: [BoundExpression]) -> BoundExpression {
        transform(expression) { node in
            guard case .column(let index, _) = node else { return nil }
            return expressions[index]
        }
    }

    /// Replaces outer-reference slots with constants, for one run of a correlated subquery.
    static func bindOuterValues(_ expression: BoundExpression, _ values: [Value]) -> BoundExpression {
        transform(expression) { node in
            guard case .outerReference(let slot, let type) = node else { return nil }
            return .constant(values[slot], type: type)
        }
    }

    /// Returns the expressions aggregate calls evaluate on their input: arguments and FILTERs.
    static func inputs(of aggregates: [BoundAggregate]) -> [BoundExpression] {
        aggregates.flatMap { $0.arguments + ($0.filter.map { [$0] } ?? []) }
    }

    static func containsSubquery(_ expression: BoundExpression) -> Bool {
        var found = false
        visit(expression) { node in
            if case .subquery = node { found = true }
        }
        return found
    }

    /// False when a function such as random() makes the result differ between evaluations.
    static func isDeterministic(_ expression: BoundExpression) -> Bool {
        var deterministic = true
        visit(expression) { node in
            switch node {
            case .function(let function, _) where !function.isDeterministic: deterministic = false
            case .subquery: deterministic = false
            default: break
            }
        }
        return deterministic
    }

    /// Splits nested ANDs into a flat list of conjuncts.
    static func conjuncts(_ expression: BoundExpression) -> [BoundExpression] {
        if case .and(let operands) = expression { return operands.flatMap(conjuncts) }
        return [expression]
    }

    /// Joins conjuncts with AND; nil for an empty list.
    static func conjunction(_ predicates: [BoundExpression]) -> BoundExpression? {
        switch predicates.count {
        case 0: return nil
        case 1: return predicates[0]
        default: return .and(predicates)
        }
    }
}
