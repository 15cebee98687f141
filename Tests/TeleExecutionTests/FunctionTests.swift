// Scalar functions and casts, table-driven, with their NULL behaviour and errors.

import TeleCore
import Testing

@testable import TeleExecution

@Suite struct ScalarFunctionTests {
    static func double(_ value: Double) -> BoundExpression { .constant(.double(value), type: .double) }

    @Test func mathFunctions() throws {
        let d = Self.double
        #expect(try evaluateCall("abs", int(-5)) == .integer(5))
        #expect(try evaluateCall("abs", d(-2.5)) == .double(2.5))
        #expect(try evaluateCall("ceil", d(1.2)) == .double(2))
        #expect(try evaluateCall("ceiling", d(-1.2)) == .double(-1))
        #expect(try evaluateCall("floor", d(-1.2)) == .double(-2))
        #expect(try evaluateCall("round", d(2.5)) == .double(3))
        #expect(try evaluateCall("round", d(-2.5)) == .double(-3))
        #expect(try evaluateCall("round", d(3.14159), constant(.integer(2), .integer)) == .double(3.14))
        #expect(try evaluateCall("trunc", d(-2.7)) == .double(-2))
        #expect(try evaluateCall("sqrt", d(16)) == .double(4))
        #expect(try evaluateCall("power", d(2), d(10)) == .double(1024))
        #expect(try evaluateCall("pow", int(2), int(3)) == .double(8))
        #expect(try evaluateCall("exp", d(0)) == .double(1))
        #expect(try evaluateCall("ln", d(1)) == .double(0))
        #expect(try evaluateCall("log", d(1000)) == .double(3))
        #expect(try evaluateCall("log10", d(100)) == .double(2))
        #expect(try evaluateCall("log", d(2), d(8)) == .double(3))
        #expect(try evaluateCall("mod", int(7), int(3)) == .integer(1))
        #expect(try evaluateCall("sign", d(-3)) == .double(-1))
        #expect(try evaluateCall("pi") == .double(Double.pi))
        #expect(try evaluateCall("greatest", int(1), int(5), constant(.null, .bigint)) == .integer(5))
        #expect(try evaluateCall("least", int(3), int(2)) == .integer(2))
        #expect(try evaluateCall("nullif", int(3), int(3)) == .null)
        #expect(try evaluateCall("nullif", int(3), int(4)) == .integer(3))
    }

    @Test func mathErrors() throws {
        let d = Self.double
        let sqrt = #expect(throws: TeleError.self) { try evaluateCall("sqrt", d(-1)) }
        #expect(sqrt?.state.code == "2201F")
        let ln = #expect(throws: TeleError.self) { try evaluateCall("ln", d(0)) }
        #expect(ln?.state.code == "2201E")
        let abs = #expect(throws: TeleError.self) { try evaluateCall("abs", int(.min)) }
        #expect(abs?.state == .numericValueOutOfRange)
    }

    @Test func randomIsNotDeterministic() throws {
        let (function, _) = try ScalarFunctionRegistry.resolve(name: "random", argumentTypes: [])
        #expect(!function.isDeterministic)
        guard case .double(let value) = try evaluateCall("random") else {
            Issue.record("random() did not return a double")
            return
        }
        #expect(value >= 0)
        #expect(value < 1)
    }

