// Numeric functions: abs, ceil, floor, round, trunc, sqrt, power, exp, ln, log, log10, mod,
// sign, pi, random, with PostgreSQL's errors for square roots and logarithms of negative
// numbers.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ScalarFunctionRegistry {
    static func registerMathFunctions(into catalog: inout [String: [FunctionOverload]]) {
        // abs keeps the argument's type; abs of the smallest integer overflows.
        for type in numericTypes {
            catalog["abs", default: []].append(
                FunctionOverload(parameters: [type], returnType: type) { arguments, count in
                    try rowKernel(arguments, count: count, returnType: type) { values in
                        if type.isFloating { return .double(abs(values[0].doubleValue)) }
                        let value = values[0].int64Value
                        if value == integerRange(type).lowerBound { throw outOfRangeError(type) }
                        return .integer(abs(value))
                    }
                })
        }
        let roundingFunctions: [(String, FloatingPointRoundingRule)] = [
            ("ceil", .up), ("floor", .down), ("round", .toNearestOrAwayFromZero), ("trunc", .towardZero),
        ]
        for (name, rule) in roundingFunctions {
            catalog[name] = [
                unaryDouble { $0.rounded(rule) },
                FunctionOverload(parameters: [.double, .bigint], returnType: .double) { arguments, count in
                    try rowKernel(arguments, count: count, returnType: .double) { values in
                        let scale = pow(10.0, Double(values[1].int64Value))
                        return .double((values[0].doubleValue * scale).rounded(rule) / scale)
                    }
                },
            ]
        }
        catalog["sqrt"] = [
            unaryDouble(checked: { value in
                if value < 0 {
                    throw TeleError(
                        SQLState("2201F"), "cannot take square root of a negative number",
                        hint: "Apply abs() first or filter out negative values.")
                }
            }) { $0.squareRoot() }
        ]
        catalog["exp"] = [unaryDouble { exp($0) }]
        catalog["ln"] = [unaryDouble(checked: checkLogarithm) { log($0) }]
        catalog["log10"] = [unaryDouble(checked: checkLogarithm) { log10($0) }]
        catalog["log"] = [
            unaryDouble(checked: checkLogarithm) { log10($0) },
            binaryDouble { base, value in
                try checkLogarithm(base)
                try checkLogarithm(value)
                if base == 1 { throw divisionByZeroError() }
                return log(value) / log(base)
            },
        ]
        catalog["power"] = [
            binaryDouble { base, exponent in
                if base == 0 && exponent < 0 {
                    throw TeleError(
                        SQLState("2201F"), "zero raised to a negative power is undefined",
                        hint: "Use a positive exponent or a non-zero base.")
                }
                if base < 0 && exponent != exponent.rounded() {
                    throw TeleError(
                        SQLState("2201F"), "a negative number raised to a non-integer power yields a complex result",
                        hint: "Use an integer exponent or a non-negative base.")
                }
                return pow(base, exponent)
            }
        ]
        catalog["sign"] = [unaryDouble { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }]
        for type in numericTypes {
            catalog["mod", default: []].append(
                FunctionOverload(parameters: [type, type], returnType: type) { arguments, count in
                    type.isInteger
                        ? try integerArithmetic(.modulo, type: type, arguments, count: count)
                        : try floatingArithmetic(.modulo, type: type, arguments, count: count)
                })
        }
        catalog["pi"] = [
            FunctionOverload(parameters: [], returnType: .double) { _, count in
                Vector.constant(.double(Double.pi), type: .double, count: count)
            }
        ]
        catalog["random"] = [
            FunctionOverload(parameters: [], returnType: .double, isDeterministic: false) { _, count in
                Vector.double((0..<count).map { _ in Double.random(in: 0..<1) })
            }
        ]
    }

    static func checkLogarithm(_ value: Double) throws {
        if value == 0 {
            throw TeleError(SQLState("2201E"), "cannot take logarithm of zero", hint: "Filter out zero values first.")
        }
        if value < 0 {
            throw TeleError(
                SQLState("2201E"), "cannot take logarithm of a negative number",
                hint: "Apply abs() first or filter out negative values.")
        }
    }

    /// A DOUBLE -> DOUBLE function with an optional per-value check that may throw.
    static func unaryDouble(
        checked: (@Sendable (Double) throws -> Void)? = nil, _ body: @escaping @Sendable (Double) -> Double
    ) -> FunctionOverload {
        FunctionOverload(parameters: [.double], returnType: .double) { arguments, count in
            let input = arguments[0]
            if let checked {
                for row in 0..<count where !input.isNull(row) { try checked(input.value(at: row).doubleValue) }
            }
            guard let values = mapUnary(input.doubleOperand, count: count, body) else {
                return nullVector(.double, count: count)
            }
            return Vector(type: .double, storage: .double(values), validity: input.kernelValidity, count: count)
        }
    }

    static func binaryDouble(_ body: @escaping @Sendable (Double, Double) throws -> Double) -> FunctionOverload {
        FunctionOverload(parameters: [.double, .double], returnType: .double) { arguments, count in
            try rowKernel(arguments, count: count, returnType: .double) { values in
                .double(try body(values[0].doubleValue, values[1].doubleValue))
            }
        }
    }
}
