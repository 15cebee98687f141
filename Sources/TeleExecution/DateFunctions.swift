// Date and time functions: now, current_date, date_trunc, date_part (EXTRACT), age,
// to_timestamp, epoch_ms and make_date. Every timestamp is UTC.

import TeleCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ScalarFunctionRegistry {
    static func registerDateFunctions(into catalog: inout [String: [FunctionOverload]]) {
        catalog["now"] = [
            FunctionOverload(parameters: [], returnType: .timestamp, isDeterministic: false) { _, count in
                Vector.constant(.timestamp(currentMicros()), type: .timestamp, count: count)
            }
        ]
        catalog["current_date"] = [
            FunctionOverload(parameters: [], returnType: .date, isDeterministic: false) { _, count in
                Vector.constant(.date(DateTime.floorDiv(currentMicros(), DateTime.microsPerDay)), type: .date, count: count)
            }
        ]
        catalog["date_trunc"] = [.timestamp, .date].map { type in
            FunctionOverload(parameters: [.varchar, type], returnType: .timestamp) { arguments, count in
                if let unit = constantText(arguments[0]) {
                    // The common case: one unit for the whole vector, no boxing per row.
                    _ = try DateFunctions.truncate(0, unit: unit)
                    let scale = type == .date ? DateTime.microsPerDay : 1
                    var failure: (any Error)?
                    let values = mapUnary(arguments[1].int64Operand, count: count) { value in
                        do {
                            return try DateFunctions.truncate(value &* scale, unit: unit)
                        } catch {
                            failure = failure ?? error
                            return 0
                        }
                    }
                    if let failure { throw failure }
                    guard let values else { return nullVector(.timestamp, count: count) }
                    return Vector(type: .timestamp, storage: .int64(values), validity: arguments[1].kernelValidity, count: count)
                }
                return try rowKernel(arguments, count: count, returnType: .timestamp) { values in
                    let micros = type == .date ? values[1].int64Value * DateTime.microsPerDay : values[1].int64Value
                    return .timestamp(try DateFunctions.truncate(micros, unit: values[0].stringValue))
                }
            }
        }
        catalog["date_part"] = [.timestamp, .date, .interval].map { type in
            FunctionOverload(parameters: [.varchar, type], returnType: .double) { arguments, count in
                if type != .interval, let field = constantText(arguments[0]) {
                    _ = try DateFunctions.part(of: 0, field: field)
                    let scale = type == .date ? DateTime.microsPerDay : 1
                    let values = mapUnary(arguments[1].int64Operand, count: count) { value in
                        (try? DateFunctions.part(of: value &* scale, field: field)) ?? 0
                    }
                    guard let values else { return nullVector(.double, count: count) }
                    return Vector(type: .double, storage: .double(values), validity: arguments[1].kernelValidity, count: count)
                }
                return try rowKernel(arguments, count: count, returnType: .double) { values in
                    let field = values[0].stringValue
                    if case .interval(let interval) = values[1] {
                        return .double(try DateFunctions.part(of: interval, field: field))
                    }
                    let micros = type == .date ? values[1].int64Value * DateTime.microsPerDay : values[1].int64Value
                    return .double(try DateFunctions.part(of: micros, field: field))
                }
            }
        }
        catalog["age"] = [
            FunctionOverload(parameters: [.timestamp, .timestamp], returnType: .interval) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .interval) { values in
                    .interval(DateArithmetic.age(values[0].int64Value, values[1].int64Value))
                }
            },
            FunctionOverload(parameters: [.timestamp], returnType: .interval, isDeterministic: false) { arguments, count in
                let midnight = DateTime.floorDiv(currentMicros(), DateTime.microsPerDay) * DateTime.microsPerDay
                return try rowKernel(arguments, count: count, returnType: .interval) { values in
                    .interval(DateArithmetic.age(midnight, values[0].int64Value))
                }
            },
        ]
        catalog["to_timestamp"] = [
            FunctionOverload(parameters: [.double], returnType: .timestamp) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .timestamp) { values in
                    let micros = (values[0].doubleValue * 1_000_000).rounded()
                    guard micros.isFinite, abs(micros) < 9.2e18, DateTime.isValidTimestamp(Int64(micros)) else {
                        throw TeleError(
                            .datetimeFieldOverflow, "timestamp out of range: \"\(values[0].doubleValue)\"",
                            hint: "Pass seconds since 1970-01-01 00:00:00 UTC.")
                    }
                    return .timestamp(Int64(micros))
                }
            }
        ]
        catalog["epoch_ms"] = [
            FunctionOverload(parameters: [.bigint], returnType: .timestamp) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .timestamp) { values in
                    let (micros, overflow) = values[0].int64Value.multipliedReportingOverflow(by: 1000)
                    if overflow || !DateTime.isValidTimestamp(micros) {
                        throw TeleError(.datetimeFieldOverflow, "timestamp out of range: \"\(values[0].int64Value)\"")
                    }
                    return .timestamp(micros)
                }
            },
            FunctionOverload(parameters: [.timestamp], returnType: .bigint) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .bigint) { values in
                    .integer(DateTime.floorDiv(values[0].int64Value, 1000))
                }
            },
        ]
        catalog["make_date"] = [
            FunctionOverload(parameters: [.bigint, .bigint, .bigint], returnType: .date) { arguments, count in
                try rowKernel(arguments, count: count, returnType: .date) { values in
                    let (year, month, day) = (values[0].int64Value, values[1].int64Value, values[2].int64Value)
                    guard (-4713...294_246).contains(year), (1...12).contains(month), day >= 1, year != 0,
                        day <= DateTime.daysInMonth(year: Int(year), month: Int(month))
                    else {
                        throw TeleError(
                            .datetimeFieldOverflow, "date field value out of range: \(year)-\(month)-\(day)",
                            hint: "Months run from 1 to 12 and days from 1 to the month's length.")
                    }
                    return .date(try DateTime.checkedDay(DateTime.days(year: Int(year), month: Int(month), day: Int(day))))
                }
            }
        ]
    }

    /// Returns the text of a constant string vector, or nil for any other vector.
    static func constantText(_ vector: Vector) -> String? {
        if case .constant(.string(let text)) = vector.storage { return text }
        return nil
    }

    /// Returns the statement's start time, so every call in one statement returns the same value.
    static func currentMicros() -> Int64 {
        StatementClock.now()
    }
}

