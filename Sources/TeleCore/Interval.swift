// INTERVAL values, kept as PostgreSQL keeps them: months, days and microseconds apart,
// because a month has no fixed number of days and a day has no fixed number of seconds
// across time-zone changes.

public struct Interval: Hashable, Sendable, CustomStringConvertible {
    public var months: Int32
    public var days: Int32
    public var micros: Int64

    public init(months: Int32 = 0, days: Int32 = 0, micros: Int64 = 0) {
        self.months = months
        self.days = days
        self.micros = micros
    }

    /// The interval as one number of microseconds, counting a month as 30 days and a day as
    /// 24 hours, which is how PostgreSQL orders and compares intervals.
    ///
    /// Intervals beyond about 290,000 years saturate at Int64's bounds instead of trapping.
    public var comparableMicros: Int64 {
        let days = Int64(months) * 30 + Int64(self.days)
        let (dayMicros, overflow) = days.multipliedReportingOverflow(by: 86_400_000_000)
        if overflow { return days < 0 ? .min : .max }
        let (total, sumOverflow) = dayMicros.addingReportingOverflow(micros)
        if sumOverflow { return micros < 0 ? .min : .max }
        return total
    }

    /// Prints the interval in PostgreSQL's default style: `1 year 2 mons 3 days 04:05:06`.
    public var description: String {
        var parts: [String] = []
        let years = months / 12
        let remainingMonths = months % 12
        if years != 0 { parts.append("\(years) year" + (abs(years) == 1 ? "" : "s")) }
        if remainingMonths != 0 {
            parts.append("\(remainingMonths) mon" + (abs(remainingMonths) == 1 ? "" : "s"))
        }
        if days != 0 { parts.append("\(days) day" + (abs(days) == 1 ? "" : "s")) }
        if micros != 0 || parts.isEmpty {
            let sign = micros < 0 ? "-" : ""
            let total = micros.magnitude
            let hours = total / 3_600_000_000
            let minutes = total / 60_000_000 % 60
            let seconds = total / 1_000_000 % 60
            let fraction = total % 1_000_000
            var clock = sign + pad2(hours) + ":" + pad2(minutes) + ":" + pad2(seconds)
            if fraction != 0 {
                var digits = String(fraction)
                digits = String(repeating: "0", count: 6 - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                clock += "." + digits
            }
            parts.append(clock)
        }
        return parts.joined(separator: " ")
    }
}

func pad2<T: BinaryInteger>(_ value: T) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}
