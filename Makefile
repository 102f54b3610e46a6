# Everything CI runs: `make test`. Each step can also be run alone.
GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
BUF         ?= $(GO) run github.com/bufbuild/buf/cmd/buf@v1.75.0

.PHONY: test fmt vet staticcheck proto proto-check gotest bench fuzz

test: fmt vet staticcheck proto-check gotest

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^proto/gen/')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(STATICCHECK) ./...

# Regenerate proto/gen from proto/*.proto (see proto/README.md).
proto:
	$(BUF) lint
	$(BUF) generate

# Regenerated code must equal the committed code.
proto-check: proto
	@git diff --exit-code --stat -- proto/gen || { echo "proto/gen is stale: run 'make proto' and commit"; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- proto/gen)" || { git status --short -- proto/gen; echo "proto/gen has uncommitted files"; exit 1; }

gotest:
	$(GO) test -race -count=1 ./...

# Benchmarks with their figures (req/s, p50, p99).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./cmd/uspbridge/ ./usp/mtp/mqtt/ ./routeros/...

# A short fuzzing pass over every decoder (FUZZTIME each).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadSentence$$' -fuzztime $(FUZZTIME) ./routeros/wire/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadExport$$' -fuzztime $(FUZZTIME) ./routeros/sim/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePath$$' -fuzztime $(FUZZTIME) ./bridge/dm/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./bridge/dm/
	$(GO) test -run '^$$' -fuzz '^FuzzHandleRecord$$' -fuzztime $(FUZZTIME) ./usp/
