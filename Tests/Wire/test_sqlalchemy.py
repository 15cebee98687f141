"""SQLAlchemy's PostgreSQL dialect and pandas.read_sql against `teledb serve`."""

import pandas
import sqlalchemy


def test_pandas_reads_a_grouped_query(server, expected):
    engine = sqlalchemy.create_engine(server.url("psycopg"))
    try:
        frame = pandas.read_sql(
            "SELECT channel, count(*) AS pings FROM pings GROUP BY channel ORDER BY channel", engine)
    finally:
        engine.dispose()
    assert list(frame.columns) == ["channel", "pings"]
    assert dict(zip(frame["channel"], frame["pings"])) == dict(expected["by_channel"])


def test_sqlalchemy_core_with_bound_parameters(server, expected):
    engine = sqlalchemy.create_engine(server.url("psycopg2"))
    try:
        with engine.connect() as connection:
            count = connection.execute(
                sqlalchemy.text("SELECT count(*) FROM pings WHERE channel = :channel"),
                {"channel": "release"}).scalar_one()
            has_table = sqlalchemy.inspect(connection).has_table("pings")
    finally:
        engine.dispose()
    assert count == expected["by_channel"]["release"]
    assert has_table
