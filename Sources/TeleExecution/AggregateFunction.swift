// Aggregate functions and the one state protocol they share.
//
// A state object stores the running values of every group of one aggregate call in typed
// arrays indexed by group id, so that an update is one loop over a vector and its group ids
// (no per-group objects, no boxing). A hash aggregate resizes the state as groups appear,
// updates it per chunk, combines partial states when it merges work, and finalizes one
// output value per group.

import TeleCore

/// The running values of one aggregate call for every group.
public protocol AggregateState: AnyObject {
    /// Adds empty groups so that every group id below `groupCount` is valid.
    func resize(groupCount: Int)
    /// Folds each row into its group: row `i` of the arguments belongs to group `groupIds[i]`.
    ///
    /// - Throws: `TeleError` 22003 when a sum overflows.
    func update(_ arguments: [Vector], groupIds: UnsafeBufferPointer<Int32>, count: Int) throws
    /// Folds group `i` of `other` (a state of the same function) into group `mapping[i]`.
    func combine(_ other: any AggregateState, mapping: [Int32]) throws
    /// Returns one result row per group, in group id order.
    func finalize() throws -> Vector
}

/// An aggregate function resolved for its argument types.
public struct AggregateFunction: Sendable {
    public var name: String
    /// The types the argument expressions must be cast to before `update`.
    public var argumentTypes: [DataType]
    public var returnType: DataType
    /// Creates an empty state with no groups.
    public var makeState: @Sendable () -> any AggregateState

    public init(
        name: String, argumentTypes: [DataType], returnType: DataType,
        makeState: @escaping @Sendable () -> any AggregateState
    ) {
        self.name = name
        self.argumentTypes = argumentTypes
        self.returnType = returnType
        self.makeState = makeState
    }
}

public enum AggregateFunctionRegistry {
    public static func isAggregate(_ name: String) -> Bool {
        functionNames.contains(canonicalName(name))
    }

    public static var functionNames: [String] {
        [
            "approx_count_distinct", "approx_percentile", "avg", "bool_and", "bool_or", "count", "every", "max", "min", "stddev", "stddev_pop", "stddev_samp",
            "string_agg", "sum", "var_pop", "var_samp", "variance", "histogram", "percentile_cont", "percentile_disc", "cdf",
        ]
    }

    static func canonicalName(_ name: String) -> String {
        let lower = name.lowercased()
        switch lower {
        case "every": return "bool_and"
        case "stddev": return "stddev_samp"
        case "variance": return "var_samp"
        default: return lower
        }
    }

    /// Resolves an aggregate by name for its argument types. `distinct` does not change the
    /// function: the hash aggregate removes duplicate arguments before updating the state.
    ///
    /// - Throws: `TeleError` 42883 when no aggregate of that name takes these types.
    public static func resolve(name: String, argumentTypes: [DataType], distinct: Bool) throws -> AggregateFunction {
        let key = canonicalName(name)
        let types = argumentTypes.map { $0 == .null ? DataType.bigint : $0 }
        let first = types.first
        func make(_ returnType: DataType, _ state: @escaping @Sendable () -> any AggregateState) -> AggregateFunction {
            AggregateFunction(name: key, argumentTypes: types, returnType: returnType, makeState: state)
        }
        switch (key, types.count) {
        case ("count", 0): return make(.bigint) { CountState(countsRows: true) }
        case ("count", 1): return make(.bigint) { CountState(countsRows: false) }
        case ("sum", 1) where first!.isInteger: return make(.bigint) { SumIntegerState() }
        case ("sum", 1) where first!.isFloating: return make(.double) { SumDoubleState() }
        case ("sum", 1) where first == .interval: return make(.interval) { MinMaxValueState(kind: .sum, type: .interval) }
        case ("avg", 1) where first!.isInteger: return make(.double) { AverageState(integerInput: true) }
        case ("avg", 1) where first!.isNumeric: return make(.double) { AverageState(integerInput: false) }
        case ("min", 1) where first != .histogram, ("max", 1) where first != .histogram:
            let type = first!
            let wantMax = key == "max"
            if type.physical == .int64 { return make(type) { MinMaxInt64State(type: type, wantMax: wantMax) } }
            if type.physical == .double { return make(type) { MinMaxDoubleState(type: type, wantMax: wantMax) } }
            return make(type) { MinMaxValueState(kind: wantMax ? .max : .min, type: type) }
        case ("histogram", 1) where first == .histogram: return HistogramAggregates.merge
        case ("cdf", 1) where first == .histogram: return CDFAggregates.histograms
        case ("cdf", 1) where first!.isNumeric: return try CDFAggregates.values(points: CDFAggregates.defaultPointCount)
        case ("approx_count_distinct", 1): return make(.bigint) { HyperLogLogState() }
        case ("bool_and", 1) where first == .boolean: return make(.boolean) { BooleanState(isAnd: true) }
        case ("bool_or", 1) where first == .boolean: return make(.boolean) { BooleanState(isAnd: false) }
        case ("string_agg", 2) where types.allSatisfy({ $0 == .varchar }): return make(.varchar) { StringAggState() }
        case ("stddev_samp", 1) where first!.isNumeric: return make(.double) { MomentState(kind: .stddevSample) }
        case ("stddev_pop", 1) where first!.isNumeric: return make(.double) { MomentState(kind: .stddevPopulation) }
        case ("var_samp", 1) where first!.isNumeric: return make(.double) { MomentState(kind: .varianceSample) }
        case ("var_pop", 1) where first!.isNumeric: return make(.double) { MomentState(kind: .variancePopulation) }
        default:
            let typeText = argumentTypes.map { $0.sqlName.lowercased() }.joined(separator: ", ")
            guard functionNames.contains(key) else {
                throw TeleError(.undefinedFunction, "function \(name)(\(typeText)) does not exist", hint: "Not an aggregate function.")
            }
            throw TeleError(
                .undefinedFunction, "function \(key)(\(typeText)) does not exist",
                hint: "\(key) takes \(signatureHint(key)). Add an explicit cast.")
        }
    }

    static func signatureHint(_ name: String) -> String {
        switch name {
        case "count": return "no argument (*) or one argument of any type"
        case "sum": return "one numeric or interval argument"
        case "min", "max": return "one argument of an orderable type"
        case "bool_and", "bool_or": return "one boolean argument"
        case "string_agg": return "a varchar value and a varchar separator"
        case "histogram": return "one histogram, or a numeric value and a layout such as EXPONENTIAL(1, 10000, 50)"
        case "approx_percentile": return "a numeric value and a constant fraction between 0 and 1"
        case "approx_count_distinct": return "one argument of any type"
        case "cdf": return "a numeric value and an optional constant point count, or a histogram"
        case "percentile_cont", "percentile_disc":
            return "a constant fraction between 0 and 1 and WITHIN GROUP (ORDER BY numeric value)"
        default: return "one numeric argument"
        }
    }
}
