// Expressions by precedence climbing, with PostgreSQL's precedence from loosest to tightest:
// OR, AND, NOT, IS/ISNULL/NOTNULL, comparison, BETWEEN/IN/LIKE/ILIKE, other operators
// (`||`, `~`), `+ -`, `* / %`, AT TIME ZONE, unary minus, `::` cast. One function handles every binary
// level, so nesting one parenthesis costs a handful of stack frames, not one per level.

import TeleCore

/// Binding strength of an operator; a larger value binds tighter.
enum Precedence: Int, Comparable {
    case or = 1
    case and
    case not
    case isTest
    case comparison
    case predicate
    case other
    case additive
    case multiplicative
    case atTimeZone
    case unary
    case cast

    static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The next tighter level, used for the right operand of a left-associative operator.
    var tighter: Precedence { Precedence(rawValue: rawValue + 1) ?? .cast }
}

extension SyntaxParser {
    mutating func parseExpression() throws -> Expression {
        try parseBinary(above: .or)
    }

    /// Parses operators that bind at least as tightly as `minimum`.
    mutating func parseBinary(above minimum: Precedence) throws -> Expression {
        var left = try parsePrefix(minimum: minimum)
        var chainLength = 0
        while let precedence = infixPrecedence(), precedence >= minimum {
            chainLength += 1
            if chainLength > Parser.maximumNestingDepth {
                throw tooComplex("A chain of more than \(Parser.maximumNestingDepth) operators is not supported, except for AND and OR.")
            }
            switch precedence {
            case .or, .and:
                left = try parseLogicalChain(first: left, precedence: precedence)
                chainLength = 0
            case .isTest:
                left = try parseIsTest(left)
            case .predicate:
                left = try parsePredicate(left)
            case .atTimeZone:
                left = try parseAtTimeZone(left)
            default:
                let token = advance()
                let op = token.isWord("operator") ? try parseOperatorConstruct() : try binaryOperator(token)
                let right = try parseBinary(above: precedence.tighter)
                left = Expression(.binary(op: op, left: left, right: right), at: left.position)
            }
        }
        return left
    }

    /// Returns the precedence of the current token as an infix or postfix operator, or nil.
    private func infixPrecedence() -> Precedence? {
        let token = current
        switch token.kind {
        case .word:
            switch token.value {
            case "or": return .or
            case "and": return .and
            case "is", "isnull", "notnull": return .isTest
            case "between", "in", "like", "ilike": return .predicate
            case "at" where peek().isWord("time") && peek(2).isWord("zone"): return .atTimeZone
            // PostgreSQL gives OPERATOR(...) the precedence of "any other operator".
            case "operator" where peek().isSymbol("("): return .other
            case "not":
                let next = peek()
                guard next.kind == .word else { return nil }
                return ["between", "in", "like", "ilike"].contains(next.value) ? .predicate : nil
            default: return nil
            }
        case .symbol:
            switch token.value {
            case "=", "<>", "!=", "<", "<=", ">", ">=": return .comparison
            case "||", "~", "~*", "!~", "!~*": return .other
            case "+", "-": return .additive
            case "*", "/", "%": return .multiplicative
            default: return nil
            }
        default:
            return nil
        }
    }

    private func binaryOperator(_ token: Token) throws -> BinaryOperator {
        switch token.value {
        case "=": return .equal
        case "<>", "!=": return .notEqual
        case "<": return .less
        case "<=": return .lessOrEqual
        case ">": return .greater
        case ">=": return .greaterOrEqual
        case "+": return .add
        case "-": return .subtract
        case "*": return .multiply
        case "/": return .divide
        case "%": return .modulo
        case "||": return .concat
        case "~": return .regexMatch
        case "~*": return .regexMatchInsensitive
        case "!~": return .regexNotMatch
        case "!~*": return .regexNotMatchInsensitive
        default:
            preconditionFailure("infixPrecedence() classified \(token.value) as a binary operator")
        }
    }

    /// Parses `a AND b AND c ...` (or OR) in a loop and builds a balanced tree, so that a chain
    /// of 10,000 conditions neither recurses here nor yields a tree 10,000 levels deep for
    /// later stages. AND and OR are associative in SQL's three-valued logic, so the shape
    /// does not change the result. Chains of two or three operands come out left-deep.
    private mutating func parseLogicalChain(first: Expression, precedence: Precedence) throws -> Expression {
        let keyword = precedence == .and ? "and" : "or"
        let op: BinaryOperator = precedence == .and ? .and : .or
        var operands = [first]
        while consumeWord(keyword) {
            operands.append(try parseBinary(above: precedence.tighter))
        }
        while operands.count > 1 {
            var paired: [Expression] = []
            paired.reserveCapacity(operands.count / 2 + 1)
            var i = 0
            while i + 1 < operands.count {
                let left = operands[i]
                paired.append(Expression(.binary(op: op, left: left, right: operands[i + 1]), at: left.position))
                i += 2
            }
            if i < operands.count { paired.append(operands[i]) }
            operands = paired
        }
        return operands[0]
    }

    // MARK: - Prefix operators

    /// Parses prefix `NOT`, `-` and `+` without recursion per operator, then the operand.
    private mutating func parsePrefix(minimum: Precedence) throws -> Expression {
        if current.isWord("not") {
            var positions: [SourcePosition] = []
            while current.isWord("not") { positions.append(advance().position) }
            var operand = try parseBinary(above: Precedence.not.tighter)
            for position in positions.reversed() {
                operand = Expression(.unary(op: .not, operand: operand), at: position)
            }
            return operand
        }
        var signs: [Token] = []
        while current.isSymbol("-") || current.isSymbol("+") { signs.append(advance()) }
        var operand = try parsePostfix()
        for sign in signs.reversed() {
            operand = applySign(sign, to: operand)
        }
        return operand
    }

