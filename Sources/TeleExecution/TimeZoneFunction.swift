// `ts AT TIME ZONE zone`, which the parser turns into timezone(zone, ts).
//
// TeleDB keeps every timestamp in UTC and has one timestamp type, so only a zone whose
// offset is zero leaves the meaning clear: the result is the same timestamp. For other
// zones PostgreSQL converts in opposite directions for `timestamp` and `timestamptz`
// input. TeleDB cannot tell the two apart, so it raises an error instead of guessing.

import Foundation
import TeleCore

extension ScalarFunctionRegistry {
    static func registerTimeZoneFunction(into catalog: inout [String: [FunctionOverload]]) {
        catalog["timezone"] = [
            FunctionOverload(parameters: [.varchar, .timestamp], returnType: .timestamp) { arguments, count in
                try TimeZoneNames.requireUTC(arguments[0], count: count)
                return arguments[1]
            }
        ]
    }
}

enum TimeZoneNames {
    /// Names that PostgreSQL 15 resolves to UTC, lower-cased (zone names ignore case).
    static let utcNames: Set<String> = [
        "utc", "etc/utc", "uct", "etc/uct", "gmt", "etc/gmt", "gmt0", "etc/gmt0", "gmt+0", "gmt-0",
        "etc/gmt+0", "etc/gmt-0", "z", "zulu", "etc/zulu", "universal", "etc/universal", "greenwich",
        "etc/greenwich", "utc0",
    ]

    /// Checks that every non-NULL zone of `zones` is UTC or a zero offset.
    ///
    /// - Throws: `TeleError` 22023 naming the first other zone.
    static func requireUTC(_ zones: Vector, count: Int) throws {
        if case .constant(let value) = zones.storage {
            if case .string(let zone) = value { try requireUTC(zone) }
            return
        }
        // A zone that changes per row is rare, so boxing each row's text is acceptable here.
        for row in 0..<count where !zones.isNull(row) {
            if case .string(let zone) = zones.value(at: row) { try requireUTC(zone) }
        }
    }

    static func requireUTC(_ zone: String) throws {
        let name = zone.trimmingCharacters(in: .whitespaces).lowercased()
        if utcNames.contains(name) || offsetSeconds(name) == 0 { return }
        throw TeleError(
            .invalidParameterValue, "time zone \"\(zone)\" is not supported",
            hint: "TeleDB keeps timestamps in UTC and accepts only AT TIME ZONE 'UTC'; add or subtract an INTERVAL to shift them.")
    }

    /// Parses a numeric offset such as `+02:00`, `-0530` or `+2`, returning its seconds.
    static func offsetSeconds(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let parts = text.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        var fields: [Int] = []
        if parts.count == 1, let digits = parts.first, digits.count == 4, digits.allSatisfy(\.isNumber) {
            // The compact form +HHMM.
            fields = [Int(digits.prefix(2)) ?? 0, Int(digits.suffix(2)) ?? 0]
        } else {
            for part in parts {
                guard !part.isEmpty, part.count <= 2, part.allSatisfy(\.isNumber), let value = Int(part) else {
                    return nil
                }
                fields.append(value)
            }
        }
        guard (1...3).contains(fields.count), fields[0] <= 15, fields.dropFirst().allSatisfy({ $0 < 60 }) else {
            return nil
        }
        let seconds = fields.enumerated().reduce(0) { total, field in total + field.element * [3600, 60, 1][field.offset] }
        return sign == "-" ? -seconds : seconds
    }
}
