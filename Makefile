# vtstatus: `make demo` shows it working; `make test` runs every test.
MVN ?= mvn -B -q
JAR := target/vtstatus.jar
JAVA ?= java

.PHONY: all jar test demo server examples bench soak clean bench-http mutation javadoc

all: jar

jar: $(JAR)

# Build output goes to stderr, so that `make bench ARGS=--json` prints only JSON on stdout.
$(JAR): pom.xml $(shell find src/main -type f 2>/dev/null)
	@echo "$(MVN) -DskipTests package" >&2
	@$(MVN) -DskipTests package >&2

# Not quiet: Surefire's per-class and closing "Tests run" lines are the test report.
# Test classes run in 3 JVMs at once; FORKS=1 runs them one after another (pom.xml says why).
FORKS ?=
test:
	mvn -B -ntp verify $(if $(FORKS),-Dtest.forks=$(FORKS))

demo: $(JAR)
	$(JAVA) -jar $(JAR) demo

server: $(JAR)
	$(JAVA) -jar $(JAR) server

examples: $(JAR)
	bash examples/run.sh

# API documentation of the exported packages (module-info.java says which), into
# target/apidocs/index.html. Every doclint check is on and a warning fails the build
# (ApiDocsTest runs the same in make test).
JAVADOC ?= javadoc
javadoc:
	$(JAVADOC) --release 17 -Xdoclint:all -Xmaxwarns 10000 -Werror -quiet -d target/apidocs \
	  --module-source-path 'io.vtstatus=src/main/java' --module io.vtstatus

# Everything that measures lives in src/bench (its README lists what and how): the harness
# (src/bench/java) goes into its own jar, never into the one users copy.
# ARGS replaces the default arguments: make bench ARGS='--scenario scale --json'.
BENCH_JAR := target/vtstatus-bench.jar
ARGS ?= --scenario all --markdown docs/BENCHMARKS.md
JAVAC ?= javac
JARTOOL ?= jar
# Silent recipes: with --json, stdout carries the harness's JSON lines and nothing else.
bench: $(BENCH_JAR)
	@$(JAVA) -Xmx256m -jar $(BENCH_JAR) $(ARGS)

$(BENCH_JAR): $(JAR) $(shell find src/bench -type f 2>/dev/null)
	@rm -rf target/bench-classes
	@$(JAVAC) --release 17 -Xlint:all -Werror -g:source,lines -encoding UTF-8 -cp $(JAR) \
	  -d target/bench-classes $$(find src/bench/java -name '*.java') >&2
	@printf 'Main-Class: io.vtstatus.internal.cli.BenchCommand\nClass-Path: vtstatus.jar\n' > target/bench-manifest.txt
	@$(JARTOOL) --create --file $@ --manifest target/bench-manifest.txt -C target/bench-classes .

bench-http: $(BENCH_JAR)
	bash src/bench/http.sh --markdown docs/BENCHMARKS-http.md

# The long versions: hour-scale soaks, and the tests whose counts `make test` keeps short.
soak:
	$(MVN) test -Dgroups=soak -DexcludedGroups=none

# Mutation testing (PIT), never part of `make test` or CI. TARGET is a space-separated list of
# entries, one PIT run and one score each; an entry is a comma list of packages (mutates p.*,
# runs the tests in p) or classes (mutates C and its nested classes, runs C*Test). TESTS, if set,
# replaces the tests of every entry. Reports: target/pit-reports/<entry>/index.html.
MUTATION_TARGETS := io.vtstatus.internal.json \
  io.vtstatus.internal.webhook,io.vtstatus.WebhookVerifier \
  io.vtstatus.internal.client.UrlTemplate,io.vtstatus.internal.client.Credentials,io.vtstatus.internal.client.ProtocolSpec,io.vtstatus.JobProtocol \
  io.vtstatus.internal.sim.StandIn \
  io.vtstatus.internal.client.WebhookIntake,io.vtstatus.internal.client.WebhookScheme,io.vtstatus.internal.client.WebhookShape \
  io.vtstatus.internal.client.ResumeToken \
  io.vtstatus.internal.sim.Holds
TARGET ?= $(MUTATION_TARGETS)
TESTS ?=
PIT_THREADS ?= 2
mutation:
	$(MVN) test-compile
	@set -e; for entry in $(TARGET); do \
	  classes=; tests=; \
	  for t in $$(echo "$$entry" | tr , ' '); do \
	    case "$${t##*.}" in \
	      [A-Z]*) classes="$$classes,$$t,$$t\$$*"; tests="$$tests,$$t*Test";; \
	      *) classes="$$classes,$$t.*"; tests="$$tests,$$t.*";; \
	    esac; \
	  done; \
	  if [ -n "$(TESTS)" ]; then tests=",$(TESTS)"; fi; \
	  name=$$(echo "$$entry" | tr , +); \
	  if [ $${#name} -gt 100 ]; then name="$$(echo "$$name" | cut -c1-80)-$$(echo "$$name" | cksum | cut -d' ' -f1)"; fi; \
	  out=target/pit-reports/$$name; \
	  echo "== mutation: $$entry (tests$${tests#,})" | sed 's/(tests/(tests /'; \
	  $(MVN) org.pitest:pitest-maven:mutationCoverage -DtargetClasses="$${classes#,}" \
	    -DtargetTests="$${tests#,}" -Dthreads=$(PIT_THREADS) -DreportsDirectory="$$out"; \
	  total=$$(grep -o "<mutation " "$$out/mutations.xml" | wc -l); \
	  killed=$$(grep -o "detected='true'" "$$out/mutations.xml" | wc -l); \
	  echo "== mutation: $$entry: $$killed of $$total mutants killed" \
	    "($$(( total ? 100 * killed / total : 0 )) %), report $$out/index.html"; \
	done

clean:
	rm -rf target