    @Test func stringFunctions() throws {
        let i = { (value: Int64) in BoundExpression.constant(.integer(value), type: .integer) }
        #expect(try evaluateCall("length", text("héllo")) == .integer(5))
        #expect(try evaluateCall("char_length", text("")) == .integer(0))
        #expect(try evaluateCall("lower", text("AbC")) == .string("abc"))
        #expect(try evaluateCall("upper", text("AbC")) == .string("ABC"))
        #expect(try evaluateCall("trim", text("  x  ")) == .string("x"))
        #expect(try evaluateCall("ltrim", text("  x  ")) == .string("x  "))
        #expect(try evaluateCall("rtrim", text("xxaxx"), text("x")) == .string("xxa"))
        #expect(try evaluateCall("substr", text("hello"), int(2), int(3)) == .string("ell"))
        #expect(try evaluateCall("substring", text("hello"), int(0), int(2)) == .string("h"))
        #expect(try evaluateCall("substr", text("hello"), int(3)) == .string("llo"))
        #expect(try evaluateCall("left", text("hello"), i(2)) == .string("he"))
        #expect(try evaluateCall("left", text("hello"), i(-2)) == .string("hel"))
        #expect(try evaluateCall("right", text("hello"), i(2)) == .string("lo"))
        #expect(try evaluateCall("replace", text("abcabc"), text("b"), text("XY")) == .string("aXYcaXYc"))
        #expect(try evaluateCall("concat", text("a"), constant(.null, .varchar), text("b")) == .string("ab"))
        #expect(try evaluateCall("concat_ws", text("-"), text("a"), constant(.null, .varchar), text("b")) == .string("a-b"))
        #expect(try evaluateCall("strpos", text("hello"), text("ll")) == .integer(3))
        #expect(try evaluateCall("position", text("ll"), text("hello")) == .integer(3))
        #expect(try evaluateCall("position", text("z"), text("hello")) == .integer(0))
        #expect(try evaluateCall("starts_with", text("hello"), text("he")) == .boolean(true))
        #expect(try evaluateCall("reverse", text("abc")) == .string("cba"))
        #expect(try evaluateCall("repeat", text("ab"), i(3)) == .string("ababab"))
        #expect(try evaluateCall("lpad", text("7"), i(3), text("0")) == .string("007"))
        #expect(try evaluateCall("rpad", text("ab"), i(5)) == .string("ab   "))
        #expect(try evaluateCall("lpad", text("hello"), i(2)) == .string("he"))
        #expect(try evaluateCall("split_part", text("a,b,c"), text(","), i(2)) == .string("b"))
        #expect(try evaluateCall("split_part", text("a,b,c"), text(","), i(5)) == .string(""))
        #expect(try evaluateCall("||", text("a"), int(1)) == .string("a1"))
        #expect(try evaluateCall("lower", constant(.null, .varchar)) == .null)
    }

    @Test func functionsOverDictionaryVectors() throws {
        let chunk = DataChunk(columns: [dictionaryVector(["Ab", nil, "cD", "Ab"])], count: 4)
        let x = column(0, .varchar)
        let lower = try ExpressionEvaluator.evaluate(try call("lower", x), on: chunk)
        guard case .dictionary = lower.storage else {
            Issue.record("lower() over a dictionary vector should stay a dictionary vector")
            return
        }
        #expect((0..<4).map { lower.value(at: $0) } == [.string("ab"), .null, .string("cd"), .string("ab")])
        let length = try ExpressionEvaluator.evaluate(try call("length", x), on: chunk)
        #expect((0..<4).map { length.value(at: $0) } == [.integer(2), .null, .integer(2), .integer(2)])
        let concat = try ExpressionEvaluator.evaluate(try call("concat", x, text("!")), on: chunk)
        #expect((0..<4).map { concat.value(at: $0) } == [.string("Ab!"), .string("!"), .string("cD!"), .string("Ab!")])
        let nullif = try ExpressionEvaluator.evaluate(try call("nullif", x, text("Ab")), on: chunk)
        #expect((0..<4).map { nullif.value(at: $0) } == [.null, .null, .string("cD"), .null])
    }

