"""What a misbehaving or busy client must not break: malformed and oversized messages, a
client that vanishes mid-query, a cancelled query, and 50 clients reading while one writes."""

import socket
import struct
import threading
import time

import psycopg
import pytest

SLOW_QUERY = ("SELECT count(*) FROM pings a, pings b, pings c "
              "WHERE a.session_length + b.session_length > c.session_length")


def startup_packet(user="analyst", database="teledb"):
    body = struct.pack("!I", 196608)
    for key, value in (("user", user), ("database", database)):
        body += key.encode() + b"\0" + value.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def read_messages(sock, until=b"Z"):
    """Reads backend messages until one of type `until` or end of stream; returns their types."""
    types = []
    buffer = b""
    sock.settimeout(10)
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            return types
        if not chunk:
            return types
        buffer += chunk
        while len(buffer) >= 5:
            kind, length = buffer[0:1], struct.unpack("!I", buffer[1:5])[0]
            if len(buffer) < 1 + length:
                break
            types.append((kind, buffer[5:1 + length]))
            buffer = buffer[1 + length:]
            if kind == until:
                return types


def connect_raw(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(startup_packet())
    messages = read_messages(sock)
    assert messages and messages[-1][0] == b"Z", messages
    return sock


def assert_server_answers(server):
    with psycopg.connect(server.dsn) as connection:
        assert connection.execute("SELECT 1").fetchone()[0] == 1


def sqlstate(body):
    fields = body.split(b"\0")
    return next(field[1:].decode() for field in fields if field.startswith(b"C"))


def test_oversized_message_closes_only_that_connection(server):
    sock = connect_raw(server)
    sock.sendall(b"Q" + struct.pack("!I", 0x7FFFFFF0))
    messages = read_messages(sock, until=b"E")
    assert messages[-1][0] == b"E"
    assert sqlstate(messages[-1][1]) == "08P01"
    assert sock.recv(1) == b""
    sock.close()
    assert_server_answers(server)


def test_truncated_message_closes_only_that_connection(server):
    sock = connect_raw(server)
    # A Query message that claims 100 bytes and then ends.
    sock.sendall(b"Q" + struct.pack("!I", 100) + b"SELECT 1")
    sock.shutdown(socket.SHUT_WR)
    read_messages(sock, until=b"E")
    sock.close()
    assert_server_answers(server)


def test_malformed_startup_is_refused(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(struct.pack("!I", 3))
    read_messages(sock, until=b"E")
    sock.close()
    assert_server_answers(server)


def test_client_disconnecting_mid_query(server):
    sock = connect_raw(server)
    query = SLOW_QUERY.encode() + b"\0"
    sock.sendall(b"Q" + struct.pack("!I", len(query) + 4) + query)
    time.sleep(0.5)
    sock.close()
    assert_server_answers(server)
    assert server.alive()


def test_cancel_request_stops_a_long_query(server):
    with psycopg.connect(server.dsn) as connection:
        timer = threading.Timer(1.0, connection.cancel)
        timer.start()
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            connection.execute(SLOW_QUERY)
        timer.cancel()
        assert time.monotonic() - started < 30
        connection.rollback()
        assert connection.execute("SELECT 2").fetchone()[0] == 2


def test_fifty_readers_while_one_writer_inserts(fresh_server):
    batch = 1000
    batches = 15
    with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
        connection.execute("CREATE TABLE events (batch INTEGER, value INTEGER)")

    failures = []
    stop = threading.Event()

    def writer():
        try:
            with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
                for number in range(batches):
                    values = ",".join(f"({number}, {index})" for index in range(batch))
                    connection.execute(f"INSERT INTO events VALUES {values}")
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(f"writer: {error!r}")
        finally:
            stop.set()

    def reader(number):
        try:
            with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
                last = 0
                while True:
                    done = stop.is_set()
                    count, batches_seen = connection.execute(
                        "SELECT count(*), count(DISTINCT batch) FROM events").fetchone()
                    # Each INSERT commits whole, so a reader sees complete batches only,
                    # and never fewer rows than it saw before.
                    if count != batches_seen * batch or count < last:
                        failures.append(f"reader {number}: {count} rows in {batches_seen} batches after {last}")
                        return
                    last = count
                    if done:
                        return
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(f"reader {number}: {error!r}")

    threads = [threading.Thread(target=reader, args=(number,)) for number in range(50)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures[:5]
    with psycopg.connect(fresh_server.dsn) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == batch * batches


def test_statement_timeout_stops_writes_and_table_functions(fresh_server):
    with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
        connection.execute("CREATE TABLE big (a BIGINT)")
        connection.execute("SET statement_timeout = '300ms'")
        with pytest.raises(psycopg.errors.QueryCanceled):
            connection.execute("INSERT INTO big SELECT a FROM generate_series(1, 9000000) a")
        # A cancelled write commits nothing.
        assert connection.execute("SELECT count(*) FROM big").fetchone()[0] == 0
        connection.execute("CREATE TABLE n AS SELECT a FROM generate_series(1, 100000) a")
        with pytest.raises(psycopg.errors.QueryCanceled):
            connection.execute("SELECT count(*) FROM n, generate_series(1, 100000) b WHERE n.a < b.b")


def test_reading_block_beside_open_write(fresh_server):
    with psycopg.connect(fresh_server.dsn) as first, psycopg.connect(fresh_server.dsn) as second:
        first.execute("CREATE TABLE t (a INTEGER)")
        first.commit()
        first.execute("INSERT INTO t VALUES (1)")
        # psycopg opens a transaction block before this query; it must not wait for the
        # first connection's open write.
        assert second.execute("SELECT count(*) FROM t").fetchone()[0] == 0
        first.commit()
        second.commit()
        assert second.execute("SELECT count(*) FROM t").fetchone()[0] == 1
