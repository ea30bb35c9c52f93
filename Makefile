# vtstatus: `make demo` shows it working; `make test` runs every test.
MVN ?= mvn -B -q
JAR := target/vtstatus.jar
JAVA ?= java

.PHONY: all jar test demo server examples bench soak clean bench-http

all: jar

jar: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package

# Not quiet: Surefire's per-class and closing "Tests run" lines are the test report.
test:
	mvn -B -ntp verify

demo: $(JAR)
	$(JAVA) -jar $(JAR) demo

server: $(JAR)
	$(JAVA) -jar $(JAR) server

examples: $(JAR)
	bash examples/run.sh

bench: $(JAR)
	$(JAVA) -Xmx256m -jar $(JAR) bench --scenario all --markdown docs/BENCHMARKS.md

bench-http: jar
	bash bench/http.sh --markdown docs/BENCHMARKS-http.md

soak:
	$(MVN) test -Dgroups=soak -DexcludedGroups=none

clean:
	$(MVN) clean
	rm -rf target
