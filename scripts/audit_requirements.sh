#!/usr/bin/env bash
# Audit the pinned runtime requirements for known vulnerabilities (PyPI's advisory feed).
#
#   scripts/audit_requirements.sh            exit 0: no known vulnerability
#                                            exit 1: a vulnerability was found, or a package
#                                                    could not be audited (never a silent pass)
#
# The pins are exact (==) so no resolver run is needed: --no-deps audits exactly what the files
# name and --disable-pip skips creating a throw-away virtualenv (works without a build toolchain).
# --strict turns "could not be audited" (package or version unknown to the feed) into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT="${PIP_AUDIT:-}"
if [[ -z "$PIP_AUDIT" ]]; then
  if [[ -x .venv/bin/pip-audit ]]; then PIP_AUDIT=.venv/bin/pip-audit; else PIP_AUDIT=pip-audit; fi
fi

exec "$PIP_AUDIT" \
  -r requirements/base.txt \
  -r requirements/production.txt \
  --progress-spinner off \
  --disable-pip \
  --no-deps \
  --strict \
  --vulnerability-service pypi \
  --desc on \
  "$@"
