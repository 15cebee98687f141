// Binding of the call forms whose arguments are not plain expressions: HISTOGRAM(x, spec)
// with a layout such as EXPONENTIAL(1, 10000, 50) or BOUNDARIES(ARRAY[1, 10, 100]), percentile_cont(p) and percentile_disc(p)
// WITHIN GROUP (ORDER BY x), approx_percentile(x, p) with a constant fraction, and
// percentiles(h, ARRAY[...]).
//
// Layouts and fractions must be constants, because they decide the shape of the aggregate
// state before the first row arrives.

import TeleCore
import TeleExecution
import TeleSyntax

extension BindContext {
    /// Resolves an aggregate call that takes a constant layout or fraction.
    ///
    /// - Returns: the function and its bound arguments, or nil for an ordinary aggregate.
    func bindSpecialAggregate(_ call: FunctionCall, position: SourcePosition) throws
        -> (function: AggregateFunction, arguments: [BoundExpression])?
    {
        let name = call.name.lowercased()
        if !call.withinGroup.isEmpty || name == "percentile_cont" || name == "percentile_disc" {
            return try bindOrderedSetAggregate(call, position: position)
        }
        switch (name, call.arguments.count) {
        case ("histogram", 2):
            let input = try bind(call.arguments[0])
            let spec = try histogramSpec(call.arguments[1])
            guard input.type.isNumeric || input.type == .histogram || input.type == .null else {
                throw TeleError(
                    .undefinedFunction, "function histogram(\(input.type.sqlName.lowercased()), layout) does not exist",
                    hint: "HISTOGRAM(x, layout) takes a numeric value or a histogram.", position: call.arguments[0].position)
            }
            let function = try withPosition(position) {
                try HistogramAggregates.build(spec: spec, inputType: input.type == .histogram ? .histogram : .double)
            }
            return (function, [input])
        case ("cdf", 2):
            let input = try bind(call.arguments[0])
            let points = try constantNumber(call.arguments[1], role: "CDF point count")
            guard input.type.isNumeric || input.type == .null else {
                throw TeleError(
                    .undefinedFunction, "function cdf(\(input.type.sqlName.lowercased()), integer) does not exist",
                    hint: "CDF(x, points) takes a numeric value; CDF(h) takes a histogram.", position: position)
            }
            let count = points.isFinite && abs(points) < 1e9 ? Int(points) : -1
            let function = try withPosition(call.arguments[1].position) { try CDFAggregates.values(points: count) }
            return (function, [input])
        case ("approx_percentile", 2):
            let input = try bind(call.arguments[0])
            let fraction = try constantNumber(call.arguments[1], role: "percentile fraction")
            let function = try withPosition(call.arguments[1].position) {
                try OrderedSetAggregates.approximatePercentile(fraction: fraction)
            }
            return (function, [input])
        default:
            return nil
        }
    }

    private func bindOrderedSetAggregate(_ call: FunctionCall, position: SourcePosition) throws
        -> (function: AggregateFunction, arguments: [BoundExpression])
    {
        let name = call.name.lowercased()
        guard name == "percentile_cont" || name == "percentile_disc" else {
            throw TeleError(
                .wrongObjectType, "WITHIN GROUP is not allowed for \(name)",
                hint: "Only percentile_cont and percentile_disc take WITHIN GROUP (ORDER BY ...).", position: position)
        }
        guard call.arguments.count == 1, call.withinGroup.count == 1 else {
            throw TeleError(
                .undefinedFunction, "\(name) takes one fraction and one ORDER BY expression",
                hint: "Write \(name)(0.5) WITHIN GROUP (ORDER BY x).", position: position)
        }
        let fraction = try constantNumber(call.arguments[0], role: "percentile fraction")
        let order = call.withinGroup[0]
        let input = try bind(order.expression)
        guard input.type.isNumeric || input.type == .null else {
            throw TeleError(
                .undefinedFunction, "function \(name)(\(input.type.sqlName.lowercased())) does not exist",
                hint: "\(name) orders numeric values. Cast the ORDER BY expression to a number.",
                position: order.expression.position)
        }
        let function = try withPosition(call.arguments[0].position) {
            try OrderedSetAggregates.percentile(
                continuous: name == "percentile_cont", fraction: fraction, descending: !order.ascending)
        }
        return (function, [input])
    }