    @Test func rowKernelsHandleLongVectorsWithNulls() throws {
        // Sort keys and join keys are evaluated over whole inputs, far beyond one chunk.
        let values: [Value] = (0..<5000).map { $0 % 3 == 0 ? .null : .string("Row\($0)") }
        let chunk = DataChunk(columns: [makeVector(.varchar, values)], count: values.count)
        let lower = try ExpressionEvaluator.evaluate(try call("lower", column(0, .varchar)), on: chunk)
        #expect(lower.count == 5000)
        #expect(lower.value(at: 4998) == .null)
        #expect(lower.value(at: 4999) == .string("row4999"))
        let nulls = BoundExpression.constant(.null, type: .varchar)
        let coalesced = try ExpressionEvaluator.evaluate(.coalesce([column(0, .varchar), nulls], type: .varchar), on: chunk)
        #expect(coalesced.value(at: 3000) == .null)
        #expect(coalesced.value(at: 3001) == .string("Row3001"))
        let sort = SortOperator(child: ChunkSource(types: [.varchar], chunks: [chunk]),
                                keys: [SortKey(expression: try call("upper", column(0, .varchar)), ascending: true, nullsFirst: true)])
        let sorted = try rows(of: sort)
        #expect(sorted.count == 5000)
        #expect(sorted.first == [.null])
        // Bytewise, "ROW998" sorts last; row 999 is NULL.
        #expect(sorted.last == [.string("Row998")])
    }

