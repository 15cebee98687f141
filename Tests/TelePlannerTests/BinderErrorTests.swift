// Errors the binder reports: SQLSTATE codes, messages naming the offending value, and hints.

import TeleCore
import TelePlanner
import TeleSyntax
import Testing

@Suite struct BinderErrorTests {
    @Test func unknownColumnSuggestsNearest() throws {
        let error = try #require(planningError("SELECT nmae FROM users"))
        #expect(error.state.code == "42703")
        #expect(error.message == "column \"nmae\" does not exist")
        #expect(error.hint == "Perhaps you meant \"name\".")
    }

    @Test func unknownTableSuggestsNearest() throws {
        let error = try #require(planningError("SELECT * FROM userz"))
        #expect(error.state.code == "42P01")
        #expect(error.message == "relation \"userz\" does not exist")
        #expect(error.hint == "Perhaps you meant \"users\".")
    }

    @Test func missingFromEntry() throws {
        let error = try #require(planningError("SELECT x.id FROM users"))
        #expect(error.state.code == "42P01")
        #expect(error.message == "missing FROM-clause entry for table \"x\"")
    }

    @Test func ambiguousColumn() throws {
        let error = try #require(planningError("SELECT id FROM users, orders"))
        #expect(error.state.code == "42702")
        #expect(error.message == "column reference \"id\" is ambiguous")
    }

    @Test func ungroupedColumn() throws {
        let error = try #require(planningError("SELECT channel, os, count(*) FROM pings p GROUP BY channel"))
        #expect(error.state.code == "42803")
        #expect(error.message == "column \"p.os\" must appear in the GROUP BY clause or be used in an aggregate function")
    }

    @Test func aggregateInWhere() throws {
        let error = try #require(planningError("SELECT id FROM users WHERE count(*) > 1"))
        #expect(error.state.code == "42803")
        #expect(error.message == "aggregate functions are not allowed in WHERE")
    }

    @Test func nestedAggregate() throws {
        let error = try #require(planningError("SELECT max(count(*)) FROM users"))
        #expect(error.state.code == "42803")
    }

    @Test func distinctOrderByNotSelected() throws {
        let error = try #require(planningError("SELECT DISTINCT name FROM users ORDER BY id"))
        #expect(error.state.code == "42P10")
    }

    @Test func orderByPositionOutOfRange() throws {
        let error = try #require(planningError("SELECT id FROM users ORDER BY 2"))
        #expect(error.state.code == "42P10")
        #expect(error.message == "ORDER BY position 2 is not in select list")
    }

    @Test func negativeLimitAndOffset() throws {
        #expect(planningError("SELECT id FROM users LIMIT -1")?.state.code == "2201W")
        #expect(planningError("SELECT id FROM users OFFSET -1")?.state.code == "2201X")
    }

    @Test func setOperationColumnCount() throws {
        let error = try #require(planningError("SELECT id, name FROM users UNION SELECT id FROM orders"))
        #expect(error.state.code == "42601")
        #expect(error.message == "each UNION query must have the same number of columns")
    }

    @Test func caseBranchTypesMustMatch() throws {
        let error = try #require(planningError("SELECT CASE WHEN id > 1 THEN name ELSE id END FROM users"))
        #expect(error.state.code == "42804")
    }

    @Test func whereMustBeBoolean() throws {
        let error = try #require(planningError("SELECT id FROM users WHERE id"))
        #expect(error.state.code == "42804")
        #expect(error.message == "argument of WHERE must be type boolean, not type integer")
    }

    @Test func invalidDateLiteral() throws {
        let error = try #require(planningError("SELECT id FROM pings WHERE day > 'yesterday-ish'"))
        #expect(error.state.errorClass == "22")
    }

    @Test func subqueryWithTwoColumns() throws {
        let error = try #require(planningError("SELECT id FROM users WHERE id IN (SELECT id, user_id FROM orders)"))
        #expect(error.state.code == "42601")
    }

    @Test func missingParameter() throws {
        #expect(planningError("SELECT $2")?.state.code == "42P02")
    }

    @Test func unknownFunction() throws {
        #expect(planningError("SELECT no_such_function(1)")?.state.code == "42883")
    }

    @Test func deepNestingIsRejected() throws {
        // 1,000 nested parentheses: the binder stops at its depth limit instead of
        // overflowing the stack.
        let deep = String(repeating: "(", count: 1000) + "1" + String(repeating: " + 1)", count: 1000)
        let error = try #require(planningError("SELECT " + deep))
        #expect(error.state.code == "54001")
        let shallow = String(repeating: "(", count: 50) + "1" + String(repeating: " + 1)", count: 50)
        #expect(text(try run("SELECT " + shallow)) == ["51"])
    }
}

extension BinderErrorTests {
    @Test func longUnionChainIsRejected() throws {
        let chain = Array(repeating: "SELECT 1", count: 1000).joined(separator: " UNION ALL ")
        #expect(planningError(chain)?.state.code == "54001")
        let short = Array(repeating: "SELECT 1", count: 20).joined(separator: " UNION ALL ")
        #expect(try run(short).count == 20)
    }

    @Test func intervalClockOverflowIsRejected() throws {
        #expect(planningError("SELECT INTERVAL '99999999999999:00'")?.state.code == "22007")
    }
}

@Suite struct ExpressionApiTests {
    let users = TableSchema(
        name: "users",
        columns: [ColumnSchema(name: "id", type: .integer), ColumnSchema(name: "name", type: .varchar)])

    @Test func bindExpressionOverTable() throws {
        let planner = Planner(snapshot: testSnapshot)
        let bound = try planner.bindExpression(try Parser.parseExpression("id + 1 > 2 AND u.name <> 'x'"), over: users, alias: "u")
        #expect(bound.type == .boolean)
        let folded = try planner.bindExpression(try Parser.parseExpression("1 + 2"), over: nil, alias: nil)
        guard case .constant(.integer(3), .integer) = folded else {
            Issue.record("expected the constant 3, got \(folded)")
            return
        }
    }

    @Test func bindExpressionWithParameters() throws {
        let planner = Planner(snapshot: testSnapshot)
        let bound = try planner.bindExpression(
            try Parser.parseExpression("$1 + 1"), over: nil, alias: nil, parameters: [.integer(41)])
        guard case .constant(.integer(42), _) = bound else {
            Issue.record("expected the constant 42, got \(bound)")
            return
        }
    }

    @Test func bindExpressionWithSubquery() throws {
        let planner = Planner(snapshot: testSnapshot)
        let bound = try planner.bindExpression(
            try Parser.parseExpression("(SELECT max(amount) FROM orders WHERE user_id = id)"), over: users, alias: nil)
        #expect(bound.type == .bigint)
    }

    @Test func assignmentCastRules() throws {
        let planner = Planner(snapshot: testSnapshot)
        let narrowed = try planner.assignmentCast(.constant(.double(2.5), type: .double), to: .integer, column: "id")
        #expect(narrowed.type == .integer)
        let fromText = try planner.assignmentCast(.constant(.string("2024-01-02"), type: .varchar), to: .date, column: "day")
        guard case .constant(let value, .date) = fromText else {
            Issue.record("expected a DATE constant, got \(fromText)")
            return
        }
        #expect(value == date("2024-01-02"))
        let error = #expect(throws: TeleError.self) {
            try planner.assignmentCast(.column(index: 0, type: .boolean), to: .date, column: "day")
        }
        #expect(error?.state.code == "42804")
        #expect(error?.message == "column \"day\" is of type date but expression is of type boolean")
    }
}
