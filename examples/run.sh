#!/usr/bin/env bash
# Compiles and runs every example with plain javac/java against the one jar, as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/vtstatus.jar
out=target/examples
rm -rf "$out" && mkdir -p "$out"
javac -d "$out" -cp "$jar" examples/*.java
for f in examples/*.java; do
  name=$(basename "$f" .java)
  echo "== $name"
  java -cp "$jar:$out" "$name"
done
