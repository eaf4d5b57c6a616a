#!/usr/bin/env bash
# The end-to-end suite twice, side by side: on SQLite (the default) and on PostgreSQL
# (`make test`). Each pytest process works in its own PostgreSQL database
# (tests/e2e/conftest.py `per_run_url`), on free ports, with its own SDKAppIDs where
# Redis is shared (test_cluster), so the two passes never see each other's data.
# Every output line is prefixed with its pass ([sqlite], [postgresql]); the exit
# status is non-zero if either pass failed.
#
# Usage: tools/e2e_passes.sh BIN PG_URL [pytest arguments...]
#   BIN      the virtualenv's bin folder (pytest, python)
#   PG_URL   the PostgreSQL URL of the second pass (PALAVER_TEST_DATABASE_URL)
# Without a reachable PostgreSQL the second pass is skipped, or under CI=true the
# run fails.
set -uo pipefail

bin=$1
pg_url=$2
shift 2

run_pass() {  # NAME VAR=value...: pytest with those variables and this script's arguments
    local name=$1
    shift
    env "$@" "$bin/pytest" -q "${PYTEST_ARGS[@]}" 2>&1 | sed -u "s/^/[$name] /"
}

PYTEST_ARGS=("$@")

pg_up=0
if "$bin/python" -c "import asyncio, asyncpg; asyncio.run(asyncpg.connect('postgresql://postgres@127.0.0.1:5432/postgres', timeout=3))" 2>/dev/null; then
    pg_up=1
elif [ "${CI:-}" = true ]; then
    echo "make test: PostgreSQL is not reachable on 127.0.0.1:5432 (required in CI)" >&2
    exit 1
else
    echo "make test: PostgreSQL is not reachable; the PostgreSQL pass is skipped" >&2
fi

echo "== the end-to-end suite on SQLite$([ $pg_up = 1 ] && echo ' and, side by side, on PostgreSQL')"
started=$(date +%s)
run_pass sqlite &
sqlite_pid=$!
if [ $pg_up = 1 ]; then
    run_pass postgresql PALAVER_TEST_DATABASE_URL="$pg_url" &
    pg_pid=$!
fi

wait $sqlite_pid
sqlite_rc=$?
pg_rc=0
if [ $pg_up = 1 ]; then
    wait $pg_pid
    pg_rc=$?
fi
echo "== end-to-end: SQLite exit $sqlite_rc$([ $pg_up = 1 ] && echo ", PostgreSQL exit $pg_rc") ($(( $(date +%s) - started )) s)"
[ $sqlite_rc = 0 ] && [ $pg_rc = 0 ]
