#!/usr/bin/env bash
# Create <repo>/.venv-ob2: the official 1EdTech Open Badges 2.0 validator
# (PyPI `openbadges` 1.1.2) and `openbadges-bakery` 2.0.0, for the tests
# (tests/ob2harness.py runs tests/tools/ob2/validate.py with it).
#
#   bash tests/tools/ob2/setup.sh          # idempotent; quick when up to date
#   OB2_PYTHON=/path/to/python3.12 ...     # choose the interpreter (default:
#                                          # the newest python3.x, 3.11-3.13)
#   OB2_VENV=/some/dir ...                 # another venv location
#
# Idempotent: the venv holds .ob2-requirements.sha256 (sha256 of
# requirements.txt, then the Python version); when it matches and the packages
# import, nothing is done.  Otherwise the venv is rebuilt from scratch, and the
# stamp is written last, so an interrupted run is redone next time.
# Works with Python 3.11, 3.12 and 3.13 (each proven with the validator tests).
# On a fresh Debian as root it installs python3.X-venv with apt-get if
# `python3.X -m venv` cannot bootstrap pip.  Needs PyPI only.
#
# WHY THE PINS ARE WHAT THEY ARE (requirements.txt, installed with --no-deps)
# ---------------------------------------------------------------------------
# `pip install openbadges==1.1.2 openbadges-bakery==2.0.0` cannot resolve:
# openbadges pins rfc3986==0.4.1, the bakery wants rfc3986>=1.5.0 (and
# six>=1.16).  Several of openbadges' own pins (it is from 2020-09) do not run
# on Python 3.11 to 3.13.  So every package is pinned by hand and installed with
# --no-deps; `pip check` then lists exactly the overrides below, on purpose.
#   openbadges==1.1.2, openbadges-bakery==2.0.0  the tools under test.
#   PyLD==0.7.1          openbadges' pin, and the only one that works: PyLD>=1.0
#                        calls documentLoader(url, options) but the validator's
#                        CachableDocumentLoader takes (url) only.  0.7.1 runs
#                        on 3.11-3.13.
#   rfc3986==0.4.1       openbadges' pin (is_valid_uri / uri_reference decide
#                        what the validator accepts as a URL).  The bakery asks
#                        for >=1.5.0 but only calls the same two functions,
#                        which exist in 0.4.1; a probe of URLs (spaces,
#                        non-ASCII, ports, urn:, data:) gave identical answers
#                        under 0.4.1 and 1.5.0, and the harness tests pass
#                        with both.  Validator fidelity wins.
#   pycryptodome==3.20.0 (openbadges pins 3.6.6) 3.6.6 has no wheel for 3.11+,
#                        needs a C compiler to build, and then fails to import
#                        on Python 3 (`0xffffffffL` SyntaxError in
#                        Crypto.Util.number's py2 path).  3.20.0: abi3 wheel.
#   python-jose==3.1.0   (pins 3.0.1) 3.0.1 does `from collections import
#                        Mapping` (gone since 3.10); 3.1.0 is the first that
#                        imports on 3.11 (and 3.13) and still takes pycryptodome.
#   pytz==2020.1         (pins 2017.2) 2017.2's pytz.lazy does `from
#                        collections import Mapping`.  2020.1 is contemporary
#                        with openbadges 1.1.2.
#   six==1.16.0          the bakery needs >=1.16.0.
#   requests==2.25.1 + urllib3==1.26.20, chardet==3.0.4, idna==2.10,
#   certifi==2020.6.20   openbadges says requests>=2.13; requests-cache 0.4.13
#                        (pinned, 2017) subclasses requests.Session.  urllib3
#                        1.25 (all that requests 2.24 allows) vendors a six
#                        whose import hook Python 3.12 no longer calls
#                        (`No module named 'urllib3.packages.six.moves'`);
#                        requests 2.25.1 (2020-12, three months after
#                        openbadges 1.1.2) is the first to accept urllib3 1.26,
#                        and 1.26.20 is that line's last release (imports and
#                        runs on 3.11-3.13).  chardet<4, idna<3 as requests
#                        2.25 requires.  requests-cache 0.4.13 runs unchanged.
#   future==1.0.0        (pins 0.16.0) future.standard_library does `import
#                        imp`, gone in 3.12; 1.0.0 (2024) is the release
#                        without it.  openbadges only calls install_aliases(),
#                        which returns at once on Python 3 in both versions.
#   python-mimeparse==2.0.0  (pins 1.6.0) 1.6.0 does `import cgi`, gone in
#                        3.13; 2.0.0 copies cgi.parse_header into itself and is
#                        otherwise the same code (diffed).  openbadges calls
#                        mimeparse.quality() only.
#   requests-cache==0.4.13, jsonschema==2.6.0, language-tags==0.4.3,
#   pydux==0.2.2, click==6.7, validators==0.11.2
#                        openbadges' own exact pins; all import and run on
#                        3.11, 3.12 and 3.13.  validators is
#                        declared but never imported; it is installed (with
#                        decorator==4.4.2, its dependency, of 2020) so the set
#                        is the declared one.
#   aniso8601==8.0.0     openbadges says >=1.2.0; the release current when
#                        openbadges 1.1.2 came out.
#   ecdsa==0.14.1, rsa==4.6, pyasn1==0.4.8  python-jose 3.1.0's dependencies
#                        (it needs ecdsa<0.15), 2020 releases.
#   pypng==0.0.20, defusedxml==0.7.1  the bakery's dependencies (>=0.0.20;
#                        >=0.6,<1.0: 0.7.1 is the release made for py3.9+,
#                        0.6.0 still imports the removed cElementTree).
#   setuptools==70.3.0, wheel==0.43.0  build backend for the sdist-only
#                        packages (PyLD, future, validators, pydux,
#                        language-tags), installed first and used with
#                        --no-build-isolation so the build is pinned too.
# Offline use: the validator fetches https://w3id.org/openbadges/v2 (the JSON-LD
# context) on every run and does not ship it as a document; validate.py answers
# it from the copy of the context the validator ships as a Python dict, so no
# cache needs to be filled here.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VENV="${OB2_VENV:-$ROOT/.venv-ob2}"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.ob2-requirements.sha256"

