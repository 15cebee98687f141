"""psycopg 3 and psycopg2 against `teledb serve`: simple and extended queries, parameters,
server-side cursors, Python types of results, errors and notifications."""

import datetime

import psycopg
import psycopg2
import pytest


def test_simple_query_counts_the_pings(server, expected):
    with psycopg.connect(server.dsn, prepare_threshold=None) as connection:
        count = connection.execute("SELECT count(*) FROM pings").fetchone()[0]
    assert count == expected["pings"]


def test_parameters_use_the_extended_protocol(server, expected):
    with psycopg.connect(server.dsn) as connection:
        for channel, count in expected["by_channel"].items():
            row = connection.execute(
                "SELECT count(*), sum(session_length) FROM pings WHERE channel = %s", (channel,),
                prepare=True).fetchone()
            assert row[0] == count


def test_sum_matches_python(server, expected):
    with psycopg.connect(server.dsn) as connection:
        total = connection.execute("SELECT sum(session_length) FROM pings").fetchone()[0]
    assert total == expected["session_length_sum"]


def test_result_types_decode(server):
    with psycopg.connect(server.dsn) as connection:
        row = connection.execute(
            "SELECT true, 7::SMALLINT, 42, 9000000000, 1.5::REAL, 2.25::DOUBLE, 'text', "
            "DATE '2024-03-01', TIMESTAMP '2024-03-01 12:30:00', NULL::INTEGER").fetchone()
    assert row == (True, 7, 42, 9000000000, 1.5, 2.25, "text", datetime.date(2024, 3, 1),
                   datetime.datetime(2024, 3, 1, 12, 30), None)


def test_binary_results(server):
    with psycopg.connect(server.dsn) as connection:
        with connection.cursor(binary=True) as cursor:
            cursor.execute("SELECT 42, 2.5::DOUBLE, 'x', true, DATE '2000-01-02', %s::BIGINT", (-5,))
            assert cursor.fetchone() == (42, 2.5, "x", True, datetime.date(2000, 1, 2), -5)


def test_server_side_cursor_fetches_in_pieces(server, expected):
    with psycopg.connect(server.dsn) as connection:
        with connection.cursor(name="all_pings") as cursor:
            cursor.itersize = 300
            cursor.execute("SELECT client_id FROM pings")
            seen = 0
            while True:
                rows = cursor.fetchmany(300)
                if not rows:
                    break
                assert len(rows) <= 300
                seen += len(rows)
    assert seen == expected["pings"]


def test_histogram_arrives_as_json(server):
    with psycopg.connect(server.dsn) as connection:
        value = connection.execute(
            "SELECT HISTOGRAM(session_length, EXPONENTIAL(1, 100000, 20)) FROM pings").fetchone()[0]
    assert isinstance(value, dict)
    assert value["kind"] == "exponential"
    assert sum(value["values"].values()) > 0


def test_error_carries_sqlstate_and_keeps_the_connection(server):
    with psycopg.connect(server.dsn, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.UndefinedTable) as raised:
            connection.execute("SELECT * FROM no_such_table")
        assert raised.value.sqlstate == "42P01"
        assert connection.execute("SELECT 1").fetchone()[0] == 1


def test_transaction_block_rolls_back(fresh_server):
    with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")
    with psycopg.connect(fresh_server.dsn) as connection:
        connection.execute("INSERT INTO t VALUES (1)")
        connection.rollback()
        connection.execute("INSERT INTO t VALUES (2)")
        connection.commit()
        assert connection.execute("SELECT x FROM t").fetchall() == [(2,)]


def test_listen_and_notify_between_sessions(fresh_server):
    with psycopg.connect(fresh_server.dsn, autocommit=True) as listener, \
            psycopg.connect(fresh_server.dsn, autocommit=True) as sender:
        listener.execute("LISTEN alerts")
        sender.execute("NOTIFY alerts, 'gc is slow'")
        notification = next(listener.notifies(timeout=10))
    assert notification.channel == "alerts"
    assert notification.payload == "gc is slow"


def test_psycopg2_reads_rows(server, expected):
    connection = psycopg2.connect(server.dsn)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT channel, count(*) FROM pings WHERE channel = %s GROUP BY channel", ("release",))
        rows = cursor.fetchall()
        assert rows == [("release", expected["by_channel"]["release"])]
    finally:
        connection.close()


def test_session_reports_the_login(server):
    with psycopg.connect(server.dsn) as connection:
        row = connection.execute("SELECT current_user, session_user, current_database()").fetchone()
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        assert row == ("analyst", "analyst", "teledb")
        assert backend == connection.info.backend_pid
