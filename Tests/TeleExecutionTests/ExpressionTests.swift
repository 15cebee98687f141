// Expression evaluation: arithmetic with overflow and division errors, comparisons over
// every vector shape, three-valued logic, CASE, IN, COALESCE, LIKE and NULL handling.

import TeleCore
import Testing

@testable import TeleExecution

@Suite struct ArithmeticTests {
    @Test(arguments: [
        ("+", Int64(7), Int64(3), Value.integer(10)),
        ("-", 7, 3, .integer(4)),
        ("*", 7, 3, .integer(21)),
        ("/", 7, 3, .integer(2)),
        ("/", -7, 3, .integer(-2)),
        ("%", -7, 3, .integer(-1)),
        ("%", 7, -3, .integer(1)),
    ])
    func integerOperators(_ symbol: String, _ lhs: Int64, _ rhs: Int64, _ expected: Value) throws {
        #expect(try evaluateCall(symbol, int(lhs), int(rhs)) == expected)
    }

    @Test func divisionByZeroRaises22012() throws {
        for symbol in ["/", "%"] {
            let error = #expect(throws: TeleError.self) { try evaluateCall(symbol, int(1), int(0)) }
            #expect(error?.state == .divisionByZero)
            #expect(error?.message == "division by zero")
        }
        let floatError = #expect(throws: TeleError.self) {
            try evaluateCall("/", constant(.double(1), .double), constant(.double(0), .double))
        }
        #expect(floatError?.state == .divisionByZero)
    }

    @Test func bigintOverflowRaises22003() throws {
        let cases: [(String, Int64, Int64)] = [("+", .max, 1), ("-", .min, 1), ("*", .max, 2), ("/", .min, -1)]
        for (symbol, lhs, rhs) in cases {
            let error = #expect(throws: TeleError.self) { try evaluateCall(symbol, int(lhs), int(rhs)) }
            #expect(error?.state == .numericValueOutOfRange, "\(lhs) \(symbol) \(rhs)")
        }
        #expect(try evaluateCall("%", int(.min), int(-1)) == .integer(0))
    }

    @Test func integerResultsAreRangeChecked() throws {
        let big = constant(.integer(2_000_000_000), .integer)
        let error = #expect(throws: TeleError.self) { try evaluateCall("+", big, big) }
        #expect(error?.state == .numericValueOutOfRange)
        #expect(error?.message == "integer out of range")
        let small = constant(.integer(-32768), .smallint)
        let negation = #expect(throws: TeleError.self) { try evaluateCall("negate", small) }
        #expect(negation?.state == .numericValueOutOfRange)
    }

    @Test func overflowInNullRowsIsIgnored() throws {
        // The NULL row's payload would overflow; only valid rows count.
        var validity = ValidityMask()
        validity.set(1, valid: false, count: 2)
        let values = Vector.int64([1, .max], validity: validity)
        let chunk = DataChunk(columns: [values], count: 2)
        let result = try ExpressionEvaluator.evaluate(try call("+", column(0, .bigint), int(1)), on: chunk)
        #expect(result.value(at: 0) == .integer(2))
        #expect(result.value(at: 1) == .null)
    }

    @Test func vectorArithmeticMatchesRowArithmetic() throws {
        var generator = SeededGenerator(seed: 7)
        let a = (0..<3000).map { _ in Int64.random(in: -1_000_000...1_000_000, using: &generator) }
        let b = (0..<3000).map { _ in Int64.random(in: 1...1000, using: &generator) }
        let chunk = DataChunk(columns: [Vector.int64(a), Vector.int64(b)], count: 3000)
        for (symbol, reference) in [("+", { (x: Int64, y: Int64) in x + y }), ("-", { $0 - $1 }), ("*", { $0 * $1 }),
                                    ("/", { $0 / $1 }), ("%", { $0 % $1 })] {
            let result = try ExpressionEvaluator.evaluate(try call(symbol, column(0, .bigint), column(1, .bigint)), on: chunk)
            for row in 0..<3000 where result.value(at: row) != .integer(reference(a[row], b[row])) {
                Issue.record("\(a[row]) \(symbol) \(b[row]) gave \(result.value(at: row))")
                break
            }
        }
    }

    @Test func mixedTypesPromote() throws {
        let (function, types) = try ScalarFunctionRegistry.resolve(name: "+", argumentTypes: [.integer, .double])
        #expect(function.returnType == .double)
        #expect(types == [.double, .double])
        let (nullFunction, nullTypes) = try ScalarFunctionRegistry.resolve(name: "+", argumentTypes: [.null, .smallint])
        #expect(nullFunction.returnType == .smallint)
        #expect(nullTypes == [.smallint, .smallint])
        #expect(try evaluateCall("+", constant(.integer(1), .integer), constant(.double(0.5), .double)) == .double(1.5))
    }

    @Test func nullOperandGivesNull() throws {
        #expect(try evaluateCall("+", constant(.null, .bigint), int(1)) == .null)
        #expect(try evaluateCall("=", constant(.null, .bigint), int(1)) == .null)
    }

    @Test func unknownOperatorListsCandidates() throws {
        let error = #expect(throws: TeleError.self) {
            try ScalarFunctionRegistry.resolve(name: "+", argumentTypes: [.boolean, .boolean])
        }
        #expect(error?.state == .undefinedFunction)
        #expect(error?.message == "operator does not exist: boolean + boolean")
        #expect(error?.hint?.contains("+(bigint, bigint)") == true)
        let missing = #expect(throws: TeleError.self) {
            try ScalarFunctionRegistry.resolve(name: "lenght", argumentTypes: [.varchar])
        }
        #expect(missing?.hint?.contains("length") == true)
    }
}

