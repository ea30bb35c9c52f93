#!/usr/bin/env bash
# Compiles and runs every example with plain javac/java against the one jar, as a user would,
# and checks what each prints. The last one is a module of its own on the module path.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/vtstatus.jar
out=target/examples
rm -rf "$out" && mkdir -p "$out/classes" "$out/module"

check() { # name, regex: runs the example's command (the remaining arguments), checks its output
  local name=$1 pattern=$2
  shift 2
  echo "== $name"
  local got
  got=$("$@")
  echo "$got"
  if ! grep -Eq "$pattern" <<<"$got"; then
    echo "examples: $name printed no line matching: $pattern" >&2
    exit 1
  fi
}

javac -d "$out/classes" -cp "$jar" examples/*.java
check OneJob '^job job_[0-9a-f]{16} ended (COMPLETED|ERROR), detected by (WEBHOOK|POLL) after [0-9]+ polls and [0-9]+ ms$' \
  java -cp "$jar:$out/classes" OneJob
check ManyJobs '^200 jobs: [0-9]+ completed, [0-9]+ error; [0-9.]+ polls per job$' \
  java -cp "$jar:$out/classes" ManyJobs
check OwnReceiver '^job job_[0-9a-f]{16}: completed, verified by v1 and by v1a$' \
  java -cp "$jar:$out/classes" OwnReceiver
check Replicate '^prediction [a-z2-7]{26} COMPLETED after [0-9]+ polls: https://simulator\.vtstatus\.invalid/outputs/[a-z2-7]{26}$' \
  env -u REPLICATE_API_TOKEN java -cp "$jar:$out/classes" Replicate
check CustomSchedule '^job job_[0-9a-f]{16}: COMPLETED after [0-9]+ polls$' \
  java -cp "$jar:$out/classes" CustomSchedule

javac -d "$out/module" --module-path "$jar" $(find examples/module -name '*.java')
check ModuleUse '^module io.vtstatus: job job_[0-9a-f]{16} ended COMPLETED$' \
  java --module-path "$jar:$out/module" -m vtstatus.example/example.ModuleUse