    /// Binds percentiles(h, ARRAY[p1, p2, ...]), or returns nil for any other call.
    func bindPercentilesCall(_ call: FunctionCall, position: SourcePosition) throws -> BoundExpression? {
        guard call.name.lowercased() == "percentiles", call.arguments.count == 2 else { return nil }
        guard case .array(let elements) = call.arguments[1].kind, !elements.isEmpty else {
            throw TeleError(
                .invalidParameterValue, "percentiles needs an array of fractions",
                hint: "Write percentiles(h, ARRAY[0.5, 0.95]).", position: call.arguments[1].position)
        }
        let fractions = try elements.map { try constantNumber($0, role: "percentile fraction") }
        let histogram = try bind(call.arguments[0])
        guard histogram.type == .histogram || histogram.type == .null else {
            throw TeleError(
                .undefinedFunction, "function percentiles(\(histogram.type.sqlName.lowercased()), array) does not exist",
                hint: "percentiles reads a histogram. Build one with HISTOGRAM(x, layout).",
                position: call.arguments[0].position)
        }
        let function = try withPosition(position) { try HistogramStatistics.percentilesFunction(fractions: fractions) }
        return .function(function, arguments: [try TypeCoercion.coerce(histogram, to: .histogram, position: position)])
    }

    /// Reads a layout: LINEAR(low, high, n), EXPONENTIAL(low, high, n),
    /// BOUNDARIES(ARRAY[b1, b2, ...]) or AUTO(n).
    func histogramSpec(_ expression: Expression) throws -> HistogramSpec {
        guard case .function(let call) = expression.kind else {
            throw layoutError(expression)
        }
        var arguments = call.arguments
        if call.name.lowercased() == "boundaries", arguments.count == 1, case .array(let elements) = arguments[0].kind {
            arguments = elements
        }
        let numbers = try arguments.map { try constantNumber($0, role: "histogram layout argument") }
        func integer(_ value: Double) throws -> Int64 {
            guard value == value.rounded(), abs(value) < 9e15 else {
                throw TeleError(
                    .invalidParameterValue, "histogram layout argument \(value) is not an integer",
                    hint: "Bucket bounds and counts are integers.", position: expression.position)
            }
            return Int64(value)
        }
        let kinds: [String: HistogramKind] = ["linear": .linear, "exponential": .exponential]
        switch (call.name.lowercased(), numbers.count) {
        case (let name, 3) where kinds[name] != nil:
            let layout = try withPosition(expression.position) {
                try HistogramLayout(
                    kind: kinds[name] ?? .linear, low: try integer(numbers[0]), high: try integer(numbers[1]),
                    bucketCount: Int(try integer(numbers[2])))
            }
            return .layout(layout)
        case ("boundaries", let count) where count > 0:
            let layout = try withPosition(expression.position) { try HistogramLayout(boundaries: try numbers.map(integer)) }
            return .layout(layout)
        case ("auto", 1):
            let count = try integer(numbers[0])
            guard count >= 3, count <= 10_000 else {
                throw TeleError(
                    .invalidParameterValue, "invalid histogram bucket count \(count)",
                    hint: "Use between 3 and 10000 buckets.", position: expression.position)
            }
            return .auto(bucketCount: Int(count))
        default:
            throw layoutError(expression)
        }
    }

    private func layoutError(_ expression: Expression) -> TeleError {
        TeleError(
            .invalidParameterValue, "invalid histogram layout",
            hint: "Write LINEAR(low, high, n), EXPONENTIAL(low, high, n), BOUNDARIES(ARRAY[b1, b2, ...]) or AUTO(n).",
            position: expression.position)
    }

    /// Binds an expression that must fold to a numeric constant.
    func constantNumber(_ expression: Expression, role: String) throws -> Double {
        let bound = ConstantFolding.fold(try bind(expression))
        guard case .constant(let value, let type) = bound, type.isNumeric || type == .null, !value.isNull else {
            throw TeleError(
                .invalidParameterValue, "\(role) must be a numeric constant",
                hint: "Write a number such as 0.95, not a column or an expression over columns.",
                position: expression.position)
        }
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number): return number
        default:
            throw TeleError(
                .invalidParameterValue, "\(role) must be a numeric constant",
                hint: "Write a number such as 0.95.", position: expression.position)
        }
    }
}
