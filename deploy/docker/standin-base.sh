#!/usr/bin/env bash
# Builds LOCAL STAND-INS for the base images of deploy/docker/*.Dockerfile (eclipse-temurin:21-jdk and
# eclipse-temurin:21-jre) from Debian packages and this machine's JDK, for machines that reach Debian's
# package mirror but no container registry. The real Dockerfiles then build unchanged.
#
#   deploy/docker/standin-base.sh            # builds them once; later runs reuse them
#   STANDIN_REBUILD=1 deploy/docker/standin-base.sh
#
# What it makes (never push any of it: it is not Eclipse Temurin's image):
#   meal-planner-local/debian-minbase:bookworm   debootstrap --variant=minbase bookworm (+ ca-certificates)
#   meal-planner-local/temurin-standin:21-jdk    + the machine's JDK (>= 21) in /opt/java/openjdk
#   meal-planner-local/temurin-standin:21-jre    + a jlink'ed runtime of that JDK without its developer tools
# and tags the last two eclipse-temurin:21-jdk / eclipse-temurin:21-jre, the names the Dockerfiles use.
# Every stand-in carries the label app.mealplanner.standin=true. If a real eclipse-temurin image is
# already on the machine (no such label), it is left alone and used.
#
# Needs root (debootstrap), debootstrap, a running Docker engine and a JDK >= 21 (JAVA_HOME, java on the
# PATH or /usr/lib/jvm/*). DEBIAN_MIRROR overrides the mirror (default: the one apt uses here).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/find-java.sh

DOCKER=${DOCKER:-$(command -v /usr/bin/docker || command -v docker)}
LOCAL=meal-planner-local
LABEL=app.mealplanner.standin
JDK_VERSION=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')

log() { echo "[standin] $*"; }

debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  local uri
  # deb822 sources first (Debian 12's default), then one-line sources
  uri=$(grep -hs -A3 '^Types:.*deb' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}$/\1/p' | head -1)
  if [ -z "$uri" ]; then
    uri=$(grep -hsE '^deb[[:space:]]+[^[]*/debian/?[[:space:]]+bookworm[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
          | awk '{print $2}' | head -1)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# standin_label <image>: "true" for our stand-in, "" for a real image, "absent" when there is none
standin_label() {
  if ! "$DOCKER" image inspect "$1" >/dev/null 2>&1; then echo absent; return; fi
  "$DOCKER" image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null | sed 's/<no value>//'
}

needed=()
for flavour in jdk jre; do
  real="eclipse-temurin:21-$flavour"
  case "$(standin_label "$real")" in
    absent) needed+=("$flavour") ;;
    true)
      built_with=$("$DOCKER" image inspect -f "{{ index .Config.Labels \"$LABEL.jdk\" }}" "$real")
      if [ -n "${STANDIN_REBUILD:-}" ] || [ "$built_with" != "$JDK_VERSION" ]; then
        needed+=("$flavour")
      else
        log "$real: local stand-in (JDK $built_with) already built"
      fi ;;
    *) log "$real: a real image is on this machine; using it, no stand-in built" ;;
  esac
done
[ ${#needed[@]} -eq 0 ] && exit 0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/meal-planner-standin.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

if [ -n "${STANDIN_REBUILD:-}" ] || ! "$DOCKER" image inspect "$LOCAL/debian-minbase:bookworm" >/dev/null 2>&1; then
  mirror=$(debian_mirror)
  log "debootstrap --variant=minbase bookworm from $mirror (a few minutes)"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$WORK/rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -c . | "$DOCKER" import \
    -c "LABEL $LABEL=true" \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    -c 'CMD ["bash"]' \
    -m "local stand-in: Debian bookworm minbase from $mirror" - "$LOCAL/debian-minbase:bookworm" >/dev/null
  rm -rf "$WORK/rootfs"
fi

for flavour in "${needed[@]}"; do
  ctx="$WORK/$flavour"
  mkdir -p "$ctx"
  if [ "$flavour" = jdk ]; then
    log "JDK stand-in from $JAVA_HOME ($JDK_VERSION)"
    cp -a "$JAVA_HOME" "$ctx/java"
  else
    # a JRE like Temurin's: every module but the developer tools
    modules=$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' \
      | grep -vE '^jdk\.(jlink|jdeps|javadoc|compiler|jshell|jpackage|jdi|jdwp\.agent|jconsole|hotspot\.agent|editpad|jstatd|jartool|jcmd|random|incubator\..*|internal\.(ed|jvmstat|le|opt))$' \
      | paste -sd, -)
    log "JRE stand-in: jlink of $JAVA_HOME ($JDK_VERSION)"
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
      --output "$ctx/java" > "$WORK/jlink.log" 2>&1 || { cat "$WORK/jlink.log" >&2; exit 1; }
  fi
  # the JDK's cacerts is often a symlink into /etc/ssl/certs: put the file itself into the image
  rm -f "$ctx/java/lib/security/cacerts"
  cp -L "$JAVA_HOME/lib/security/cacerts" "$ctx/java/lib/security/cacerts"
  cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM $LOCAL/debian-minbase:bookworm
COPY java/ /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk \\
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8
LABEL $LABEL=true \\
      $LABEL.jdk="$JDK_VERSION" \\
      org.opencontainers.image.description="LOCAL STAND-IN for eclipse-temurin:21-$flavour: Debian bookworm + JDK $JDK_VERSION from this machine. Never push."
DOCKERFILE
  DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$LOCAL/temurin-standin:21-$flavour" "$ctx" >/dev/null
  "$DOCKER" tag "$LOCAL/temurin-standin:21-$flavour" "eclipse-temurin:21-$flavour"
  rm -rf "$ctx"
  log "eclipse-temurin:21-$flavour -> $LOCAL/temurin-standin:21-$flavour (local stand-in, never push)"
done
