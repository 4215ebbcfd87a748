#!/usr/bin/env bash
# The README's commands on a fresh machine with only a JDK 25:
#   ./build.sh test [MAVEN ARGS...]   install what the tests need that Maven cannot bring, then
#                                     ./mvnw verify (e.g. ./build.sh test -pl load-test -am)
#   ./build.sh tools                  only install (or say how to install) those tools
# .ci/run calls `./build.sh test`.
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | sed 's/^1\.//; s/\..*//'; }

# A JDK 25 for Maven: JAVA_HOME when it is one, else the first in the usual places.
find_jdk25() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (($(java_major "$JAVA_HOME/bin/java") >= 25)); then
    return
  fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/*25* /usr/lib/jvm/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    if [[ -x "$candidate/bin/java" ]] && (($(java_major "$candidate/bin/java") >= 25)); then
      export JAVA_HOME="$candidate"
      return
    fi
  done
  echo "build.sh: no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}): install one, e.g. Temurin 25" \
    "(https://adoptium.net/installation/linux/), and set JAVA_HOME to it" >&2
  exit 1
}

# A JVM older than 25: the launcher's test runs the jars' launcher on one (the case it is for).
has_older_jvm() {
  local release
  for release in /usr/lib/jvm/*/release; do
    [[ -f "$release" ]] || continue
    local v
    v=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$release")
    [[ -n "$v" ]] && ((v >= 8 && v < 25)) && return 0
  done
  return 1
}

# The tools the tests use that Maven cannot bring, as "command package-on-Debian package-on-Ubuntu".
#   npm                        platform-tests fetch the AWS resource specification (npm pack)
#   promtool, prometheus       the alert rules' unit tests; the dashboards' proof on a real Prometheus
#   prometheus-redis-exporter  the local Redis's metrics in that proof
#   chromium, chromedriver     the demo's live page, driven in headless Chromium
missing_packages() {
  local id=debian
  [[ -r /etc/os-release ]] && id=$(. /etc/os-release && echo "${ID:-debian}")
  local chromium=chromium driver=chromium-driver
  if [[ "$id" == ubuntu ]]; then
    chromium=chromium-browser driver=chromium-chromedriver
  fi
  local packages=()
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
  { command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; } || packages+=(prometheus)
  command -v prometheus-redis-exporter >/dev/null 2>&1 || command -v redis_exporter >/dev/null 2>&1 ||
    packages+=(prometheus-redis-exporter)
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || packages+=("$chromium")
  command -v chromedriver >/dev/null 2>&1 || command -v chromium.chromedriver >/dev/null 2>&1 || packages+=("$driver")
  has_older_jvm || packages+=(default-jre-headless)
  echo "${packages[@]:-}"
}

install_tools() {
  local packages
  read -r -a packages <<<"$(missing_packages)"
  ((${#packages[@]})) || return 0
  echo "build.sh: installing what Maven cannot bring: ${packages[*]}"
  local as_root=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "build.sh: not root and no sudo; as root run:" >&2
      echo "  apt-get update && apt-get install -y --no-install-recommends ${packages[*]}" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: no apt-get (not Debian or Ubuntu); install these with your package manager," \
      "so that npm, promtool, prometheus, prometheus-redis-exporter (or redis_exporter), chromium" \
      "and chromedriver are on the PATH and a JVM older than 25 is in /usr/lib/jvm:" >&2
    echo "  ${packages[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
  local still
  still=$(missing_packages)
  if [[ -n "$still" ]]; then
    echo "build.sh: still missing after apt-get install: $still" >&2
    exit 1
  fi
}

(($#)) || usage
command=$1
shift
case "$command" in
  tools)
    install_tools
    ;;
  test)
    install_tools
    find_jdk25
    export PATH="$JAVA_HOME/bin:$PATH"
    # JDK 25 only: silences Maven's Guava warnings (kept out of .mvn/jvm.config so that an older
    # JDK reaches the enforcer's "use JDK 25" message instead of failing to start).
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    echo "build.sh: JAVA_HOME=$JAVA_HOME"
    exec ./mvnw -B -ntp verify "$@"
    ;;
  *)
    usage
    ;;
esac
