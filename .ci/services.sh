#!/usr/bin/env bash
# Install and start PostgreSQL and Redis from Debian's packages on loopback, for the integration and e2e tiers.
# Idempotent: a server that already answers is left alone. Prints the URLs to export on stdout, and only them:
# everything the servers' tools print goes to stderr (pg_ctlcluster says "Removed stale pid file." on stdout).
set -euo pipefail
exec 3>&1 1>&2
# The postgres user may not be able to enter the caller's directory (a clone under /root); psql then cannot start.
cd /

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_lsclusters -h | grep -q "^$version main" || sudo_if_needed pg_createcluster "$version" main >/dev/null
  sudo_if_needed pg_ctlcluster "$version" main start 3>&-  # a server must not hold the URL pipe open
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
sudo_if_needed su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes 3>&-
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

echo "DATABASE_URL_TEST=postgresql+psycopg://postgres:postgres@127.0.0.1:5432/scaffold_test" >&3
echo "REDIS_URL_TEST=redis://127.0.0.1:6379/1" >&3
