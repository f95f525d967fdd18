#!/usr/bin/env bash
# Runs scripts/VerifyTheme.java against dist/ when Java, FreeMarker and Jackson are present
# (Debian: apt-get install default-jdk-headless libfreemarker-java libjackson2-databind-java).
# Skips with a message otherwise: it is an extra check, not part of the build.
set -euo pipefail
cd "$(dirname "$0")/.."
jars=(/usr/share/java/freemarker.jar /usr/share/java/jackson-databind.jar /usr/share/java/jackson-core.jar /usr/share/java/jackson-annotations.jar)
if ! command -v java >/dev/null 2>&1; then
  echo "verify-with-java: java not found; skipped." >&2
  exit 0
fi
for jar in "${jars[@]}"; do
  if [[ ! -f "$jar" ]]; then
    echo "verify-with-java: $jar not found; skipped (apt-get install libfreemarker-java libjackson2-databind-java)." >&2
    exit 0
  fi
done
if [[ ! -f dist/byok-theme.jar ]]; then
  echo "verify-with-java: run 'npm run build && npm run package' first." >&2
  exit 1
fi
classpath=$(IFS=:; echo "${jars[*]}")
java -cp "$classpath" scripts/VerifyTheme.java dist/theme/byok/account dist/byok-theme.jar 2> >(grep -v '^Note:' >&2)
