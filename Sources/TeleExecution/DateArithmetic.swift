// Arithmetic on DATE, TIMESTAMP and INTERVAL values with PostgreSQL's rules. Adding months
// keeps the day of the month unless the target month is shorter, in which case the day
// becomes the month's last day. A DATE plus an INTERVAL is a TIMESTAMP, and DATE minus DATE
// is a day count.

import TeleCore

enum DateArithmetic {
    /// Adds an interval to a timestamp: months by the calendar, then days, then microseconds.
    static func add(_ interval: Interval, to micros: Int64) throws -> Int64 {
        var result = try DateTime.checkedTimestamp(micros)
        if interval.months != 0 {
            let days = DateTime.floorDiv(result, DateTime.microsPerDay)
            let timeOfDay = result - days * DateTime.microsPerDay
            let (year, month, day) = DateTime.civil(days: days)
            let monthIndex = year * 12 + (month - 1) + Int(interval.months)
            let newYear = Int(DateTime.floorDiv(Int64(monthIndex), 12))
            let newMonth = monthIndex - newYear * 12 + 1
            let newDay = min(day, DateTime.daysInMonth(year: newYear, month: newMonth))
            // At most 2^31 months from a valid year, so the day count cannot overflow.
            result = try DateTime.midnight(ofDay: DateTime.days(year: newYear, month: newMonth, day: newDay)) + timeOfDay
        }
        let (withDays, overflow1) = result.addingReportingOverflow(Int64(interval.days) &* DateTime.microsPerDay)
        let (withMicros, overflow2) = withDays.addingReportingOverflow(interval.micros)
        if overflow1 || overflow2 || !DateTime.isValidTimestamp(withMicros) {
            throw TeleError(
                .datetimeFieldOverflow, "timestamp out of range",
                hint: "Timestamps run from 4714-11-24 BC to 294246-12-31; use a smaller interval.")
        }
        return withMicros
    }

    static func negated(_ interval: Interval) -> Interval {
        Interval(months: 0 &- interval.months, days: 0 &- interval.days, micros: 0 &- interval.micros)
    }

    /// Subtracts two timestamps into days and microseconds (no months), as PostgreSQL's
    /// timestamp - timestamp does.
    static func difference(_ lhs: Int64, _ rhs: Int64) throws -> Interval {
        let (total, overflow) = lhs.subtractingReportingOverflow(rhs)
        if overflow {
            throw TeleError(
                .datetimeFieldOverflow, "interval out of range",
                hint: "The timestamps are too far apart for one interval.")
        }
        let days = total / DateTime.microsPerDay
        return Interval(months: 0, days: Int32(truncatingIfNeeded: days), micros: total - days * DateTime.microsPerDay)
    }

    /// Multiplies an interval by a factor, carrying fractional months into days (30 days a
    /// month) and fractional days into microseconds (24 hours a day), as PostgreSQL does.
    static func multiply(_ interval: Interval, by factor: Double) throws -> Interval {
        let months = Double(interval.months) * factor
        let wholeMonths = months.rounded(.towardZero)
        let days = Double(interval.days) * factor + (months - wholeMonths) * 30
        let wholeDays = days.rounded(.towardZero)
        let micros = Double(interval.micros) * factor + (days - wholeDays) * 86_400_000_000
        guard abs(wholeMonths) <= Double(Int32.max), abs(wholeDays) <= Double(Int32.max), abs(micros) < 9.2e18 else {
            throw TeleError(.datetimeFieldOverflow, "interval out of range", hint: "Use a smaller factor.")
        }
        return Interval(
            months: Int32(clamping: Int64(wholeMonths)), days: Int32(clamping: Int64(wholeDays)),
            micros: Int64(micros.rounded()))
    }

    /// PostgreSQL's age(): years, months and days between two timestamps, counted by the calendar.
    static func age(_ lhs: Int64, _ rhs: Int64) -> Interval {
        if lhs < rhs { return negated(age(rhs, lhs)) }
        let lhsDays = DateTime.floorDiv(lhs, DateTime.microsPerDay)
        let rhsDays = DateTime.floorDiv(rhs, DateTime.microsPerDay)
        var micros = (lhs - lhsDays * DateTime.microsPerDay) - (rhs - rhsDays * DateTime.microsPerDay)
        var (year1, month1, day1) = DateTime.civil(days: lhsDays)
        let (year2, month2, day2) = DateTime.civil(days: rhsDays)
        if micros < 0 {
            micros += DateTime.microsPerDay
            day1 -= 1
        }
        var days = day1 - day2
        var months = month1 - month2
        if days < 0 {
            // PostgreSQL 15 borrows the length of the earlier date's month, so
            // age('2023-03-01', '2023-01-30') is 1 mon 2 days (January has 31).
            months -= 1
            days += DateTime.daysInMonth(year: year2, month: month2)
        }
        if months < 0 {
            months += 12
            year1 -= 1
        }
        return Interval(months: Int32((year1 - year2) * 12 + months), days: Int32(days), micros: micros)
    }
}