@Suite struct ComparisonTests {
    @Test func stringsCompareBytewise() throws {
        #expect(try evaluateCall("<", text("B"), text("a")) == .boolean(true))
        #expect(try evaluateCall("<", text("ab"), text("abc")) == .boolean(true))
        #expect(try evaluateCall("=", text("é"), text("e\u{301}")) == .boolean(false))
    }

    @Test func dictionaryComparedWithConstant() throws {
        let vector = dictionaryVector(["x", "y", nil, "x", "z"])
        let chunk = DataChunk(columns: [vector], count: 5)
        let equal = try ExpressionEvaluator.evaluate(try call("=", column(0, .varchar), text("x")), on: chunk)
        #expect((0..<5).map { equal.value(at: $0) } == [.boolean(true), .boolean(false), .null, .boolean(true), .boolean(false)])
        let greater = try ExpressionEvaluator.select(try call(">", text("y"), column(0, .varchar)), on: chunk)
        #expect(greater == [0, 3])
    }

    @Test func flatStringsCompared() throws {
        let chunk = makeChunk(types: [.varchar, .varchar], rows: [[.string("a"), .string("b")], [.string("b"), .string("b")], [.string(""), .null]])
        let result = try ExpressionEvaluator.evaluate(try call("<=", column(0, .varchar), column(1, .varchar)), on: chunk)
        #expect((0..<3).map { result.value(at: $0) } == [.boolean(true), .boolean(true), .null])
    }

    @Test func nanEqualsNaNAndSortsHighest() throws {
        let nan = constant(.double(.nan), .double)
        #expect(try evaluateCall("=", nan, nan) == .boolean(true))
        #expect(try evaluateCall(">", nan, constant(.double(.infinity), .double)) == .boolean(true))
    }

    @Test func dateComparedWithTimestamp() throws {
        let date = constant(.date(10), .date)
        let timestamp = constant(.timestamp(10 * 86_400_000_000 + 1), .timestamp)
        #expect(try evaluateCall("<", date, timestamp) == .boolean(true))
    }
}

@Suite struct LogicTests {
    static let truth: [Value] = [.boolean(true), .boolean(false), .null]

    @Test func threeValuedAndOr() throws {
        for a in Self.truth {
            for b in Self.truth {
                let lhs = constant(a, .boolean)
                let rhs = constant(b, .boolean)
                let and = try ExpressionEvaluator.evaluateConstant(.and([lhs, rhs]))
                let or = try ExpressionEvaluator.evaluateConstant(.or([lhs, rhs]))
                let expectedAnd: Value = a == .boolean(false) || b == .boolean(false)
                    ? .boolean(false) : (a.isNull || b.isNull ? .null : .boolean(true))
                let expectedOr: Value = a == .boolean(true) || b == .boolean(true)
                    ? .boolean(true) : (a.isNull || b.isNull ? .null : .boolean(false))
                #expect(and == expectedAnd, "\(a) AND \(b)")
                #expect(or == expectedOr, "\(a) OR \(b)")
            }
        }
        #expect(try ExpressionEvaluator.evaluateConstant(.not(constant(.null, .boolean))) == .null)
    }

