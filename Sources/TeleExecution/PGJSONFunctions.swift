// json_build_object(key, value, ...) and json_build_array(value, ...), which SQLAlchemy's
// column reflection calls. The result is JSON text: numbers and booleans unquoted, NULL as
// null, and every other value as a JSON string of its text form.

import TeleCore

public enum PGJSONFunctions {
    /// Makes json_build_object or json_build_array for arguments of these types.
    ///
    /// - Throws: `TeleError` 22023 when json_build_object gets an odd number of arguments.
    public static func builder(name: String, argumentTypes: [DataType]) throws -> ScalarFunction {
        let isObject = name == "json_build_object"
        if isObject && argumentTypes.count % 2 != 0 {
            throw TeleError(
                SQLState("22023"), "argument list must have even number of elements",
                hint: "json_build_object takes alternating keys and values.")
        }
        return ScalarFunction(name: name, argumentTypes: argumentTypes, returnType: .varchar) { arguments, count in
            try rowKernel(arguments, count: count, returnType: .varchar, strict: false) { values in
                let parts = values.map(json)
                guard isObject else { return .string("[" + parts.joined(separator: ", ") + "]") }
                var members: [String] = []
                for index in stride(from: 0, to: values.count, by: 2) {
                    let key = values[index].isNull ? "null" : quoted(values[index].text ?? "")
                    members.append(key + " : " + parts[index + 1])
                }
                return .string("{" + members.joined(separator: ", ") + "}")
            }
        }
    }

    /// Writes one value as JSON.
    static func json(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .double(let number) where number.isFinite: return value.text ?? String(number)
        default: return quoted(value.text ?? "")
        }
    }

    /// Writes a JSON string literal, escaping quotes, backslashes and control characters.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Set-returning functions written in a select list, which TeleDB does not expand into rows.
public enum PGSelectListSetFunctions {
    /// Makes a function that accepts a call such as `SELECT unnest(indkey) FROM pg_index` so
    /// that the query binds, returns NULL for a NULL argument, and fails with 0A000 for any
    /// other row. Catalog tables that such queries read are empty, so no row reaches it there.
    public static func rejecting(name: String, argumentTypes: [DataType], returnType: DataType) -> ScalarFunction {
        ScalarFunction(name: name, argumentTypes: argumentTypes, returnType: returnType) { arguments, count in
            try rowKernel(arguments, count: count, returnType: returnType) { _ in
                throw TeleError(
                    .featureNotSupported, "set-returning function \(name) is not supported in a select list",
                    hint: "Call it in FROM instead, such as SELECT x FROM \(name)(...) AS x.")
            }
        }
    }
}
