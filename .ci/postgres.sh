# A throw-away PostgreSQL cluster for the tests; sourced by .ci/run.
#
# start_test_postgres installs Debian's PostgreSQL when it is missing, starts a cluster as
# an unprivileged user in a temporary directory on a free loopback port (trust auth, which
# only the loopback interface reaches; fsync off: the data dies with the run anyway), and
# exports DRAFTER_TEST_PG for the tests. An EXIT trap stops it and removes the directory,
# on success and on failure alike. A DRAFTER_TEST_PG already set is used as it is.

_pg_dir=""
_pg_user=""

_pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

_pg_install() {
  [ "$(id -u)" -eq 0 ] || { echo "PostgreSQL is missing: install Debian's postgresql package" >&2; return 1; }
  echo "   installing PostgreSQL (Debian's postgresql package)"
  apt-get update -qq
  # No default cluster: this script starts its own and nothing else should run.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-common >/dev/null
  mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" >>/etc/postgresql-common/createcluster.conf
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# Run a PostgreSQL program as the cluster's owner (initdb and postgres refuse root).
_pg_as_owner() {
  if [ -n "$_pg_user" ]; then runuser -u "$_pg_user" -- "$@"; else "$@"; fi
}

stop_test_postgres() {
  [ -n "$_pg_dir" ] || return 0
  if [ -f "$_pg_dir/data/postmaster.pid" ]; then
    _pg_as_owner "$(_pg_bindir)/pg_ctl" -D "$_pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$_pg_dir"
  _pg_dir=""
}

start_test_postgres() {
  if [ -n "${DRAFTER_TEST_PG:-}" ]; then
    echo "   using DRAFTER_TEST_PG from the environment"
    return 0
  fi
  local bin port
  bin=$(_pg_bindir)
  if [ -z "$bin" ]; then
    _pg_install
    bin=$(_pg_bindir)
    [ -n "$bin" ] || { echo "PostgreSQL install did not provide initdb" >&2; return 1; }
  fi
  if [ "$(id -u)" -eq 0 ]; then
    _pg_user=postgres
    id -u "$_pg_user" >/dev/null 2>&1 \
      || useradd --system --no-create-home --shell /usr/sbin/nologin "$_pg_user"
  fi
  _pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/drafter-ci-pg.XXXXXX")
  trap stop_test_postgres EXIT
  trap 'exit 130' INT TERM
  [ -z "$_pg_user" ] || chown "$_pg_user" "$_pg_dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _pg_as_owner "$bin/initdb" -D "$_pg_dir/data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$_pg_dir/initdb.log" 2>&1 \
    || { cat "$_pg_dir/initdb.log" >&2; return 1; }
  _pg_as_owner "$bin/pg_ctl" -D "$_pg_dir/data" -l "$_pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $_pg_dir -c max_connections=200" \
    -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { cat "$_pg_dir/server.log" >&2; return 1; }
  export DRAFTER_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "   PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (removed on exit)"
}
