#!/usr/bin/env bash
# Compiles and runs every example with plain javac/java against the one jar, as a user would,
# and checks that each prints a line matching its pattern in examples/expected-output.txt. The
# last one is a module of its own on the module path.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/vtstatus.jar
out=target/examples
rm -rf "$out" && mkdir -p "$out/classes" "$out/module"

check() { # name, then the command that runs it
  local name=$1 pattern got
  shift
  pattern=$(awk -F '\t' -v n="$name" '$1 == n { print $2 }' examples/expected-output.txt)
  if [ -z "$pattern" ]; then
    echo "examples: $name has no line in examples/expected-output.txt" >&2
    exit 1
  fi
  echo "== $name"
  got=$("$@")
  echo "$got"
  if ! grep -Eq "$pattern" <<<"$got"; then
    echo "examples: $name printed no line matching: $pattern" >&2
    exit 1
  fi
}

javac -Xlint:all -Werror -d "$out/classes" -cp "$jar" examples/*.java
for f in examples/*.java; do
  name=$(basename "$f" .java)
  # Without a token, Replicate waits on a local stand-in, never on the real API.
  check "$name" env -u REPLICATE_API_TOKEN java -cp "$jar:$out/classes" "$name"
done

javac -Xlint:all -Werror -d "$out/module" --module-path "$jar" $(find examples/module -name '*.java')
check ModuleUse java --module-path "$jar:$out/module" -m vtstatus.example/example.ModuleUse
