# Palaver developer commands. Needs only python3 (3.11+); everything else is installed here.
#
#   make run     set up .venv, create the demo app once, serve on 127.0.0.1:8080
#   make test    set up .venv, Chromium and the npm packages, lint + type-check, run the
#                JavaScript unit tests (node --test), the unit layer and the whole test suite
#   make unit    the fast unit layer (tests/unit: services, the writer, the fan-out
#                contract, the protocol cores; fake clock and ports, real databases)
#                with its coverage ratchet; under a minute
#   make lint    ruff format --check, ruff check, mypy (strict), import contracts, and the JS
#                SDK's .d.ts files against a fresh generation from its JSDoc (tsc)
#   make sdk-types  regenerate the JS SDK's .d.ts files from its JSDoc (after changing them)
#   make format  ruff format + ruff check --fix
#   make bench   the benchmark suite (docs/benchmarks.md): C2C burst/paced, REST, idle
#                connections, history at 1M, growth, cluster
#   make clean   remove caches and build output (keeps .venv and palaver-data)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SOURCES := src tests bench

.PHONY: venv browser node_modules sdk_tools sdk-types run test unit fuzz lint format bench clean

venv: $(STAMP)

# Re-install whenever pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		$(PYTHON) -m venv $(VENV) || { \
			echo "python3 -m venv failed; installing Debian's python3-venv" >&2; \
			if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
			$$SUDO apt-get update && $$SUDO apt-get install -y python3-venv && \
			rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
		}; \
	fi
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads one),
# with CJK and emoji fonts so screenshots of Chinese text and emoji render.
BROWSER_PKGS := chromium fonts-noto-cjk fonts-noto-color-emoji
browser:
	@dpkg -s $(BROWSER_PKGS) >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PKGS); \
	}

# npm packages, exact versions in a package-lock.json, installed with `npm ci` whenever the
# lockfile (or package.json) is newer than the installed tree. Without npm, Debian's nodejs
# and npm are installed; under CI=true a failure fails the run, elsewhere what needs the
# packages is skipped. $(1): the folder, $(2): what is skipped without them.
define npm_ci
	@command -v npm >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; \
	} || true
	@if command -v npm >/dev/null 2>&1 && (cd $(1) && npm ci --ignore-scripts --no-audit --no-fund); then \
		touch $@; \
	elif [ "$$CI" = true ]; then \
		echo "make: npm or npm ci failed in $(1) (required in CI)" >&2; exit 1; \
	else \
		echo "make: npm or npm ci failed in $(1); $(2) will be skipped" >&2; \
	fi
endef

# Tencent's web SDK for the tests that drive it (tests/e2e/support/tencent_sdk.py).
NPM_DIR   := tests/tencent
NPM_STAMP := $(NPM_DIR)/node_modules/.installed

node_modules: $(NPM_STAMP)

$(NPM_STAMP): $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	$(call npm_ci,$(NPM_DIR),the Tencent SDK tests)

# TypeScript, which generates the JS SDK's .d.ts files from its JSDoc (tools/sdk-types/).
SDK_TOOLS       := tools/sdk-types
SDK_TOOLS_STAMP := $(SDK_TOOLS)/node_modules/.installed

sdk_tools: $(SDK_TOOLS_STAMP)

$(SDK_TOOLS_STAMP): $(SDK_TOOLS)/package.json $(SDK_TOOLS)/package-lock.json
	$(call npm_ci,$(SDK_TOOLS),the check of the SDK's .d.ts files)

sdk-types: sdk_tools
	node $(SDK_TOOLS)/sdk-types.mjs --write

run: venv
	$(BIN)/palaver demo

lint: venv sdk_tools
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/mypy
	$(BIN)/lint-imports
	@if [ -f $(SDK_TOOLS_STAMP) ]; then \
		node $(SDK_TOOLS)/sdk-types.mjs --check; \
	elif [ "$$CI" = true ]; then \
		echo "make lint: TypeScript is not installed (required in CI)" >&2; exit 1; \
	else \
		echo "make lint: TypeScript is not installed; the SDK's .d.ts files were not checked" >&2; \
	fi

# The fast unit layer, with coverage: the floor in pyproject.toml ([tool.coverage.report]
# fail_under) and 100 % of COVERAGE_FULL. Its storage tests run on SQLite and on
# PostgreSQL (database palaver_unit_<pid>), its fan-out contract on the local and the Redis
# backend (missing PostgreSQL or Redis: skipped, a failure under CI=true; the ratchet is
# then not checked, since skipped tests leave lines uncovered).
UNIT_TESTS    := tests/unit
COVERAGE_FULL := src/palaver/protocol/*,src/palaver/storage/writer.py,src/palaver/storage/message_batch.py
SERVICES_UP   := $(BIN)/python -c "import asyncio, asyncpg, redis; asyncio.run(asyncpg.connect('postgresql://postgres@127.0.0.1:5432/postgres', timeout=3)); redis.Redis(socket_timeout=3).ping()"

# Hostile input at every front door (REST, /ws, /binfo; issue 13 §2): 3,400
# hypothesis examples per test, 10,200 in all; the counts are printed.
FUZZ_EXAMPLES ?= 3400
fuzz: venv
	PALAVER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider \
		--hypothesis-show-statistics \
		tests/e2e/test_fuzz_edges.py tests/e2e/test_rest_robustness.py::test_random_bodies_get_tencent_errors_not_500

unit: venv
	$(BIN)/pytest -q $(UNIT_TESTS) --cov --cov-report=
	@if [ "$$CI" = true ] || $(SERVICES_UP) >/dev/null 2>&1; then \
		$(BIN)/coverage report && \
		echo "== 100 % required: $(COVERAGE_FULL)" && \
		$(BIN)/coverage report --fail-under=100 --include='$(COVERAGE_FULL)'; \
	else \
		echo "make unit: PostgreSQL or Redis is not reachable; their tests were skipped and the coverage ratchet is not checked" >&2; \
	fi

# The end-to-end suite runs twice, side by side (tools/e2e_passes.sh): on SQLite (the
# default) and on PostgreSQL, each line of output prefixed by its pass, each ending with its
# 25 slowest tests (where the suite waits). Under CI=true a
# missing PostgreSQL fails the run; elsewhere that pass is skipped.
PG_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/palaver_test
E2E_ARGS    := tests/e2e

test: lint browser node_modules unit
	@if command -v node >/dev/null 2>&1; then \
		echo "== the JavaScript unit tests (node --test)"; \
		node --test tests/js/*.test.mjs; \
	elif [ "$$CI" = true ]; then \
		echo "make test: node is missing (required in CI)" >&2; exit 1; \
	else \
		echo "make test: node is missing; the JavaScript unit tests were skipped" >&2; \
	fi
	bash tools/e2e_passes.sh $(BIN) $(PG_TEST_URL) --durations=25 $(E2E_ARGS)

format: venv
	$(BIN)/ruff format $(SOURCES)
	$(BIN)/ruff check --fix $(SOURCES)

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts .coverage
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +
	find src -maxdepth 1 -name '*.egg-info' -type d -prune -exec rm -rf {} +
