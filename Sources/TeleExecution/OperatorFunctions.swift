// The overloads of SQL's operators: arithmetic, comparison, concatenation, regular
// expression matching and unary minus.

import TeleCore

/// Types that have comparison operators, in the order resolution prefers them.
let orderableTypes: [DataType] = [
    .boolean, .smallint, .integer, .bigint, .real, .double, .varchar, .date, .timestamp, .interval, .histogram,
]
let numericTypes: [DataType] = [.smallint, .integer, .bigint, .real, .double]

extension ScalarFunctionRegistry {
    static func registerOperators(into catalog: inout [String: [FunctionOverload]]) {
        let arithmetic: [(String, ArithmeticOperator)] = [
            ("+", .add), ("-", .subtract), ("*", .multiply), ("/", .divide), ("%", .modulo),
        ]
        for (symbol, operation) in arithmetic {
            for type in numericTypes {
                catalog[symbol, default: []].append(
                    FunctionOverload(parameters: [type, type], returnType: type) { arguments, count in
                        if type.isInteger { return try integerArithmetic(operation, type: type, arguments, count: count) }
                        return try floatingArithmetic(operation, type: type, arguments, count: count)
                    })
            }
        }
        registerTemporalOperators(into: &catalog)

        for type in numericTypes + [.interval] {
            catalog["negate", default: []].append(
                FunctionOverload(parameters: [type], returnType: type) { arguments, count in
                    if type == .interval { return try negateInterval(arguments[0], count: count) }
                    return try negate(type: type, arguments, count: count)
                })
        }

        for operation in ComparisonOperator.allCases {
            for type in orderableTypes {
                catalog[operation.symbol, default: []].append(
                    FunctionOverload(parameters: [type, type], returnType: .boolean) { arguments, count in
                        compareVectors(operation, arguments, count: count)
                    })
            }
        }

        catalog["||"] = [
            FunctionOverload(parameters: [.varchar, .varchar], returnType: .varchar) { arguments, count in
                try stringKernel(arguments, count: count) { values in .string(values[0] + values[1]) }
            }
        ]

        let regexOperators: [(String, Bool, Bool)] = [
            ("~", false, false), ("~*", true, false), ("!~", false, true), ("!~*", true, true),
        ]
        for (symbol, caseInsensitive, negated) in regexOperators {
            catalog[symbol] = [
                FunctionOverload(parameters: [.varchar, .varchar], returnType: .boolean) { arguments, count in
                    try regexMatch(arguments, count: count, caseInsensitive: caseInsensitive, negated: negated)
                }
            ]
        }
    }
}
