// Functions that accept many types: greatest, least, nullif and typeof.

import TeleCore

extension ScalarFunctionRegistry {
    static func registerGenericFunctions(into catalog: inout [String: [FunctionOverload]]) {
        for type in orderableTypes {
            for (name, wantLarger) in [("greatest", true), ("least", false)] {
                catalog[name, default: []].append(
                    FunctionOverload(parameters: [type], isVariadic: true, returnType: type) { arguments, count in
                        // NULL arguments are ignored; the result is NULL only when all are NULL.
                        try rowKernel(arguments, count: count, returnType: type, strict: false) { values in
                            var best = Value.null
                            for value in values where !value.isNull {
                                if best.isNull {
                                    best = value
                                } else if let order = ValueOrder.compare(value, best), wantLarger ? order > 0 : order < 0 {
                                    best = value
                                }
                            }
                            return best
                        }
                    })
            }
            catalog["nullif", default: []].append(
                FunctionOverload(parameters: [type, type], returnType: type) { arguments, count in
                    try rowKernel(arguments, count: count, returnType: type, strict: false) { values in
                        if values[0].isNull || values[1].isNull { return values[0] }
                        return ValueOrder.compare(values[0], values[1]) == 0 ? .null : values[0]
                    }
                })
        }
        // NULL converts to every type at cost 0 and the first overload of equal cost wins,
        // so the NULL overload comes first: typeof(NULL) is NULL, not the first type listed.
        let typeofTypes = [DataType.null] + DataType.allCases.filter { $0 != .null }
        for type in typeofTypes {
            catalog["typeof", default: []].append(
                FunctionOverload(parameters: [type], returnType: .varchar) { _, count in
                    Vector.constant(.string(type.sqlName), type: .varchar, count: count)
                })
        }
    }
}