    /// Applies a unary sign. A minus before a numeric literal folds into the literal, as in
    /// PostgreSQL, so that `-9223372036854775808` is the smallest BIGINT and not an overflow.
    private func applySign(_ sign: Token, to operand: Expression) -> Expression {
        if sign.value == "-", case .literal(let literal) = operand.kind {
            switch literal {
            case .integer(let value) where value != Int64.min:
                return Expression(.literal(.integer(-value)), at: sign.position)
            case .number(let text):
                let negated = text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text
                if let value = Int64(negated) {
                    return Expression(.literal(.integer(value)), at: sign.position)
                }
                return Expression(.literal(.number(negated)), at: sign.position)
            default:
                break
            }
        }
        let op: UnaryOperator = sign.value == "-" ? .minus : .plus
        return Expression(.unary(op: op, operand: operand), at: sign.position)
    }

    /// Parses a primary expression followed by any number of casts, subscripts and COLLATE clauses.
    private mutating func parsePostfix() throws -> Expression {
        try parsePostfixOperators(try parsePrimary())
    }

    /// Parses `x AT TIME ZONE zone` into `timezone(zone, x)`, the function PostgreSQL
    /// evaluates it with, because the tree has no node of its own for it.
    private mutating func parseAtTimeZone(_ operand: Expression) throws -> Expression {
        advance()
        advance()
        advance()
        let zone = try parseBinary(above: Precedence.atTimeZone.tighter)
        let call = FunctionCall(name: "timezone", arguments: [zone, operand])
        return Expression(.function(call), at: operand.position)
    }

    // MARK: - IS and predicates

    private mutating func parseIsTest(_ operand: Expression) throws -> Expression {
        let at = operand.position
        if consumeWord("isnull") { return Expression(.isNull(operand: operand, negated: false), at: at) }
        if consumeWord("notnull") { return Expression(.isNull(operand: operand, negated: true), at: at) }
        try expectWord("is")
        let negated = consumeWord("not")
        if consumeWord("null") { return Expression(.isNull(operand: operand, negated: negated), at: at) }
        if consumeWord("true") {
            return Expression(.isTruth(operand: operand, value: true, negated: negated), at: at)
        }
        if consumeWord("false") {
            return Expression(.isTruth(operand: operand, value: false, negated: negated), at: at)
        }
        if consumeWord("unknown") {
            return Expression(.isTruth(operand: operand, value: nil, negated: negated), at: at)
        }
        if consumeWord("distinct") {
            try expectWord("from")
            let right = try parseBinary(above: Precedence.isTest.tighter)
            return Expression(.isDistinctFrom(left: operand, right: right, negated: negated), at: at)
        }
        throw unexpected(hint: "Expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS.")
    }

    /// Parses `[NOT] BETWEEN`, `[NOT] IN`, `[NOT] LIKE` and `[NOT] ILIKE` after `operand`.
    private mutating func parsePredicate(_ operand: Expression) throws -> Expression {
        let at = operand.position
        let negated = consumeWord("not")
        let keyword = advance()
        switch keyword.value {
        case "between":
            return try parseBetween(operand, negated: negated)
        case "in":
            return try parseIn(operand, negated: negated)
        default:
            let pattern = try parseBinary(above: Precedence.predicate.tighter)
            var escape: Expression?
            if consumeWord("escape") {
                escape = try parseBinary(above: Precedence.predicate.tighter)
            }
            return Expression(
                .like(operand: operand, pattern: pattern, caseInsensitive: keyword.value == "ilike",
                      negated: negated, escape: escape), at: at)
        }
    }

    /// Parses the bounds of BETWEEN. `BETWEEN SYMMETRIC a AND b` becomes
    /// `x BETWEEN a AND b OR x BETWEEN b AND a` (with AND for NOT BETWEEN), because the tree
    /// has no symmetric flag; the operand then appears twice in the tree.
    private mutating func parseBetween(_ operand: Expression, negated: Bool) throws -> Expression {
        let at = operand.position
        let symmetric = consumeWord("symmetric")
        if !symmetric { _ = consumeWord("asymmetric") }
        let low = try parseBinary(above: Precedence.predicate.tighter)
        try expectWord("and")
        let high = try parseBinary(above: Precedence.predicate.tighter)
        let forward = Expression(.between(operand: operand, low: low, high: high, negated: negated), at: at)
        guard symmetric else { return forward }
        let backward = Expression(.between(operand: operand, low: high, high: low, negated: negated), at: at)
        return Expression(.binary(op: negated ? .and : .or, left: forward, right: backward), at: at)
    }

    private mutating func parseIn(_ operand: Expression, negated: Bool) throws -> Expression {
        let at = operand.position
        guard current.isSymbol("(") else {
            throw unexpected(hint: "Write a list in parentheses after IN.")
        }
        try enter()
        defer { leave() }
        advance()
        if startsQuery {
            let query = try parseQuery()
            try expectSymbol(")")
            return Expression(.inSubquery(operand: operand, query: query, negated: negated), at: at)
        }
        // An empty list, as SQLite accepts it: `x IN ()` is false and `x NOT IN ()` true,
        // even for a NULL x, because no element can match.
        var list: [Expression] = []
        if !current.isSymbol(")") {
            list.append(try parseExpression())
            while consumeSymbol(",") {
                list.append(try parseExpression())
            }
        }
        try expectSymbol(")")
        return Expression(.inList(operand: operand, list: list, negated: negated), at: at)
    }

    /// Tells whether the current token starts a query: SELECT, WITH or VALUES.
    var startsQuery: Bool {
        current.isWord("select") || current.isWord("with") || current.isWord("values")
    }
}