    @Test func selectDropsNullAndFalse() throws {
        let chunk = makeChunk(types: [.boolean], rows: [[.boolean(true)], [.null], [.boolean(false)], [.boolean(true)]])
        #expect(try ExpressionEvaluator.select(column(0, .boolean), on: chunk) == [0, 3])
        #expect(try ExpressionEvaluator.select(.not(column(0, .boolean)), on: chunk) == [2])
    }

    @Test func conjunctionSelectsLikeEvaluate() throws {
        var generator = SeededGenerator(seed: 5)
        let rows = (0..<3000).map { _ -> [Value] in
            [Int.random(in: 0..<10, using: &generator) == 0 ? .null : .integer(Int64.random(in: 0..<100, using: &generator)),
             .integer(Int64.random(in: 0..<100, using: &generator))]
        }
        let chunk = makeChunk(types: [.bigint, .bigint], rows: rows)
        let a = column(0, .bigint)
        let b = column(1, .bigint)
        // A selective first operand (narrowing) and an unselective one (intersection).
        for threshold: Int64 in [5, 90] {
            let predicate = BoundExpression.and([try call("<", a, int(threshold)), try call(">", b, int(30)), try call("<>", a, int(2))])
            let expected = ExpressionEvaluator.selection(of: try ExpressionEvaluator.evaluate(predicate, on: chunk), count: chunk.count)
            let actual = try ExpressionEvaluator.select(predicate, on: chunk)
            #expect(actual == expected, "threshold \(threshold)")
            #expect(!actual.isEmpty)
        }
    }

    @Test func inListFollowsNullRules() throws {
        let one = int(1)
        let null = constant(.null, .bigint)
        #expect(try ExpressionEvaluator.evaluateConstant(.inList(one, list: [int(2), one], negated: false)) == .boolean(true))
        #expect(try ExpressionEvaluator.evaluateConstant(.inList(one, list: [int(2), null], negated: false)) == .null)
        #expect(try ExpressionEvaluator.evaluateConstant(.inList(one, list: [int(2), null], negated: true)) == .null)
        #expect(try ExpressionEvaluator.evaluateConstant(.inList(one, list: [int(2)], negated: true)) == .boolean(true))
        #expect(try ExpressionEvaluator.evaluateConstant(.inList(null, list: [int(2)], negated: false)) == .null)
    }

    @Test func longInListMatchesShortForm() throws {
        let chunk = makeChunk(types: [.bigint], rows: [[.integer(3)], [.integer(50)], [.null], [.integer(11)]])
        let x = column(0, .bigint)
        let list = (1...12).map { int($0) }
        for (extra, negated, expected) in [
            ([BoundExpression](), false, [Value.boolean(true), .boolean(false), .null, .boolean(true)]),
            ([constant(.null, .bigint)], false, [.boolean(true), .null, .null, .boolean(true)]),
            ([], true, [.boolean(false), .boolean(true), .null, .boolean(false)]),
            ([constant(.null, .bigint)], true, [.boolean(false), .null, .null, .boolean(false)]),
        ] {
            let result = try ExpressionEvaluator.evaluate(.inList(x, list: list + extra, negated: negated), on: chunk)
            #expect((0..<4).map { result.value(at: $0) } == expected, "negated: \(negated), extra: \(extra.count)")
        }
    }

    @Test func isDistinctFromTreatsNullsEqual() throws {
        let null = constant(.null, .bigint)
        #expect(try ExpressionEvaluator.evaluateConstant(.isDistinctFrom(null, null, negated: false)) == .boolean(false))
        #expect(try ExpressionEvaluator.evaluateConstant(.isDistinctFrom(null, int(1), negated: false)) == .boolean(true))
        #expect(try ExpressionEvaluator.evaluateConstant(.isDistinctFrom(int(1), int(1), negated: true)) == .boolean(true))
        #expect(try ExpressionEvaluator.evaluateConstant(.isNull(null, negated: false)) == .boolean(true))
    }

