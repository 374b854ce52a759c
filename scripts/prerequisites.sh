#!/usr/bin/env bash
# Installs what ReHome needs beyond the .NET SDK, and says what it installs.
# Sourced by run.sh and test.sh; safe to run again (it installs only what is missing).
set -euo pipefail

say() { printf '==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "error: '$*' needs root; run it as root or install sudo" >&2; return 1; fi
}

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $* missing and this machine has no apt-get; install it with your package manager" >&2
    return 1
  fi
  say "installing $* with apt-get (needs root)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required: https://dotnet.microsoft.com/download/dotnet/10.0" >&2
    exit 1
  fi
}

container_engine_answers() {
  local engine="${ASPIRE_CONTAINER_RUNTIME:-docker}"
  command -v "$engine" >/dev/null 2>&1 && timeout 5 "$engine" info >/dev/null 2>&1
}

# Redis: the AppHost runs the Redis container where a container engine answers, else the
# machine's redis-server (Redis:Mode=auto). Install redis-server only when neither exists.
ensure_redis() {
  if [ "${Redis__Mode:-auto}" = "external" ] || [ "${Redis__Mode:-auto}" = "container" ]; then return 0; fi
  if [ "${Redis__Mode:-auto}" = "auto" ] && container_engine_answers; then return 0; fi
  if command -v redis-server >/dev/null 2>&1; then return 0; fi
  say "no container engine answers and redis-server is missing"
  apt_install redis-server
  # Debian starts a system Redis on 6379 when the package installs; ReHome runs its own, so stop it.
  as_root service redis-server stop >/dev/null 2>&1 || true
}

# Node.js and npm: the API's build bundles the browser client (ReHome.Api/ClientApp) with npm.
ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then return 0; fi
  say "Node.js/npm missing (the API's build bundles the browser client with npm)"
  apt_install nodejs npm
}

# Debian's Chromium: the browser tests (ReHome.Tests/Browser) drive it through Playwright.
ensure_chromium() {
  if [ -x "${REHOME_CHROMIUM:-/usr/bin/chromium}" ]; then return 0; fi
  say "chromium missing (the browser tests drive it)"
  apt_install chromium
}

# Debian's Python with python3-websockets: the Python client's tests (ReHome.Tests/Clients/Python*)
# run clients/python under /usr/bin/python3, which sees apt's packages; pip, setuptools and wheel build
# its wheel offline (PythonClientPackageTests).
ensure_python_websockets() {
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import websockets, setuptools, wheel, pip' >/dev/null 2>&1; then return 0; fi
  say "python3-websockets, pip, setuptools or wheel missing (the Python client's tests use them)"
  apt_install python3 python3-websockets python3-pip python3-setuptools python3-wheel
}
