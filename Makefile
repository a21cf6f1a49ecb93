# Two commands matter: make run opens the app, make test checks everything. Both install what is
# missing first (build/scripts/setup.sh), and do nothing more when it is all there.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

SCRIPTS := build/scripts

.PHONY: help setup bindings run build test lint bench smoke clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{ printf "  make %-9s %s\n", $$1, $$2 }'

setup: ## Install missing system packages, the Wails CLI and the frontend modules
	@$(SCRIPTS)/setup.sh

bindings: setup ## Generate the TypeScript bindings of the Go services (frontend/wailsjs)
	@$(SCRIPTS)/bindings.sh

run: ## Build the app and open its window on the built-in demo data
	@$(SCRIPTS)/run.sh --check-display
	@$(MAKE) --no-print-directory bindings
	@$(SCRIPTS)/run.sh

build: bindings ## Build build/bin/backstage-sync
	@$(SCRIPTS)/build.sh

test: bindings ## Run every check: lint, Go and frontend tests, build and window smoke test
	@$(SCRIPTS)/test.sh

lint: bindings ## Run gofmt, go vet, ESLint, Prettier and tsc
	@$(SCRIPTS)/lint.sh

bench: ## Run the Go benchmarks and print the table of performance targets
	go test -run '^$$' -bench . -benchtime 1x -timeout 60m ./sync/engine/ ./app/cli/
	go test -run '^$$' -bench . $$(go list ./... | grep -v -e '/sync/engine$$' -e '/app/cli$$')

smoke: build ## Open the built window under Xvfb and check a screenshot
	@$(SCRIPTS)/smoke.sh

clean: ## Remove build output and generated bindings
	rm -rf build/bin frontend/wailsjs .tmp/smoke
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete
