// Parses the text of INTERVAL literals: `'1 day'`, `'2 hours 30 minutes'`, `'-1 mon'`,
// `'01:30:00'`, `'3' DAY` (a number and a separate unit) and ISO 8601 `'P1DT2H'`.

import TeleCore

enum IntervalParser {
    /// - Throws: 22007 naming the text when it is not a valid interval.
    static func parse(_ text: String, unit: String?) throws -> Interval {
        let invalid = TeleError(
            .invalidDatetimeFormat, "invalid input syntax for type interval: \"\(text)\"",
            hint: "Write an interval such as '1 day', '2 hours 30 minutes' or 'P1DT2H'.")
        var result = Interval()
        let trimmed = text.trimmingSpaces()
        if let unit {
            guard let amount = Double(trimmed), try add(amount, unit: unit, to: &result) else { throw invalid }
            return result
        }
        if trimmed.hasPrefix("P") || trimmed.hasPrefix("p") {
            guard let parsed = parseISO(trimmed) else { throw invalid }
            return parsed
        }
        let words = trimmed.split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw invalid }
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.contains(":") {
                guard let micros = parseClock(word) else { throw invalid }
                result.micros &+= micros
                index += 1
                continue
            }
            guard let amount = Double(word), index + 1 < words.count else { throw invalid }
            guard try add(amount, unit: words[index + 1], to: &result) else { throw invalid }
            index += 2
        }
        return result
    }

    private enum Field { case months, days, micros }

    /// Each unit as the field it adds to and how many of that field one unit is.
    private static let units: [String: (Field, Double)] = [
        "microsecond": (.micros, 1), "us": (.micros, 1),
        "millisecond": (.micros, 1_000), "ms": (.micros, 1_000),
        "second": (.micros, 1_000_000), "sec": (.micros, 1_000_000), "s": (.micros, 1_000_000),
        "minute": (.micros, 60_000_000), "min": (.micros, 60_000_000), "m": (.micros, 60_000_000),
        "hour": (.micros, 3_600_000_000), "hr": (.micros, 3_600_000_000), "h": (.micros, 3_600_000_000),
        "day": (.days, 1), "d": (.days, 1), "week": (.days, 7), "w": (.days, 7),
        "month": (.months, 1), "mon": (.months, 1), "year": (.months, 12), "yr": (.months, 12), "y": (.months, 12),
    ]

    /// Adds `amount` of `unit` to `interval`, or returns false for an unknown unit.
    ///
    /// A fraction of a month carries into days (30 to a month) and a fraction of a day into
    /// microseconds, as PostgreSQL does for `'1.5 days'`.
    private static func add(_ amount: Double, unit: String, to interval: inout Interval) throws -> Bool {
        // Bounded so that every conversion below fits Int32 months and days.
        guard amount.isFinite, abs(amount) < 100_000_000 else { return false }
        let lower = unit.lowercased()
        let singular = lower.hasSuffix("s") ? String(lower.dropLast()) : lower
        guard let (field, factor) = units[lower] ?? units[singular] else { return false }
        let total = amount * factor
        switch field {
        case .micros:
            interval.micros &+= Int64(total.rounded())
        case .days:
            let whole = total.rounded(.towardZero)
            interval.days &+= Int32(whole)
            interval.micros &+= Int64(((total - whole) * 86_400_000_000).rounded())
        case .months:
            let whole = total.rounded(.towardZero)
            interval.months &+= Int32(whole)
            let days = (total - whole) * 30
            let wholeDays = days.rounded(.towardZero)
            interval.days &+= Int32(wholeDays)
            interval.micros &+= Int64(((days - wholeDays) * 86_400_000_000).rounded())
        }
        return true
    }

    /// `hh:mm[:ss[.ffffff]]`, with an optional leading minus, as microseconds.
    private static func parseClock(_ text: String) -> Int64? {
        let negative = text.hasPrefix("-")
        let parts = (negative ? String(text.dropFirst()) : text).split(separator: ":")
        // Bounded so that the microsecond total below cannot overflow.
        guard parts.count == 2 || parts.count == 3, let hours = Int64(parts[0]), let minutes = Int64(parts[1]),
            hours.magnitude < 100_000_000, minutes.magnitude < 100_000_000
        else { return nil }
        var micros = hours * 3_600_000_000 + minutes * 60_000_000
        if parts.count == 3 {
            guard let seconds = Double(parts[2]), seconds.isFinite, abs(seconds) < 1e12 else { return nil }
            micros += Int64((seconds * 1_000_000).rounded())
        }
        return negative ? -micros : micros
    }

    /// ISO 8601 durations: `P[nY][nM][nW][nD][T[nH][nM][nS]]`.
    private static func parseISO(_ text: String) -> Interval? {
        var result = Interval()
        var number = ""
        var inTime = false
        for character in text.uppercased().dropFirst() {
            if character.isNumber || character == "." || character == "-" {
                number.append(character)
                continue
            }
            if character == "T" {
                inTime = true
                continue
            }
            guard let amount = Double(number), abs(amount) < 100_000_000 else { return nil }
            number = ""
            switch (character, inTime) {
            case ("Y", false): result.months &+= Int32(amount * 12)
            case ("M", false): result.months &+= Int32(amount)
            case ("W", false): result.days &+= Int32(amount * 7)
            case ("D", false): result.days &+= Int32(amount)
            case ("H", true): result.micros &+= Int64(amount * 3_600_000_000)
            case ("M", true): result.micros &+= Int64(amount * 60_000_000)
            case ("S", true): result.micros &+= Int64(amount * 1_000_000)
            default: return nil
            }
        }
        return number.isEmpty ? result : nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
