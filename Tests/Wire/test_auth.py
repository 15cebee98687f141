"""Authentication: trust while no user exists; once one does, SCRAM-SHA-256 with the right
password and 28P01 for a wrong or missing one."""

import psycopg
import pytest


def test_users_require_scram_passwords(fresh_server):
    with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
        connection.execute("CREATE USER analyst PASSWORD 'correct horse'")

    with psycopg.connect(fresh_server.dsn + " password='correct horse'") as connection:
        assert connection.execute("SELECT 1").fetchone()[0] == 1

    with pytest.raises(psycopg.OperationalError) as wrong:
        psycopg.connect(fresh_server.dsn + " password='battery staple'")
    assert "28P01" in str(wrong.value) or "password authentication failed" in str(wrong.value)

    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(fresh_server.dsn)

    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(fresh_server.dsn.replace("user=analyst", "user=nobody") + " password='correct horse'")


def test_password_never_reaches_the_log(fresh_server):
    with psycopg.connect(fresh_server.dsn, autocommit=True) as connection:
        connection.execute("CREATE USER keeper PASSWORD 'hunter2-secret'")
        with pytest.raises(psycopg.Error):
            connection.execute("CREATE USER keeper PASSWORD 'hunter2-secret'")
    fresh_server.stop()
    assert "hunter2-secret" not in "".join(fresh_server.log)
