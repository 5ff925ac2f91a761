#!/usr/bin/env bash
# The image's install and start path, without a container engine (CI has none):
#   1. a fresh virtualenv; the Dockerfile's build-stage files and pip command (no dev extras);
#   2. a fresh PostgreSQL database, migrated the way the k8s Job does (`calling migrate`);
#   3. the Dockerfile's CMD, read from the Dockerfile itself, run from a working directory
#      holding only what the runtime stage copies, with CALLING_ENVIRONMENT=production;
#   4. /readyz must answer 200 within 30 s, /livez and /metrics too, and /docs and /redoc
#      with their assets from the installed package (no CDN); logs must be JSON, and
#      SIGTERM must stop it cleanly.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
python=${PYTHON:-python3}
db=calling_prodcheck
pg_host=${PGHOST:-127.0.0.1}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "prod-install-check: $*" >&2; [[ -f "$work/server.log" ]] && tail -n 40 "$work/server.log" >&2; exit 1; }
step() { printf -- '--- %s\n' "$*"; }

step "build stage: pip install --no-cache-dir . into a fresh venv"
"$python" -m venv "$work/venv"
mkdir "$work/src"
cp -R pyproject.toml README.md service "$work/src/"   # the build stage's COPY lines
find "$work/src" -name '__pycache__' -prune -exec rm -rf {} +
(cd "$work/src" && PIP_DISABLE_PIP_VERSION_CHECK=1 "$work/venv/bin/pip" install -q --no-cache-dir .)
if "$work/venv/bin/python" -c 'import pytest' 2>/dev/null; then fail "dev extras were installed"; fi

step "runtime stage: /app holds migrations/ and alembic.ini only"
mkdir "$work/app"
cp -R migrations alembic.ini "$work/app/"
find "$work/app" -name '__pycache__' -prune -exec rm -rf {} +
export PATH="$work/venv/bin:$PATH"
export CALLING_ENVIRONMENT=production
export CALLING_MIGRATIONS_DIR="$work/app/migrations"
export CALLING_DATABASE_URL="postgresql://postgres@$pg_host:5432/$db"
unset CALLING_SECRET_KEY

cd "$work/app"
step "production refuses the development secret"
if refusal=$(calling migrate 2>&1); then fail "production ran without CALLING_SECRET_KEY"; fi
grep -q "CALLING_SECRET_KEY must be set" <<<"$refusal" || fail "unexpected failure: $refusal"
CALLING_SECRET_KEY=$("$work/venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export CALLING_SECRET_KEY

step "fresh database $db"
psql -h "$pg_host" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"

step "migrations, as the k8s Job runs them: calling migrate"
calling migrate

step "the Dockerfile's CMD"
port=$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Print the CMD from the Dockerfile, NUL-separated, with the port swapped for a free one.
mapfile -d '' cmd < <("$work/venv/bin/python" - "$repo/Dockerfile" "$port" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
(cmd,) = [json.loads(line[4:]) for line in lines if line.startswith("CMD ")]
cmd[cmd.index("--port") + 1] = sys.argv[2]
sys.stdout.write("\0".join(cmd) + "\0")
PY
)
[[ "${cmd[0]}" == calling ]] || fail "unexpected CMD: ${cmd[*]}"
echo "${cmd[*]}"
"${cmd[@]}" >"$work/server.log" 2>&1 &
server_pid=$!

step "poll /readyz until 200 (30 s)"
"$work/venv/bin/python" - "$port" <<'PY' || fail "/readyz did not answer 200 within 30 s"
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=3) as response:
            if response.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.5)
for path in ("/livez", "/metrics", "/docs", "/redoc", "/docs-assets/swagger-ui-bundle.js",
             "/docs-assets/swagger-ui.css", "/docs-assets/redoc.standalone.js"):
    with urllib.request.urlopen(base + path, timeout=3) as response:
        assert response.status == 200, path
        if path in ("/docs", "/redoc"):
            page = response.read().decode()
            assert "https://" not in page and "http://" not in page, f"{path} loads from a CDN"
            assert response.headers["Content-Security-Policy"], path
print("ready")
PY

step "stop it with SIGTERM"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
# uvicorn re-raises SIGTERM after draining: 143 (128 + 15) outside a container, 0 as PID 1.
[[ $status -eq 0 || $status -eq 143 ]] || fail "the server exited with status $status"

step "logs are JSON lines"
"$work/venv/bin/python" - "$work/server.log" <<'PY' || fail "a log line is not JSON"
import json, sys
lines = [line for line in open(sys.argv[1], encoding="utf-8").read().splitlines() if line]
records = [json.loads(line) for line in lines]
routes = {r.get("route") for r in records if r["logger"] == "calling.access"}
assert {"/readyz", "/livez", "/metrics"} <= routes, routes
print(f"{len(records)} JSON log lines")
PY

psql -h "$pg_host" -U postgres -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
step "ok"