log() { printf 'ob2 setup: %s\n' "$*" >&2; }

# The interpreters the pins below are proven on (newest first); another
# python3.x >= 3.11 is used only when none of these is found, with a warning.
TESTED="3.13 3.12 3.11"

py_version() {  # "3.12" if $1 runs and is a CPython 3.11 or newer, else nothing
    "$1" -c 'import sys; v = sys.version_info[:2]; print("%d.%d" % v if v >= (3, 11) else "")' 2>/dev/null
}

find_python() {
    local cand ver minor untested=""
    if [ -n "${OB2_PYTHON:-}" ]; then
        ver="$(py_version "$OB2_PYTHON")" || ver=""
        [ -n "$ver" ] || { log "OB2_PYTHON=$OB2_PYTHON is not a runnable Python 3.11 or newer"; return 1; }
        printf '%s\n' "$OB2_PYTHON"
        return 0
    fi
    for minor in $(seq 20 -1 11); do  # newest first
        for cand in "python3.$minor" "/usr/bin/python3.$minor" python3 /usr/bin/python3; do
            command -v "$cand" >/dev/null 2>&1 || continue
            # runs it: a pyenv shim of a version that is not active fails here
            [ "$(py_version "$cand")" = "3.$minor" ] || continue
            case " $TESTED " in
                *" 3.$minor "*) printf '%s\n' "$cand"; return 0 ;;
            esac
            [ -n "$untested" ] || untested="$cand"
        done
    done
    if [ -n "$untested" ]; then
        log "warning: using $untested ($(py_version "$untested")); the pins are tested on Python $TESTED"
        printf '%s\n' "$untested"
        return 0
    fi
    return 1
}

PY="$(find_python)" || {
    log "no Python 3.11 or newer found (set OB2_PYTHON); on Debian: apt-get install python3 python3-venv"
    exit 1
}
PYVER="$("$PY" -c 'import sys; print(sys.version.split()[0])')"
MINOR="$(py_version "$PY")"
WANT="$(sha256sum "$REQ" | cut -d' ' -f1)
$PYVER"

up_to_date() {
    [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] &&
        "$VENV/bin/python" -c 'import openbadges, openbadges_bakery, pyld, requests_cache' >/dev/null 2>&1
}

if up_to_date; then
    log "$VENV is up to date"
    exit 0
fi

# One setup at a time for this venv (two test runs may start together).
if command -v flock >/dev/null 2>&1; then
    LOCK="${TMPDIR:-/tmp}/ob2-setup-$(printf '%s' "$VENV" | sha256sum | cut -c1-16).lock"
    exec 9>"$LOCK"
    flock 9
    if up_to_date; then
        log "$VENV is up to date"
        exit 0
    fi
fi

START=$(date +%s)
log "creating $VENV with $PY ($PYVER)"
rm -rf "$VENV"
if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    # Debian splits ensurepip into python3.X-venv.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "python -m venv failed; installing python$MINOR-venv with apt-get"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$MINOR-venv" >/dev/null
        "$PY" -m venv "$VENV"
    else
        log "'$PY -m venv' failed; install python$MINOR-venv (Debian: apt-get install python$MINOR-venv) and rerun"
        exit 1
    fi
fi

PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input -q)
# Build backend first, so the sdists build with pinned tools.
mapfile -t BUILD_REQS < <(grep -E '^(setuptools|wheel)==' "$REQ")
"${PIP[@]}" install --no-deps "${BUILD_REQS[@]}"
"${PIP[@]}" install --no-deps --no-build-isolation -r "$REQ"

"$VENV/bin/python" - <<'EOF'
import openbadges, openbadges_bakery, pyld.jsonld, requests_cache, jose.jws, Crypto.PublicKey.RSA
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT
assert "@context" in OPENBADGES_CONTEXT_V2_DICT
EOF

printf '%s\n' "$WANT" >"$STAMP"
log "done in $(( $(date +%s) - START ))s: $VENV"
