# BYOK gateway for Keycloak: one entry point for development, tests, deployment and benchmarks.
# CONFIGURATION=Release selects Release builds everywhere (default Debug).

CONFIGURATION ?= Debug
export CONFIGURATION
TEST_RESULTS_DIR ?= $(CURDIR)/test-results
export TEST_RESULTS_DIR
COMPOSE = docker compose -f compose/docker-compose.yml --env-file compose/.env

.PHONY: all build dev test theme theme-harness up down bench bench-micro clean help

all: build

help:
	@echo "make dev      run the Keycloak emulator, the fake provider and the gateway locally (Ctrl-C stops all)"
	@echo "make test     build and run every test suite; ends with 'N passed, N failed'"
	@echo "make theme    build and package the Account Console theme (folder + jar)"
	@echo "make up/down  Keycloak 26 + gateway with docker compose (needs Docker and compose/.env)"
	@echo "make bench    benchmark the gateway against nginx (not part of make test); make bench-micro: BenchmarkDotNet"

build:
	dotnet build ByokGateway.slnx -c $(CONFIGURATION) -nologo -v quiet

dev: build
	bash scripts/dev.sh

test: build theme-harness
	bash scripts/test.sh

# The theme's console bundle, its standalone harness page (browser tests) and the deployable theme.
theme:
	bash scripts/npm-install.sh keycloak-theme
	cd keycloak-theme && npm run build && npm run package

theme-harness: theme

up: theme
	@test -f compose/.env || { echo "compose/.env is missing: cp compose/.env.example compose/.env and fill it in (see README)"; exit 1; }
	$(COMPOSE) up -d --build

down:
	$(COMPOSE) down

bench:
	bash bench/run.sh

bench-micro:
	bash bench/run.sh micro

clean:
	dotnet clean ByokGateway.slnx -nologo -v quiet
	rm -rf test-results
