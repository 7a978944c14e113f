# Starts a throwaway PostgreSQL server on 127.0.0.1 and exports REDLINE_TEST_PG for the tests.
# Sourced by .ci/run; also usable by hand: `source .ci/postgres.sh && start_postgres`.

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    echo "postgres: not installed; the PostgreSQL store tests will be skipped" >&2
    return 0
  fi
  PG_DIR=$(mktemp -d /tmp/redline-pg.XXXXXX)
  chown postgres "$PG_DIR" 2>/dev/null || true
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U redline --auth=trust >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR" start >/dev/null
  export REDLINE_TEST_PG="postgres://redline@127.0.0.1:$PG_PORT/postgres"
  export PG_BIN="$bin"
  echo "postgres: running at $REDLINE_TEST_PG"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