enum DateFunctions {
    static let truncationUnits = [
        "microseconds", "milliseconds", "second", "minute", "hour", "day", "week", "month", "quarter", "year",
        "decade", "century", "millennium",
    ]
    static let fields = [
        "year", "quarter", "month", "week", "day", "dow", "isodow", "doy", "hour", "minute", "second",
        "milliseconds", "microseconds", "epoch", "decade", "century", "millennium", "isoyear",
    ]

    /// Normalizes a unit name: lowercase, plural forms folded ("hours" -> "hour").
    static func unitName(_ unit: String) -> String {
        let lower = unit.lowercased().trimmingSpaces()
        switch lower {
        case "microsecond", "microseconds", "us", "usec": return "microseconds"
        case "millisecond", "milliseconds", "ms", "msec": return "milliseconds"
        case "seconds", "sec", "s": return "second"
        case "minutes", "min": return "minute"
        case "hours", "h": return "hour"
        case "days", "d": return "day"
        case "weeks", "w": return "week"
        case "months", "mon": return "month"
        case "quarters": return "quarter"
        case "years", "y": return "year"
        default: return lower
        }
    }

    static func truncate(_ micros: Int64, unit: String) throws -> Int64 {
        // Truncation moves a valid timestamp back by at most a millennium, so only the range
        // check at the end can fail, never the arithmetic.
        let truncated = try truncateWithinRange(try DateTime.checkedTimestamp(micros), unit: unit)
        return try DateTime.checkedTimestamp(truncated)
    }

