# Helpers shared by the scripts of scripts/ci (sourced, not run). Every script ends with exactly
# one summary line that starts with PASS, FAIL or SKIP and names the script:
#
#   PASS scripts/ci/x.sh in 95s: <figures>
#   FAIL scripts/ci/x.sh after 12s: <what went wrong>      (exit status 1)
#   SKIP scripts/ci/x.sh: <what this machine lacks>        (exit status 0)
#
# SKIP is only for what a script cannot install: no root, no apt-get, no /dev/fuse, a kernel
# without the namespaces it needs. With CI=true a missing thing that a CI machine must provide
# (a package that apt-get could not install, a data set that should be beside the clone) is a
# FAIL instead, so that a broken CI machine never passes by skipping.

ci_name="scripts/ci/$(basename "$0")"
ci_t0=$(date +%s)
export PATH="$PATH:/usr/local/go/bin"

ci_elapsed() { echo $(($(date +%s) - ci_t0)); }

# pass FIGURES: the success line.
pass() { echo "PASS $ci_name in $(ci_elapsed)s: $*"; }

# fail MESSAGE: the failure line, exit 1.
fail() {
  trap - ERR
  echo "FAIL $ci_name after $(ci_elapsed)s: $*"
  exit 1
}

# skip REASON: this machine truly lacks something the script cannot install; exit 0.
skip() {
  trap - ERR
  echo "SKIP $ci_name: $*"
  exit 0
}

# need REASON: something a CI machine must provide is missing: FAIL with CI=true, else SKIP.
need() {
  if [ "${CI:-}" = true ]; then fail "$* (CI=true: this machine must provide it)"; fi
  skip "$*"
}

# is_root: root, with apt-get to install packages.
is_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

# apt_install PACKAGE...: installs Debian packages (root only); a failure is need().
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local out
  if ! out=$(apt-get update -qq 2>&1 && apt-get install -y -qq "$@" 2>&1); then
    echo "$out" | tail -5
    need "apt-get install $* failed"
  fi
}

# Any command that fails under set -e ends the script with a FAIL line naming it.
trap 'ci_rc=$?; echo "FAIL $ci_name after $(ci_elapsed)s: line $LINENO: \"$BASH_COMMAND\" exited with status $ci_rc"' ERR
