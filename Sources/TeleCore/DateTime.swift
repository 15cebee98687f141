// Calendar arithmetic for DATE (days since 1970-01-01) and TIMESTAMP (microseconds since
// 1970-01-01 00:00:00 UTC), written out by hand because Foundation's formatters cost tens of
// microseconds a call. Dates use the proleptic Gregorian calendar; TeleDB has no time zones
// and treats every timestamp as UTC.

public enum DateTime {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// The first day TeleDB accepts, 4714-11-24 BC (year -4713), PostgreSQL's lower bound.
    public static let minimumDay: Int64 = days(year: -4713, month: 11, day: 24)
    /// The last day TeleDB accepts, 294246-12-31: the last whole day whose microseconds since
    /// 1970 fit in 64 bits. Dates share the timestamp range, so every date converts.
    public static let maximumDay: Int64 = days(year: 294_246, month: 12, day: 31)
    public static let minimumTimestamp: Int64 = minimumDay * microsPerDay
    public static let maximumTimestamp: Int64 = (maximumDay + 1) * microsPerDay - 1

    public static func isValidDay(_ days: Int64) -> Bool { days >= minimumDay && days <= maximumDay }

    public static func isValidTimestamp(_ micros: Int64) -> Bool {
        micros >= minimumTimestamp && micros <= maximumTimestamp
    }

    /// Returns `days` when it lies in the accepted range.
    ///
    /// - Throws: `TeleError` 22008 "date out of range" naming the bounds.
    public static func checkedDay(_ days: Int64) throws -> Int64 {
        guard isValidDay(days) else {
            throw TeleError(
                .datetimeFieldOverflow, "date out of range",
                hint: "Dates run from 4714-11-24 BC to 294246-12-31.")
        }
        return days
    }

    /// Returns `micros` when it lies in the accepted range.
    ///
    /// - Throws: `TeleError` 22008 "timestamp out of range" naming the bounds.
    public static func checkedTimestamp(_ micros: Int64) throws -> Int64 {
        guard isValidTimestamp(micros) else {
            throw TeleError(
                .datetimeFieldOverflow, "timestamp out of range",
                hint: "Timestamps run from 4714-11-24 BC to 294246-12-31 23:59:59.999999.")
        }
        return micros
    }

    /// Microseconds at midnight of a day; the caller has checked the day's range, or gets a
    /// 22008 error instead of an overflow.
    public static func midnight(ofDay days: Int64) throws -> Int64 {
        guard isValidDay(days) else { return try checkedTimestamp(days < 0 ? Int64.min : Int64.max) }
        return days * microsPerDay
    }

    /// Days since 1970-01-01 of a Gregorian calendar date (Howard Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Int64(era * 146_097 + dayOfEra - 719_468)
    }

    /// The calendar date of a day number (Howard Hinnant's civil_from_days).
    public static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        // Values outside the accepted range never come from TeleDB's own checks; clamping
        // keeps a corrupt one from trapping on overflow.
        let z = Int(max(min(days, 1 << 50), -(1 << 50))) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Formats a day number as `YYYY-MM-DD`.
    public static func formatDate(_ days: Int64) -> String {
        // A day outside the range (only a damaged or foreign file can hold one) prints as
        // PostgreSQL's infinite dates rather than as a wrong calendar date.
        if days > maximumDay { return "infinity" }
        if days < minimumDay { return "-infinity" }
        let (year, month, day) = civil(days: days)
        return formatYear(year) + "-" + pad2(month) + "-" + pad2(day)
    }

    /// Formats a timestamp as `YYYY-MM-DD HH:MM:SS[.ffffff]`, dropping trailing zero digits of
    /// the fraction as PostgreSQL does.
    public static func formatTimestamp(_ micros: Int64) -> String {
        if micros > maximumTimestamp { return "infinity" }
        if micros < minimumTimestamp { return "-infinity" }
        let days = floorDiv(micros, microsPerDay)
        let timeOfDay = micros - days * microsPerDay
        let seconds = timeOfDay / microsPerSecond
        let fraction = timeOfDay % microsPerSecond
        var text = formatDate(days) + " " + pad2(seconds / 3600) + ":" + pad2(seconds / 60 % 60)
            + ":" + pad2(seconds % 60)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// Parses `YYYY-MM-DD`, optionally followed by a time; returns days since the epoch.
    public static func parseDate(_ text: String) -> Int64? {
        guard let micros = parseTimestamp(text) else { return nil }
        return floorDiv(micros, microsPerDay)
    }

    /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|(+|-)HH[:MM]]` into microseconds since the
    /// epoch in UTC. Returns nil for anything else, including out-of-range fields.
    public static func parseTimestamp(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        while let first = bytes.first, first == 0x20 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        return bytes.withUnsafeBufferPointer { parseTimestamp(bytes: $0) }
    }

    /// Parses a timestamp from raw bytes (see `parseTimestamp(_:)`).
    public static func parseTimestamp(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        func number(maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while index < bytes.count, digits < maxDigits, bytes[index] >= 48, bytes[index] <= 57 {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                digits += 1
            }
            return digits == 0 ? nil : value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        var negativeYear = false
        if index < bytes.count, bytes[index] == 0x2D {
            negativeYear = true
            index += 1
        }
        guard var year = number(maxDigits: 6), expect(0x2D), let month = number(maxDigits: 2),
            expect(0x2D), let day = number(maxDigits: 2)
        else { return nil }
        if negativeYear { year = -year }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            year >= -4713, year <= 294_246
        else { return nil }
        var micros = days(year: year, month: month, day: day) * microsPerDay
        if index == bytes.count { return isValidTimestamp(micros) ? micros : nil }

        guard bytes[index] == 0x20 || bytes[index] == 0x54 else { return nil }
        index += 1
        guard let hour = number(maxDigits: 2), expect(0x3A), let minute = number(maxDigits: 2),
            hour < 24, minute < 60
        else { return nil }
        var second = 0
        var fraction: Int64 = 0
        if expect(0x3A) {
            guard let parsedSecond = number(maxDigits: 2), parsedSecond < 60 else { return nil }
            second = parsedSecond
            if expect(0x2E) {
                var scale: Int64 = 100_000
                var digits = 0
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    if digits < 6 { fraction += Int64(bytes[index] - 48) * scale }
                    scale /= 10
                    digits += 1
                    index += 1
                }
                if digits == 0 { return nil }
            }
        }
        micros += Int64(hour * 3600 + minute * 60 + second) * microsPerSecond + fraction

        // A zone suffix shifts the local time to UTC.
        if index < bytes.count {
            if bytes[index] == 0x5A {
                index += 1
            } else if bytes[index] == 0x2B || bytes[index] == 0x2D {
                let sign: Int64 = bytes[index] == 0x2B ? 1 : -1
                index += 1
                guard let zoneHours = number(maxDigits: 2) else { return nil }
                var zoneMinutes = 0
                if expect(0x3A) || (index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57) {
                    guard let parsed = number(maxDigits: 2) else { return nil }
                    zoneMinutes = parsed
                }
                micros -= sign * Int64(zoneHours * 3600 + zoneMinutes * 60) * microsPerSecond
            }
        }
        return index == bytes.count && isValidTimestamp(micros) ? micros : nil
    }

    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    private static func formatYear(_ year: Int) -> String {
        if year < 0 { return "-" + formatYear(-year) }
        let digits = String(year)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }
}
