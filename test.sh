#!/usr/bin/env bash
# Builds TeleDB and runs every test: the unit and integration suites under Tests/ (Swift
# Testing), then the project's sqllogictest files and the whole shared sqllogictest corpus
# through the release binary, then the wire tests, where real PostgreSQL clients from a
# Python virtual environment query a server the tests start.
#
#   ./test.sh            the default run (a few minutes)
#   TELEDB_SLOW=1 ./test.sh   also the slow suites (100,000 generated pings)
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
swift build --build-tests 2>&1 | tail -n 3
swift test --skip-build 2>&1 | tee .build/test-output.txt | grep -E "^(✘|✔ Test run|Test run|.*error:)" || true
if ! grep -q "Test run with .* passed" .build/test-output.txt; then
    echo "unit and integration tests failed; see .build/test-output.txt" >&2
    grep -E "✘|error" .build/test-output.txt | head -n 50 >&2
    exit 1
fi

swift build -c release 2>&1 | tail -n 1
.build/release/teledb sqllogictest Tests/SQL
if [ -d ../shared/sqllogictest/test ]; then
    # The whole shared corpus: about 230,000 records in under a minute.
    .build/release/teledb sqllogictest ../shared/sqllogictest/test
fi

# Real PostgreSQL clients (psql, psycopg, asyncpg, SQLAlchemy) against `teledb serve`.
scripts/wire-tests.sh
