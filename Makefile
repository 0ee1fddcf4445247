# flinksim: make run (the backpressure scenario into out/), make test, make bench.
GO ?= go
BIN := bin/flinksim

.PHONY: all build run test test-builtins test-outcomes lint bench fuzz screenshots clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/flinksim

# The main job: the built-in backpressure scenario, outputs in out/.
run: build
	./$(BIN) run backpressure --out out

# Formatting, vet, and the tests under the race detector; then the packages
# whose tests make whole built-in runs (the README's examples among them) or
# long single runs without it: a run is one goroutine, the detector finds
# nothing there and slows it tenfold, so those tests skip under -race. The
# models, scenarios and sim packages start no goroutine in their code, so
# they run without the detector only (their tests' parallel runs share no
# state the CLI's do not: the CLI's tests run simulations concurrently, -j
# and sweeps, under it). The two go test commands run at once: each
# leaves a core idle at times (the CLI's tests run one after another, some
# waiting on signals), and together they keep both busy; each prints a
# package's result as it ends, and make fails if either does.
test: lint
	@$(GO) test -race -count=1 -timeout 30m $$($(GO) list ./... | grep -v -e '/models$$' -e '/scenarios$$' -e '/sim$$') & race=$$!; \
	$(GO) test -count=1 -timeout 30m ./models ./scenarios ./sim ./cmd/flinksim; plain=$$?; \
	wait $$race; raced=$$?; \
	[ $$plain = 0 ] && [ $$raced = 0 ] || { echo "make test: go test -race exit $$raced, go test exit $$plain"; exit 1; }

# Whole runs of the built-in scenarios (CI runs it after make test; about 4
# minutes on 2 cores, 6 CPU minutes): the golden set of their outputs, the README's example
# outputs, the lessons read from them (every test that calls builtInRun,
# which skips without FLINKSIM_BUILTINS). make test leaves them out to stay
# within 5 minutes; this runs the whole package with them, so that no test
# that needs them is left out by a list of names.
test-builtins:
	FLINKSIM_BUILTINS=1 $(GO) test -count=1 -timeout 30m ./cmd/flinksim

# The lessons' robustness (CI runs it after make test-builtins; about half an hour):
# every built-in scenario and variant ends the same on seeds 1 to 10, the
# death spiral's outcomes hold with 10% more or less of its key values, and
# every one's sustainable rate is confirmed at 0.9x and 1.1x.
test-outcomes:
	FLINKSIM_OUTCOMES=1 $(GO) test -count=1 -timeout 60m -run 'TestOutcomesHoldOnEverySeed|TestDeathSpiralOutcomesHoldWithinMargins|TestSustainableRateConfirmed' ./scenarios

# gofmt, vet, and the code shape (internal/tools/codeshape: no non-test
# file over 600 lines, no function over 80 lines or cyclomatic complexity 25).
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:" $$unformatted; exit 1; fi
	$(GO) vet ./...
	$(GO) run ./internal/tools/codeshape

# Speed and memory targets: the engine (events/s), whole scenarios (wall
# seconds per virtual hour, peak heap) and the death-spiral comparison (base
# and its 10 variants, 2 virtual hours each), a 100-point sweep with -j 1 and 2,
# and drawing a dashboard.
bench:
	$(GO) test -run '^$$' -bench 'MM1' -benchmem ./sim
	$(GO) test -run '^$$' -bench 'Hour' -benchtime 3x ./scenarios
	$(GO) test -run '^$$' -bench 'DeathSpiral' -benchtime 2x ./cmd/flinksim
	$(GO) test -run '^$$' -bench 'Sweep100' -benchtime 1x -timeout 30m ./cmd/flinksim
	$(GO) test -run '^$$' -bench 'Dashboard' ./plots
	$(GO) test -run '^$$' -bench 'WideKeyBy|Rate' -benchtime 1x -timeout 30m ./scenarios
	$(GO) test -run '^$$' -bench 'DeathSpiralP50Day' -benchtime 1x -timeout 30m ./scenarios
	$(GO) test -run '^$$' -bench 'MM1CLI' -benchtime 1x ./cmd/flinksim

# PNGs of the pages, for a person to look at (needs chromium, chromium-browser
# or google-chrome): a single run, a run of several variants (its index.html
# and two variants' pages), their comparison and a sweep, made into
# out/pages/, shot into out/screenshots/ (1280 px wide, the page's first
# 4000 px).
BROWSER ?= $(shell command -v chromium || command -v chromium-browser || command -v google-chrome)
SHOTS := backpressure/index variants/index variants/base/index variants/unaligned/index compare/index sweep/index
screenshots: build
	@[ -n "$(BROWSER)" ] || { echo "no chromium on PATH (apt-get install chromium)"; exit 1; }
	rm -rf out/pages out/screenshots
	mkdir -p out/pages out/screenshots
	./$(BIN) run backpressure -q --out out/pages/backpressure
	./$(BIN) run backpressure-checkpoints -q --duration 10m --out out/pages/variants
	./$(BIN) compare backpressure-checkpoints -q --duration 10m --from out/pages/variants --out out/pages/compare
	./$(BIN) sweep backpressure -q --duration 2m --grid sinks.jdbc.capacity=40k/s,80k/s,120k/s --grid sources.clicks.partitions=4,8 --out out/pages/sweep
	@for p in $(SHOTS); do \
	  "$(BROWSER)" --headless --disable-gpu --no-sandbox --hide-scrollbars --window-size=1280,4000 \
	    --screenshot="$(CURDIR)/out/screenshots/$$(echo $$p | tr / -).png" "file://$(CURDIR)/out/pages/$$p.html" 2>/dev/null || exit 1; \
	done
	@ls out/screenshots

# Fuzz the scenario loader (not part of make test).
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime 60s ./scenarios

clean:
	rm -rf bin out
