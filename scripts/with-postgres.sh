#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 (initdb into a temp dir, a free port on 127.0.0.1),
# with MERCATO_TEST_PG_URL naming an empty database in it; stops the server by pid at the end, also
# on failure, and exits with the command's status. Used by `make test` and `make bench`.
#
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/with-postgres.sh COMMAND [ARGS...]" >&2; exit 2; }
pgbin=/usr/lib/postgresql/15/bin

pgroot=$(mktemp -d /tmp/mercato-pg-XXXXXX)
pgpid=""
cleanup() {
  if [ -n "$pgpid" ] && kill -0 "$pgpid" 2>/dev/null; then
    kill -INT "$pgpid" 2>/dev/null || true   # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pgpid" 2>/dev/null || true
  fi
  rm -rf "$pgroot"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root; CI runs as root, so the server runs as the postgres user.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$pgroot"
  as_pg=(runuser -u postgres --)
fi

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; return 1
}

"${as_pg[@]}" "$pgbin/initdb" -D "$pgroot/data" -U mercato --auth=trust -E UTF8 --no-sync >"$pgroot/initdb.log" 2>&1 \
  || { cat "$pgroot/initdb.log"; exit 1; }
port=$(free_port)
# fsync off by default: this cluster is thrown away, and the tests kill Mercato, never the machine.
# Benchmarks of durable writes set MERCATO_PG_FSYNC=on, or they would measure a promise not kept.
"${as_pg[@]}" "$pgbin/postgres" -D "$pgroot/data" -h 127.0.0.1 -p "$port" -k "$pgroot" \
  -c fsync="${MERCATO_PG_FSYNC:-off}" -c max_connections=200 >"$pgroot/postgres.log" 2>&1 &
for _ in $(seq 1 100); do
  [ -f "$pgroot/data/postmaster.pid" ] && pgpid=$(head -1 "$pgroot/data/postmaster.pid")
  "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.1
done
"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL did not start:"; cat "$pgroot/postgres.log"; exit 1; }
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U mercato mercato_test

export MERCATO_TEST_PG_URL="postgresql://mercato@127.0.0.1:$port/mercato_test"
echo "PostgreSQL 15 on 127.0.0.1:$port (pid $pgpid)"
"$@"
