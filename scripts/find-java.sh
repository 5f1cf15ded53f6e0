# Sourced by run.sh and .ci/run: exports JAVA_HOME pointing at a JDK >= 21 or exits with a clear message.
# Order: $JAVA_HOME, then `java` on the PATH, then /usr/lib/jvm/*.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}

pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    [ -x "$(dirname "$candidate")/javac" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
      JAVA_HOME=$(cd "$(dirname "$candidate")/.." && pwd -P)
      export JAVA_HOME
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: no JDK 21 or newer found (looked at \$JAVA_HOME, java on the PATH and /usr/lib/jvm/*)." >&2
  echo "       Install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
  exit 1
}

pick_jdk