    @Test func dateTruncOverTimestampVector() throws {
        let base = try #require(DateTime.parseTimestamp("2024-05-17 10:11:12"))
        let chunk = makeChunk(types: [.timestamp], rows: [[.timestamp(base)], [.null], [.timestamp(base + 86_400_000_000)]])
        let truncated = try ExpressionEvaluator.evaluate(try call("date_trunc", text("day"), column(0, .timestamp)), on: chunk)
        #expect((0..<3).map { truncated.value(at: $0).text } == ["2024-05-17 00:00:00", nil, "2024-05-18 00:00:00"])
        let hours = try ExpressionEvaluator.evaluate(try call("date_part", text("hour"), column(0, .timestamp)), on: chunk)
        #expect((0..<3).map { hours.value(at: $0) } == [.double(10), .null, .double(10)])
        let error = #expect(throws: TeleError.self) {
            try ExpressionEvaluator.evaluate(try call("date_trunc", text("fortnight"), column(0, .timestamp)), on: chunk)
        }
        #expect(error?.state == .invalidParameterValue)
    }

    @Test func extremeArgumentsRaiseInsteadOfTrapping() throws {
        #expect(try evaluateCall("left", text("abc"), int(.min)) == .string(""))
        #expect(try evaluateCall("right", text("abc"), int(.max)) == .string("abc"))
        #expect(try evaluateCall("split_part", text("a,b"), text(","), int(.min)) == .string(""))
        #expect(try evaluateCall("split_part", text("a,b"), text(","), int(-1)) == .string("b"))
        let repeated = #expect(throws: TeleError.self) { try evaluateCall("repeat", text("ab"), int(.max)) }
        #expect(repeated?.state == .programLimitExceeded)
        let date = #expect(throws: TeleError.self) { try evaluateCall("+", constant(.date(0), .date), int(.max)) }
        #expect(date?.state == .datetimeFieldOverflow)
        let makeDate = #expect(throws: TeleError.self) { try evaluateCall("make_date", int(.min), int(1), int(1)) }
        #expect(makeDate?.state == .datetimeFieldOverflow)
        let interval = #expect(throws: TeleError.self) {
            try Cast.cast(makeVector(.varchar, [.string("99999999999999999999 years")]), to: .interval)
        }
        #expect(interval?.state == .invalidDatetimeFormat)
        let clock = #expect(throws: TeleError.self) {
            try Cast.cast(makeVector(.varchar, [.string("--9223372036854775808:00")]), to: .interval)
        }
        #expect(clock?.state == .invalidDatetimeFormat)
        let scaled = #expect(throws: TeleError.self) {
            try evaluateCall("*", constant(.interval(Interval(months: 1)), .interval), constant(.double(1e300), .double))
        }
        #expect(scaled?.state == .datetimeFieldOverflow)
        #expect(try evaluateCall("concat", int(1), text("a")) == .string("1a"))
    }

    @Test func md5MatchesKnownDigests() throws {
        #expect(try evaluateCall("md5", text("")) == .string("d41d8cd98f00b204e9800998ecf8427e"))
        #expect(try evaluateCall("md5", text("abc")) == .string("900150983cd24fb0d6963f7d28e17f72"))
        let long = String(repeating: "1234567890", count: 8)
        #expect(try evaluateCall("md5", text(long)) == .string("57edf4a22be3c955ac49da2e2107b67a"))
    }

    @Test func dateFunctions() throws {
        let timestamp = constant(.timestamp(try #require(DateTime.parseTimestamp("2024-03-15 13:45:30.5"))), .timestamp)
        let date = constant(.date(try #require(DateTime.parseDate("2024-02-29"))), .date)
        #expect(try evaluateCall("date_trunc", text("month"), timestamp).text == "2024-03-01 00:00:00")
        #expect(try evaluateCall("date_trunc", text("hour"), timestamp).text == "2024-03-15 13:00:00")
        #expect(try evaluateCall("date_trunc", text("week"), timestamp).text == "2024-03-11 00:00:00")
        #expect(try evaluateCall("date_trunc", text("quarter"), date).text == "2024-01-01 00:00:00")
        #expect(try evaluateCall("date_part", text("year"), timestamp) == .double(2024))
        #expect(try evaluateCall("date_part", text("quarter"), timestamp) == .double(1))
        #expect(try evaluateCall("date_part", text("dow"), timestamp) == .double(5))
        #expect(try evaluateCall("date_part", text("doy"), date) == .double(60))
        #expect(try evaluateCall("date_part", text("week"), date) == .double(9))
        #expect(try evaluateCall("date_part", text("second"), timestamp) == .double(30.5))
        #expect(try evaluateCall("extract", text("minute"), timestamp) == .double(45))
        #expect(try evaluateCall("date_part", text("epoch"), constant(.timestamp(1_500_000), .timestamp)) == .double(1.5))
        #expect(try evaluateCall("+", date, constant(.integer(1), .integer)).text == "2024-03-01")
        #expect(try evaluateCall("-", constant(.date(10), .date), constant(.date(3), .date)) == .integer(7))
        let month = constant(.interval(Interval(months: 1)), .interval)
        let january31 = constant(.timestamp(try #require(DateTime.parseTimestamp("2023-01-31"))), .timestamp)
        #expect(try evaluateCall("+", january31, month).text == "2023-02-28 00:00:00")
        #expect(try evaluateCall("-", timestamp, january31).text == "409 days 13:45:30.5")
        #expect(try evaluateCall("to_timestamp", Self.double(86400)).text == "1970-01-02 00:00:00")
        #expect(try evaluateCall("epoch_ms", int(1000)).text == "1970-01-01 00:00:01")
        #expect(try evaluateCall("make_date", constant(.integer(2024), .integer), constant(.integer(2), .integer),
            constant(.integer(29), .integer)).text == "2024-02-29")
        #expect(try evaluateCall("age", constant(.timestamp(try #require(DateTime.parseTimestamp("2024-03-01"))), .timestamp),
            constant(.timestamp(try #require(DateTime.parseTimestamp("2023-01-15"))), .timestamp)).text == "1 year 1 mon 17 days")
        #expect(try evaluateCall("typeof", date) == .string("DATE"))
        let badUnit = #expect(throws: TeleError.self) { try evaluateCall("date_trunc", text("fortnight"), timestamp) }
        #expect(badUnit?.state == .invalidParameterValue)
        let badDate = #expect(throws: TeleError.self) {
            try evaluateCall("make_date", constant(.integer(2023), .integer), constant(.integer(2), .integer), constant(.integer(29), .integer))
        }
        #expect(badDate?.state == .datetimeFieldOverflow)
    }

    @Test func nowIsNotDeterministic() throws {
        let (function, _) = try ScalarFunctionRegistry.resolve(name: "now", argumentTypes: [])
        #expect(!function.isDeterministic)
        #expect(function.returnType == .timestamp)
        #expect(ScalarFunctionRegistry.isScalarFunction("current_date"))
        #expect(!ScalarFunctionRegistry.isScalarFunction("+"))
        #expect(ScalarFunctionRegistry.functionNames.contains("md5"))
    }
}

@Suite struct CastTests {
    func cast(_ value: Value, _ from: DataType, _ to: DataType) throws -> Value {
        try Cast.cast(makeVector(from, [value]), to: to).value(at: 0)
    }

    @Test func textToNumbers() throws {
        #expect(try cast(.string(" 42 "), .varchar, .integer) == .integer(42))
        #expect(try cast(.string("-9223372036854775808"), .varchar, .bigint) == .integer(.min))
        #expect(try cast(.string("1.5e3"), .varchar, .double) == .double(1500))
        #expect(try cast(.string("yes"), .varchar, .boolean) == .boolean(true))
        let error = #expect(throws: TeleError.self) { try cast(.string("abc"), .varchar, .integer) }
        #expect(error?.state == .invalidTextRepresentation)
        #expect(error?.message == "invalid input syntax for type integer: \"abc\"")
        let range = #expect(throws: TeleError.self) { try cast(.string("70000"), .varchar, .smallint) }
        #expect(range?.state == .numericValueOutOfRange)
    }

    @Test func doubleToIntegerRoundsHalfAwayFromZero() throws {
        #expect(try cast(.double(2.5), .double, .integer) == .integer(3))
        #expect(try cast(.double(-2.5), .double, .integer) == .integer(-3))
        #expect(try cast(.double(2.4), .double, .bigint) == .integer(2))
        let error = #expect(throws: TeleError.self) { try cast(.double(3e9), .double, .integer) }
        #expect(error?.state == .numericValueOutOfRange)
        let nan = #expect(throws: TeleError.self) { try cast(.double(.nan), .double, .bigint) }
        #expect(nan?.state == .numericValueOutOfRange)
    }

    @Test func temporalCasts() throws {
        #expect(try cast(.string("2024-01-02"), .varchar, .date) == .date(19724))
        #expect(try cast(.date(1), .date, .timestamp) == .timestamp(86_400_000_000))
        #expect(try cast(.timestamp(-1), .timestamp, .date) == .date(-1))
        #expect(try cast(.string("1 day 02:00:00"), .varchar, .interval) == .interval(Interval(days: 1, micros: 7_200_000_000)))
        let error = #expect(throws: TeleError.self) { try cast(.string("2024-13-01"), .varchar, .date) }
        #expect(error?.state == .invalidDatetimeFormat)
    }

    @Test func valuesToText() throws {
        #expect(try cast(.integer(5), .integer, .varchar) == .string("5"))
        #expect(try cast(.double(0.1), .real, .varchar) == .string("0.1"))
        #expect(try cast(.boolean(true), .boolean, .varchar) == .string("true"))
        #expect(try cast(.timestamp(0), .timestamp, .varchar) == .string("1970-01-01 00:00:00"))
        let histogram = Histogram(kind: .linear, low: 1, high: 10, bucketCount: 3, sum: 4, bucketLowerBounds: [1], bucketCounts: [2])
        #expect(try cast(.histogram(histogram), .histogram, .varchar) == .string(histogram.description))
    }

    @Test func booleanAndIntegers() throws {
        #expect(try cast(.boolean(true), .boolean, .integer) == .integer(1))
        #expect(try cast(.integer(0), .integer, .boolean) == .boolean(false))
    }

    @Test func castRules() {
        #expect(Cast.canCast(from: .varchar, to: .timestamp))
        #expect(!Cast.canCast(from: .date, to: .integer))
        #expect(Cast.isImplicit(from: .integer, to: .double))
        #expect(Cast.isImplicit(from: .date, to: .timestamp))
        #expect(Cast.isImplicit(from: .null, to: .histogram))
        #expect(!Cast.isImplicit(from: .double, to: .integer))
        #expect(!Cast.isImplicit(from: .varchar, to: .integer))
    }

    @Test func impossibleCastRaises() throws {
        let error = #expect(throws: TeleError.self) { try cast(.date(1), .date, .integer) }
        #expect(error?.state == .cannotCoerce)
    }
}
