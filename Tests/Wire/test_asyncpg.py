"""asyncpg against `teledb serve`: the binary protocol, prepared statements, type
introspection and a connection pool whose connections are reset on release."""

import asyncio
import datetime

import asyncpg


def run(coroutine):
    return asyncio.run(coroutine)


def test_fetch_in_binary(server, expected):
    async def body():
        connection = await asyncpg.connect(host="127.0.0.1", port=server.port, user="analyst", database="teledb")
        try:
            count = await connection.fetchval("SELECT count(*) FROM pings")
            row = await connection.fetchrow(
                "SELECT true AS b, 3::INTEGER AS i, 2.5::DOUBLE AS f, 'x' AS t, DATE '2024-03-01' AS d, "
                "TIMESTAMP '2024-03-01 01:02:03' AS ts")
            return count, row
        finally:
            await connection.close()

    count, row = run(body())
    assert count == expected["pings"]
    assert dict(row) == {"b": True, "i": 3, "f": 2.5, "t": "x", "d": datetime.date(2024, 3, 1),
                         "ts": datetime.datetime(2024, 3, 1, 1, 2, 3)}


def test_prepared_statement_with_parameters(server, expected):
    async def body():
        connection = await asyncpg.connect(host="127.0.0.1", port=server.port, user="analyst", database="teledb")
        try:
            statement = await connection.prepare("SELECT count(*) FROM pings WHERE channel = $1")
            return {channel: await statement.fetchval(channel) for channel in expected["by_channel"]}
        finally:
            await connection.close()

    assert run(body()) == dict(expected["by_channel"])


def test_pool_reuses_reset_connections(server, expected):
    async def body():
        pool = await asyncpg.create_pool(
            host="127.0.0.1", port=server.port, user="analyst", database="teledb", min_size=2, max_size=4)
        try:
            async def one():
                async with pool.acquire() as connection:
                    return await connection.fetchval("SELECT count(*) FROM pings")
            return await asyncio.gather(*(one() for _ in range(12)))
        finally:
            await pool.close()

    assert run(body()) == [expected["pings"]] * 12


def test_statement_timeout_cancels(server):
    async def body():
        connection = await asyncpg.connect(host="127.0.0.1", port=server.port, user="analyst", database="teledb")
        try:
            try:
                await connection.fetchval(
                    "SELECT count(*) FROM pings a, pings b, pings c WHERE a.session_length + b.session_length "
                    "> c.session_length", timeout=1)
            except asyncio.TimeoutError:
                pass
            # The connection still works after the cancelled query.
            return await connection.fetchval("SELECT 5")
        finally:
            await connection.close()

    assert run(body()) == 5


def test_binary_interval_and_untyped_text_parameters(server):
    async def body():
        connection = await asyncpg.connect(host="127.0.0.1", port=server.port, user="analyst", database="teledb")
        try:
            interval = await connection.fetchval("SELECT $1::interval", datetime.timedelta(days=1, hours=2))
            text = await connection.fetchval("SELECT $1", "héllo")
            return interval, text
        finally:
            await connection.close()

    interval, text = run(body())
    assert interval == datetime.timedelta(days=1, hours=2)
    assert text == "héllo"