    private static func truncateWithinRange(_ micros: Int64, unit: String) throws -> Int64 {
        let days = DateTime.floorDiv(micros, DateTime.microsPerDay)
        let (year, month, _) = DateTime.civil(days: days)
        func startOfYear(_ y: Int) -> Int64 { DateTime.days(year: y, month: 1, day: 1) * DateTime.microsPerDay }
        switch unitName(unit) {
        case "microseconds": return micros
        case "milliseconds": return DateTime.floorDiv(micros, 1000) * 1000
        case "second": return DateTime.floorDiv(micros, 1_000_000) * 1_000_000
        case "minute": return DateTime.floorDiv(micros, 60_000_000) * 60_000_000
        case "hour": return DateTime.floorDiv(micros, 3_600_000_000) * 3_600_000_000
        case "day": return days * DateTime.microsPerDay
        case "week":
            // Weeks start on Monday; 1970-01-01 was a Thursday, so Monday is day -3.
            let monday = days - ((days + 3) - DateTime.floorDiv(days + 3, 7) * 7)
            return monday * DateTime.microsPerDay
        case "month": return DateTime.days(year: year, month: month, day: 1) * DateTime.microsPerDay
        case "quarter": return DateTime.days(year: year, month: (month - 1) / 3 * 3 + 1, day: 1) * DateTime.microsPerDay
        case "year": return startOfYear(year)
        case "decade": return startOfYear(Int(DateTime.floorDiv(Int64(year), 10)) * 10)
        case "century": return startOfYear(Int(DateTime.floorDiv(Int64(year - 1), 100)) * 100 + 1)
        case "millennium": return startOfYear(Int(DateTime.floorDiv(Int64(year - 1), 1000)) * 1000 + 1)
        default:
            throw TeleError(
                .invalidParameterValue, "unit \"\(unit)\" not recognized",
                hint: "Use one of: \(truncationUnits.joined(separator: ", ")).")
        }
    }

    static func part(of micros: Int64, field: String) throws -> Double {
        let days = DateTime.floorDiv(micros, DateTime.microsPerDay)
        let timeOfDay = micros - days * DateTime.microsPerDay
        let (year, month, day) = DateTime.civil(days: days)
        // Day of week with Sunday = 0; 1970-01-01 was a Thursday (4).
        let dayOfWeek = Int(days + 4 - DateTime.floorDiv(days + 4, 7) * 7)
        switch unitName(field) {
        case "year": return Double(year)
        case "quarter": return Double((month - 1) / 3 + 1)
        case "month": return Double(month)
        case "day": return Double(day)
        case "dow": return Double(dayOfWeek)
        case "isodow": return Double(dayOfWeek == 0 ? 7 : dayOfWeek)
        case "doy": return Double(days - DateTime.days(year: year, month: 1, day: 1) + 1)
        case "week", "isoyear":
            // The ISO week belongs to the year of its Thursday.
            let isoWeekday = Int64(dayOfWeek == 0 ? 7 : dayOfWeek)
            let thursday = days - isoWeekday + 4
            let isoYear = DateTime.civil(days: thursday).year
            if unitName(field) == "isoyear" { return Double(isoYear) }
            return Double((thursday - DateTime.days(year: isoYear, month: 1, day: 1)) / 7 + 1)
        case "hour": return Double(timeOfDay / 3_600_000_000)
        case "minute": return Double(timeOfDay / 60_000_000 % 60)
        case "second": return Double(timeOfDay % 60_000_000) / 1_000_000
        case "milliseconds": return Double(timeOfDay % 60_000_000) / 1000
        case "microseconds": return Double(timeOfDay % 60_000_000)
        case "epoch": return Double(micros) / 1_000_000
        case "decade": return Double(DateTime.floorDiv(Int64(year), 10))
        case "century": return Double(year > 0 ? (year + 99) / 100 : -((99 - year) / 100))
        case "millennium": return Double(year > 0 ? (year + 999) / 1000 : -((999 - year) / 1000))
        default:
            throw TeleError(
                .invalidParameterValue, "unit \"\(field)\" not recognized",
                hint: "Use one of: \(fields.joined(separator: ", ")).")
        }
    }

    static func part(of interval: Interval, field: String) throws -> Double {
        switch unitName(field) {
        case "year": return Double(interval.months / 12)
        case "month": return Double(interval.months % 12)
        case "day": return Double(interval.days)
        case "hour": return Double(interval.micros / 3_600_000_000)
        case "minute": return Double(interval.micros / 60_000_000 % 60)
        case "second": return Double(interval.micros % 60_000_000) / 1_000_000
        case "epoch":
            return Double(interval.months / 12) * 365.25 * 86400 + Double(interval.months % 12) * 30 * 86400
                + Double(interval.days) * 86400 + Double(interval.micros) / 1_000_000
        default:
            throw TeleError(
                .invalidParameterValue, "unit \"\(field)\" not recognized for type interval",
                hint: "Use one of: year, month, day, hour, minute, second, epoch.")
        }
    }
}
