#!/usr/bin/env bash
# Makes sure the system services and tools the tests use are present:
#   - a Redis answering at REDIS_URL (starts redis-server, installing it first if needed),
#   - Debian's chromium (dashboard/report tests in a real headless browser),
#   - promtool from Debian's prometheus package (Prometheus exposition check),
#   - ip from Debian's iproute2 (network namespaces for the dashboard isolation check and the
#     hosts suite, test/hosts),
#   - nft from Debian's nftables (packet loss and partitions between the test hosts; the kernel
#     has nftables built in, only the command is needed),
#   - PostgreSQL's server binaries from Debian's postgresql (the metadata service's tests start
#     private servers with initdb; they never touch a shared one).
# Installs with apt-get only when running as root; otherwise it says what is missing. Under CI
# (CI set) it exits 1 when something is still missing, so those tests cannot silently skip;
# locally it warns and exits 0, and the tests that need what is missing skip.
set -uo pipefail

REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${REDIS_URL#redis://}"; hostport="${hostport##*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=6379

apt_updated=0
missing=()
apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    echo "setup-system: missing $*; install it (Debian: apt-get install $*)" >&2
    return 1
  fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

redis_answers() {
  node -e '
    const s = require("node:net").connect({ host: process.argv[1], port: +process.argv[2] })
    const t = setTimeout(() => process.exit(1), 1000)
    s.on("error", () => process.exit(1))
    s.on("connect", () => s.write("PING\r\n"))
    s.on("data", (d) => { clearTimeout(t); process.exit(String(d).includes("PONG") ? 0 : 1) })
  ' "$host" "$port"
}

if redis_answers; then
  echo "setup-system: Redis answers at $REDIS_URL"
else
  command -v redis-server >/dev/null || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 50); do redis_answers && break; sleep 0.1; done
  redis_answers && echo "setup-system: started redis-server on port $port" \
    || { echo "setup-system: could not start Redis at $REDIS_URL" >&2; missing+=(redis); }
fi

if [ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ]; then
  echo "setup-system: chromium present"
else
  apt_install chromium && [ -x /usr/bin/chromium ] && echo "setup-system: installed chromium" \
    || missing+=(chromium)
fi

if command -v promtool >/dev/null; then
  echo "setup-system: promtool present"
else
  apt_install prometheus && command -v promtool >/dev/null \
    && echo "setup-system: installed promtool (prometheus)" || missing+=(promtool)
fi

# ip lives in /usr/sbin, which a non-root PATH may lack.
if command -v ip >/dev/null || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ]; then
  echo "setup-system: ip (iproute2) present"
else
  apt_install iproute2 && { command -v ip >/dev/null || [ -x /usr/sbin/ip ]; } \
    && echo "setup-system: installed ip (iproute2)" || missing+=(ip)
fi

# nft lives in /usr/sbin, which a non-root PATH may lack.
if command -v nft >/dev/null || [ -x /usr/sbin/nft ] || [ -x /sbin/nft ]; then
  echo "setup-system: nft (nftables) present"
else
  apt_install nftables && { command -v nft >/dev/null || [ -x /usr/sbin/nft ]; } \
    && echo "setup-system: installed nft (nftables)" || missing+=(nft)
fi

postgres_binaries() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -x "${PG_BINDIR:-/nonexistent}/initdb" ]; }
if postgres_binaries; then
  echo "setup-system: PostgreSQL binaries present"
else
  apt_install postgresql && postgres_binaries && echo "setup-system: installed PostgreSQL (postgresql)" \
    || missing+=(postgresql)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  if [ -n "${CI:-}" ]; then
    echo "setup-system: CI is set and still missing: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-system: still missing: ${missing[*]}; the tests that need them will skip" >&2
fi
exit 0
