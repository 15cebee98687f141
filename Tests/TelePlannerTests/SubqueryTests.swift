// Subqueries in every position: scalar, IN and EXISTS, correlated or not, nested.

import TeleCore
import TelePlanner
import Testing

@Suite struct SubqueryTests {
    @Test func uncorrelatedScalar() throws {
        let rows = try run("SELECT name FROM users WHERE id = (SELECT max(user_id) FROM orders WHERE amount > 30)")
        #expect(text(rows) == ["bob"])
    }

    @Test func scalarReturningNoRowIsNull() throws {
        #expect(text(try run("SELECT (SELECT id FROM users WHERE id > 100)")) == ["NULL"])
    }

    @Test func scalarWithSeveralRowsFails() throws {
        let error = planningError("SELECT (SELECT id FROM users)")
        #expect(error?.state.code == "21000")
    }

    @Test func correlatedScalarInSelect() throws {
        let rows = try run(
            "SELECT name, (SELECT sum(amount) FROM orders o WHERE o.user_id = u.id) FROM users u ORDER BY id")
        #expect(text(rows) == ["ada|150", "bob|70", "cy|20", "dee|NULL"])
    }

    @Test func correlatedExistsAndNotExists() throws {
        let exists = try run("SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders WHERE user_id = u.id)")
        #expect(sortedText(exists) == ["ada", "bob", "cy"])
        let notExists = try run("SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders WHERE user_id = u.id)")
        #expect(text(notExists) == ["dee"])
    }

    @Test func uncorrelatedInBecomesSemiJoin() throws {
        let sql = "SELECT name FROM users WHERE id IN (SELECT user_id FROM orders WHERE amount >= 50)"
        #expect(sortedText(try run(sql)) == ["ada", "bob"])
        #expect(try explain(sql).contains("HashJoin type=semi"))
    }

    @Test func notInWithNullKeepsThreeValuedLogic() throws {
        // orders.user_id contains a NULL, so `id NOT IN (...)` is never true.
        #expect(text(try run("SELECT name FROM users WHERE id NOT IN (SELECT user_id FROM orders)")) == [])
        let rows = try run("SELECT name FROM users WHERE id NOT IN (SELECT user_id FROM orders WHERE user_id IS NOT NULL)")
        #expect(text(rows) == ["dee"])
    }

    @Test func correlatedInSubquery() throws {
        let rows = try run(
            "SELECT id FROM orders o WHERE o.amount IN (SELECT max(amount) FROM orders i WHERE i.user_id = o.user_id)")
        // Order 14 has a NULL user, so its inner maximum is NULL and IN is not true.
        #expect(sortedText(rows) == ["10", "12", "13", "15"])
    }

    @Test func subqueryInHavingAndCase() throws {
        let having = try run(
            "SELECT user_id FROM orders GROUP BY user_id HAVING sum(amount) > (SELECT avg(amount) FROM orders)")
        #expect(sortedText(having) == ["1", "2"])
        let caseRows = try run(
            "SELECT name, CASE WHEN EXISTS (SELECT 1 FROM orders WHERE user_id = u.id) THEN 'buyer' ELSE 'none' END FROM users u ORDER BY id")
        #expect(text(caseRows) == ["ada|buyer", "bob|buyer", "cy|buyer", "dee|none"])
    }

    @Test func correlatedSubqueryInJoinCondition() throws {
        let rows = try run(
            """
            SELECT u.name, o.amount FROM users u JOIN orders o
              ON o.user_id = u.id AND o.amount = (SELECT max(amount) FROM orders m WHERE m.user_id = u.id)
            """)
        #expect(sortedText(rows) == ["ada|100", "bob|70", "cy|20"])
    }

    @Test func twoLevelCorrelation() throws {
        // The innermost query reads u.id from two levels up.
        let rows = try run(
            """
            SELECT name FROM users u WHERE EXISTS (
              SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.amount >
                (SELECT min(amount) FROM orders p WHERE p.user_id = u.id))
            """)
        #expect(text(rows) == ["ada"])
    }

    @Test func correlatedSubqueryOverGroupedColumn() throws {
        let rows = try run(
            """
            SELECT channel, (SELECT count(*) FROM pings p2 WHERE p2.channel = p.channel AND p2.os = 'linux')
            FROM pings p GROUP BY channel ORDER BY channel
            """)
        #expect(text(rows) == ["beta|2", "nightly|2", "release|2"])
    }

    @Test func decorrelatedForms() throws {
        // Non-equality correlation becomes a join residual.
        let rows = try run(
            "SELECT id FROM orders o WHERE o.amount IN (SELECT amount FROM orders i WHERE i.user_id <> o.user_id)")
        #expect(text(rows) == [])
        let greater = try run(
            "SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.amount > u.id * 40)")
        #expect(sortedText(greater) == ["ada"])
        let having = try run(
            "SELECT DISTINCT user_id FROM orders o WHERE EXISTS (SELECT 1 FROM orders i WHERE i.user_id = o.user_id HAVING count(*) > 1)")
        #expect(text(having) == ["1"])
        let notExists = try run("SELECT id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id)")
        #expect(sortedText(notExists) == ["14", "15"])
    }

    @Test func decorrelatedScalarAggregates() throws {
        // dee has no orders: count gives 0, sum NULL, and count(*) + 1 gives 1.
        let rows = try run(
            """
            SELECT name,
                   (SELECT count(*) FROM orders o WHERE o.user_id = u.id),
                   (SELECT sum(amount) FROM orders o WHERE o.user_id = u.id AND amount > 60),
                   (SELECT count(*) + 1 FROM orders o WHERE u.id = o.user_id)
            FROM users u ORDER BY id
            """)
        #expect(text(rows) == ["ada|2|100|3", "bob|1|70|2", "cy|1|NULL|2", "dee|0|NULL|1"])
        // A NULL outer key matches no group and gets the empty value.
        let orders = try run("SELECT id, (SELECT count(*) FROM users u WHERE u.id = o.user_id) FROM orders o ORDER BY id")
        #expect(text(orders) == ["10|1", "11|1", "12|1", "13|1", "14|0", "15|0"])
    }
}
