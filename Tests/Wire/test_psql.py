"""The psql binary against `teledb serve`: -c queries, errors with a caret, and the
meta-commands that read the emulated catalog."""

import shutil
import subprocess

import pytest

PSQL = shutil.which("psql")
pytestmark = pytest.mark.skipif(PSQL is None, reason="psql is not installed")


def psql(server, *arguments, check=True):
    result = subprocess.run(
        [PSQL, "-X", "-h", "127.0.0.1", "-p", str(server.port), "-U", "analyst", "-d", "teledb", *arguments],
        capture_output=True, text=True, timeout=60, env={"PGCONNECT_TIMEOUT": "10", "PATH": "/usr/bin:/bin"})
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_count_matches_the_generated_pings(server, expected):
    result = psql(server, "-A", "-t", "-c", "SELECT count(*) FROM pings")
    assert result.stdout.strip() == str(expected["pings"])


def test_group_by_channel_matches(server, expected):
    result = psql(server, "-A", "-t", "-F", ",", "-c",
                  "SELECT channel, count(*) FROM pings GROUP BY channel ORDER BY channel")
    rows = dict(line.split(",") for line in result.stdout.strip().splitlines())
    assert {channel: int(count) for channel, count in rows.items()} == dict(expected["by_channel"])


def test_several_statements_stop_at_the_first_error(server):
    result = psql(server, "-A", "-t", "-c", "SELECT 1; SELECT nope FROM pings; SELECT 3", check=False)
    assert result.returncode != 0
    assert "1" in result.stdout.split()
    assert "3" not in result.stdout.split()
    assert "nope" in result.stderr


def test_error_points_at_the_offending_character(server):
    result = psql(server, "-c", "SELECT count(*) FROM pingz", check=False)
    assert result.returncode != 0
    assert 'relation "pingz" does not exist' in result.stderr
    # psql prints the statement and a caret under the position the server reported.
    lines = result.stderr.splitlines()
    line_index = next(i for i, line in enumerate(lines) if line.startswith("LINE 1:"))
    caret = lines[line_index + 1].index("^") - len("LINE 1: ")
    assert lines[line_index][len("LINE 1: "):][caret:].startswith("pingz")


def test_describe_tables(server):
    result = psql(server, "-c", r"\dt")
    for table in ("pings", "histograms", "scalars"):
        assert table in result.stdout


def test_describe_one_table(server):
    result = psql(server, "-c", r"\d pings")
    assert "client_id" in result.stdout
    assert "character varying" in result.stdout or "text" in result.stdout
    assert "timestamp without time zone" in result.stdout


def test_list_databases_and_conninfo(server):
    assert "teledb" in psql(server, "-c", r"\l").stdout
    info = psql(server, "-c", r"\conninfo").stdout
    assert "127.0.0.1" in info
    assert str(server.port) in info
