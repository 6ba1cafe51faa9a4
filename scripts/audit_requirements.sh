#!/usr/bin/env bash
# Audit the pinned runtime requirements for known vulnerabilities (PyPI's advisory feed, or OSV).
#
#   scripts/audit_requirements.sh            exit 0: every pinned package was checked, none is vulnerable
#                                            exit 1: a known vulnerability was found
#                                            exit 2: nothing (or not everything) could be checked: the
#                                                    vulnerability source is unreachable or does not
#                                                    know a pinned version. Never reported as a pass.
#
#   AUDIT_VULNERABILITY_SERVICE=osv scripts/audit_requirements.sh     use OSV (api.osv.dev) instead of PyPI
#   AUDIT_TIMEOUT=20                                                  seconds per request (default 15)
#
# Needs HTTPS to pypi.org (or api.osv.dev), directly or through HTTPS_PROXY. Before auditing, one
# request for a pinned package's advisory record proves the source answers: a closed network, a
# proxy that refuses, or a mirror that serves only package files (no per-version JSON) stops here
# with a message instead of an empty "no known vulnerabilities".
#
# The pins are exact (==) so no resolver run is needed: --no-deps audits exactly what the files
# name and --disable-pip skips creating a throw-away virtualenv (works without a build toolchain).
# --strict turns "could not be audited" (package or version unknown to the feed) into a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

SERVICE="${AUDIT_VULNERABILITY_SERVICE:-pypi}"
TIMEOUT="${AUDIT_TIMEOUT:-15}"
PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
PIP_AUDIT="${PIP_AUDIT:-}"
if [[ -z "$PIP_AUDIT" ]]; then
  if [[ -x .venv/bin/pip-audit ]]; then PIP_AUDIT=.venv/bin/pip-audit; else PIP_AUDIT=pip-audit; fi
fi

fail_unchecked() {
  echo "audit_requirements: NOT CHECKED: $1" >&2
  echo "audit_requirements: no vulnerability source answered, so nothing is known about the pinned" >&2
  echo "audit_requirements: packages. Run this where HTTPS to pypi.org or api.osv.dev is allowed (README, Security)." >&2
  exit 2
}

# 1. Can the source be reached, and does it serve advisory data? (Django's pin as the probe.)
probe=$("$PYTHON" - "$SERVICE" "$TIMEOUT" <<'EOF' 2>&1
import json, re, sys
from pathlib import Path

import requests

service, timeout = sys.argv[1], float(sys.argv[2])
pin = re.search(r"^Django==(\S+)", Path("requirements/base.txt").read_text(), re.M | re.I)
version = pin.group(1) if pin else "5.2"
try:
    if service == "osv":
        url = "https://api.osv.dev/v1/query"
        r = requests.post(url, json={"package": {"name": "django", "ecosystem": "PyPI"}, "version": version},
                          timeout=timeout)
        ok = r.status_code == 200 and isinstance(r.json(), dict)
    elif service == "pypi":
        url = f"https://pypi.org/pypi/django/{version}/json"
        r = requests.get(url, timeout=timeout)
        ok = r.status_code == 200 and "vulnerabilities" in r.json()
    else:
        print(f"unknown vulnerability service {service!r} (pypi or osv)")
        sys.exit(1)
except (requests.RequestException, ValueError) as exc:
    print(f"{url}: {exc.__class__.__name__}")
    sys.exit(1)
if not ok:
    print(f"{url} answered HTTP {r.status_code} without advisory data")
    sys.exit(1)
EOF
) || fail_unchecked "${probe:-the ${SERVICE} vulnerability source could not be reached}"

# 2. The audit itself; a connection that drops half-way is still "not checked", not a pass.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$PIP_AUDIT" \
  -r requirements/base.txt \
  -r requirements/production.txt \
  --progress-spinner off \
  --disable-pip \
  --no-deps \
  --strict \
  --vulnerability-service "$SERVICE" \
  --timeout "$TIMEOUT" \
  --desc on \
  "$@" 2> >(tee "$log" >&2)
rc=$?
wait
if [[ $rc -ne 0 ]] && grep -qE "ConnectionError|ProxyError|ConnectTimeout|ReadTimeout|Max retries|could not be audited|ServiceError" "$log"; then
  fail_unchecked "pip-audit could not query every pinned package (see the lines above)"
fi
exit $rc
