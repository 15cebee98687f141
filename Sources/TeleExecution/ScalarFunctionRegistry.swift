// Resolution of scalar functions and operators by name and argument types.
//
// Every function is a list of overloads. Resolution follows PostgreSQL's approach in a
// reduced form. NULL-typed arguments first take the type of the first typed argument. Then
// the overload that needs the cheapest implicit casts wins: an exact match costs nothing,
// SMALLINT to INTEGER costs 1, INTEGER to DOUBLE 3 and so on. The first listed overload
// wins a tie.

import TeleCore

/// One signature of a scalar function with its kernel.
struct FunctionOverload: Sendable {
    var parameters: [DataType]
    /// When true, the last parameter may repeat any number of times (including zero).
    var isVariadic = false
    var returnType: DataType
    var isDeterministic = true
    var kernel: @Sendable ([Vector], Int) throws -> Vector

    /// Returns the parameter types for `count` arguments, or nil when the arity does not fit.
    func parameters(forCount count: Int) -> [DataType]? {
        if !isVariadic { return count == parameters.count ? parameters : nil }
        let fixed = parameters.count - 1
        guard count >= fixed, let last = parameters.last else { return nil }
        return Array(parameters.prefix(fixed)) + Array(repeating: last, count: count - fixed)
    }

    var signature: String {
        var names = parameters.map { $0.sqlName.lowercased() }
        if isVariadic, let last = names.popLast() { names.append("\(last)...") }
        return names.joined(separator: ", ")
    }
}

public enum ScalarFunctionRegistry {
    /// Resolves a function or operator by name for argument types.
    ///
    /// - Returns: the function and the types each argument must be cast to first.
    /// - Throws: `TeleError` 42883 with a hint listing the candidates when no overload fits.
    public static func resolve(name: String, argumentTypes: [DataType]) throws
        -> (function: ScalarFunction, argumentTypes: [DataType])
    {
        let key = canonicalName(name)
        guard let overloads = catalog[key] else {
            var hint = "No function matches the name."
            if let nearest = nearestName(to: key, among: functionNames) { hint = "Perhaps you meant \(nearest)()." }
            throw TeleError(.undefinedFunction, "function \(name)(\(typeList(argumentTypes))) does not exist", hint: hint)
        }

        // NULL arguments take the type of the first typed argument ("NULL + 1" is integer).
        let typed = argumentTypes.first { $0 != .null }
        var wanted = argumentTypes
        if let typed, !isTypeFree(key) {
            wanted = argumentTypes.map { $0 == .null ? typed : $0 }
        }
        // `text || any` and concat(any, ...) take every argument as text.
        if (key == "||" && wanted.contains(.varchar)) || key == "concat" || key == "concat_ws" {
            wanted = wanted.map { _ in .varchar }
        }

        var best: (overload: FunctionOverload, parameters: [DataType], cost: Int)?
        for overload in overloads {
            guard let parameters = overload.parameters(forCount: wanted.count) else { continue }
            var cost = 0
            var fits = true
            for (argument, parameter) in zip(wanted, parameters) {
                guard let step = Cast.implicitCost(from: argument, to: parameter) else {
                    fits = false
                    break
                }
                cost += step
            }
            if fits, cost < (best?.cost ?? Int.max) { best = (overload, parameters, cost) }
        }
        guard let best else {
            let candidates = overloads.map { "\(key)(\($0.signature))" }.joined(separator: ", ")
            let message = isOperator(key)
                ? "operator does not exist: \(operatorText(key, argumentTypes))"
                : "function \(key)(\(typeList(argumentTypes))) does not exist"
            throw TeleError(
                .undefinedFunction, message,
                hint: "Candidates: \(candidates). Add explicit casts to match one of them.")
        }
        let function = ScalarFunction(
            name: key, argumentTypes: best.parameters, returnType: best.overload.returnType,
            isDeterministic: best.overload.isDeterministic, kernel: best.overload.kernel)
        return (function, best.parameters)
    }

    /// Every function name, sorted, for tab completion.
    public static var functionNames: [String] {
        catalog.keys.filter { !isOperator($0) }.sorted()
    }

    public static func isScalarFunction(_ name: String) -> Bool {
        let key = canonicalName(name)
        return catalog[key] != nil && !isOperator(key)
    }

    static func canonicalName(_ name: String) -> String {
        let lower = name.lowercased()
        return aliases[lower] ?? lower
    }

    static let aliases: [String: String] = [
        "ceiling": "ceil", "pow": "power", "char_length": "length", "character_length": "length",
        "substring": "substr", "current_timestamp": "now", "localtimestamp": "now", "extract": "date_part", "datepart": "date_part",
        "!=": "<>",
    ]

    static func isOperator(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { !CharacterSetLetters.contains($0) } || name == "negate"
    }

    /// Functions whose NULL arguments keep the NULL type (their overloads accept any type).
    static func isTypeFree(_ name: String) -> Bool { name == "typeof" }

    static func typeList(_ types: [DataType]) -> String {
        types.map { $0.sqlName.lowercased() }.joined(separator: ", ")
    }

    static func operatorText(_ name: String, _ types: [DataType]) -> String {
        if types.count == 1 { return "\(name == "negate" ? "-" : name) \(types[0].sqlName.lowercased())" }
        return types.map { $0.sqlName.lowercased() }.joined(separator: " \(name) ")
    }

    /// Every overload by canonical name.
    static let catalog: [String: [FunctionOverload]] = {
        var catalog: [String: [FunctionOverload]] = [:]
        registerOperators(into: &catalog)
        registerMathFunctions(into: &catalog)
        registerStringFunctions(into: &catalog)
        registerDateFunctions(into: &catalog)
        registerTimeZoneFunction(into: &catalog)
        registerGenericFunctions(into: &catalog)
        registerSamplingFunctions(into: &catalog)
        registerHistogramFunctions(into: &catalog)
        registerArrayTextFunctions(into: &catalog)
        return catalog
    }()
}

private enum CharacterSetLetters {
    static func contains(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }
}