func negateInterval(_ input: Vector, count: Int) throws -> Vector {
    try rowKernel([input], count: count, returnType: .interval) { values in
        guard case .interval(let interval) = values[0] else { return .null }
        return .interval(DateArithmetic.negated(interval))
    }
}

extension ScalarFunctionRegistry {
    static func registerTemporalOperators(into catalog: inout [String: [FunctionOverload]]) {
        func overload(_ parameters: [DataType], _ result: DataType, _ body: @escaping @Sendable ([Value]) throws -> Value)
            -> FunctionOverload
        {
            FunctionOverload(parameters: parameters, returnType: result) { arguments, count in
                try rowKernel(arguments, count: count, returnType: result, body)
            }
        }
        @Sendable func interval(_ value: Value) -> Interval {
            if case .interval(let interval) = value { return interval }
            return Interval()
        }
        @Sendable func addDays(_ days: Int64, _ delta: Int64) throws -> Value {
            let (sum, overflow) = days.addingReportingOverflow(delta)
            if overflow || !DateTime.isValidDay(sum) {
                throw TeleError(
                    .datetimeFieldOverflow, "date out of range", hint: "Dates run from 4714-11-24 BC to 294246-12-31.")
            }
            return .date(sum)
        }
        for integerType in [DataType.integer, .bigint] {
            catalog["+", default: []].append(overload([.date, integerType], .date) { try addDays($0[0].int64Value, $0[1].int64Value) })
            catalog["+", default: []].append(overload([integerType, .date], .date) { try addDays($0[1].int64Value, $0[0].int64Value) })
            catalog["-", default: []].append(
                overload([.date, integerType], .date) { try addDays($0[0].int64Value, 0 &- $0[1].int64Value) })
        }
        catalog["-", default: []].append(overload([.date, .date], .integer) { .integer($0[0].int64Value &- $0[1].int64Value) })
        catalog["-", default: []].append(
            overload([.timestamp, .timestamp], .interval) { .interval(try DateArithmetic.difference($0[0].int64Value, $0[1].int64Value)) })
        for temporal in [DataType.timestamp] {
            catalog["+", default: []].append(
                overload([temporal, .interval], .timestamp) { .timestamp(try DateArithmetic.add(interval($0[1]), to: $0[0].int64Value)) })
            catalog["+", default: []].append(
                overload([.interval, temporal], .timestamp) { .timestamp(try DateArithmetic.add(interval($0[0]), to: $0[1].int64Value)) })
            catalog["-", default: []].append(
                overload([temporal, .interval], .timestamp) {
                    .timestamp(try DateArithmetic.add(DateArithmetic.negated(interval($0[1])), to: $0[0].int64Value))
                })
        }
        catalog["+", default: []].append(
            overload([.interval, .interval], .interval) { values in
                let (a, b) = (interval(values[0]), interval(values[1]))
                return .interval(Interval(months: a.months &+ b.months, days: a.days &+ b.days, micros: a.micros &+ b.micros))
            })
        catalog["-", default: []].append(
            overload([.interval, .interval], .interval) { values in
                let (a, b) = (interval(values[0]), interval(values[1]))
                return .interval(Interval(months: a.months &- b.months, days: a.days &- b.days, micros: a.micros &- b.micros))
            })
        catalog["*", default: []].append(
            overload([.interval, .double], .interval) { .interval(try DateArithmetic.multiply(interval($0[0]), by: $0[1].doubleValue)) })
        catalog["*", default: []].append(
            overload([.double, .interval], .interval) { .interval(try DateArithmetic.multiply(interval($0[1]), by: $0[0].doubleValue)) })
        catalog["/", default: []].append(
            overload([.interval, .double], .interval) { values in
                if values[1].doubleValue == 0 { throw divisionByZeroError() }
                return .interval(try DateArithmetic.multiply(interval(values[0]), by: 1 / values[1].doubleValue))
            })
    }
}
