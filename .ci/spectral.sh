#!/usr/bin/env bash
# Lint the committed contract (openapi/openapi.json) with Spectral: the OpenAPI rules and the
# OWASP API Security Top 10 2023 rules (.spectral.yaml), at the versions pinned in
# package-lock.json. Fails on any warning (the rules that do not apply are switched off in
# .spectral.yaml, each with its reason).
set -euo pipefail
cd "$(dirname "$0")/.."
export SCARF_ANALYTICS=false  # no install-time telemetry from a dependency
npm ci --no-audit --no-fund --loglevel=error >/dev/null
npx --no-install spectral lint openapi/openapi.json --ruleset .spectral.yaml --fail-severity warn