    @Test func caseEvaluatesBranchesOnlyOnTheirRows() throws {
        let chunk = makeChunk(types: [.bigint], rows: [[.integer(0)], [.integer(4)], [.null]])
        let x = column(0, .bigint)
        let expression = BoundExpression.caseWhen(
            branches: [(try call("=", x, int(0)), int(-1))], elseResult: try call("/", int(100), x), type: .bigint)
        let result = try ExpressionEvaluator.evaluate(expression, on: chunk)
        #expect((0..<3).map { result.value(at: $0) } == [.integer(-1), .integer(25), .null])
    }

    @Test func coalesceTakesFirstNonNull() throws {
        let chunk = makeChunk(types: [.bigint, .bigint], rows: [[.null, .integer(2)], [.integer(1), .integer(3)], [.null, .null]])
        let expression = BoundExpression.coalesce([column(0, .bigint), column(1, .bigint), int(9)], type: .bigint)
        let result = try ExpressionEvaluator.evaluate(expression, on: chunk)
        #expect((0..<3).map { result.value(at: $0) } == [.integer(2), .integer(1), .integer(9)])
    }

    @Test func outerReferenceIsAnInternalError() throws {
        let error = #expect(throws: TeleError.self) {
            try ExpressionEvaluator.evaluateConstant(.outerReference(slot: 0, type: .bigint))
        }
        #expect(error?.state == .internalError)
    }
}

@Suite struct LikeTests {
    @Test(arguments: [
        ("abc", "a%", true), ("abc", "%c", true), ("abc", "%b%", true), ("abc", "a_c", true), ("abc", "a_", false),
        ("abc", "", false), ("", "%", true), ("a%c", "a\\%c", true), ("abc", "a\\%c", false), ("ñb", "_b", true),
        ("aXbXc", "a%b%c", true), ("mississippi", "%iss%ppi", true), ("abc", "ABC", false),
    ])
    func likeMatches(_ input: String, _ pattern: String, _ expected: Bool) throws {
        let expression = BoundExpression.like(text(input), pattern: text(pattern), caseInsensitive: false, negated: false, escape: 0x5C)
        #expect(try ExpressionEvaluator.evaluateConstant(expression) == .boolean(expected))
    }

    @Test func ilikeAndNotLike() throws {
        let ilike = BoundExpression.like(text("Hello"), pattern: text("h%O"), caseInsensitive: true, negated: false, escape: nil)
        #expect(try ExpressionEvaluator.evaluateConstant(ilike) == .boolean(true))
        let notLike = BoundExpression.like(text("Hello"), pattern: text("h%"), caseInsensitive: false, negated: true, escape: nil)
        #expect(try ExpressionEvaluator.evaluateConstant(notLike) == .boolean(true))
    }

    @Test func likeOverDictionaryAndNulls() throws {
        let chunk = DataChunk(columns: [dictionaryVector(["apple", nil, "banana", "apricot"])], count: 4)
        let expression = BoundExpression.like(column(0, .varchar), pattern: text("ap%"), caseInsensitive: false, negated: false, escape: 0x5C)
        #expect(try ExpressionEvaluator.select(expression, on: chunk) == [0, 3])
    }

    @Test func patternEndingInEscapeIsRejected() throws {
        let expression = BoundExpression.like(text("a"), pattern: text("a\\"), caseInsensitive: false, negated: false, escape: 0x5C)
        let error = #expect(throws: TeleError.self) { try ExpressionEvaluator.evaluateConstant(expression) }
        #expect(error?.state.code == "22025")
    }

    @Test func regexOperators() throws {
        #expect(try evaluateCall("~", text("abc123"), text("[0-9]+$")) == .boolean(true))
        #expect(try evaluateCall("~*", text("ABC"), text("^abc")) == .boolean(true))
        #expect(try evaluateCall("!~", text("ABC"), text("^abc")) == .boolean(true))
        let error = #expect(throws: TeleError.self) { try evaluateCall("~", text("a"), text("(")) }
        #expect(error?.state.code == "2201B")
    }
}
