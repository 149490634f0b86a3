# shequ — two commands: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCALE := src/shequ/locale
PO     := $(shell find src/shequ -name "*.po" -path "*LC_MESSAGES*")
MO     := $(PO:.po=.mo)

.PHONY: serve test test-fast test-browser install catalog extract init bench bench-province bench-province-zeo bench-search-county bench-volunteers clean browser-deps server-deps wrk

serve: install catalog init
	$(BIN)/pserve development.ini

# browser tests fail (never skip) here when Chromium is missing: SHEQU_REQUIRE_BROWSER=1;
# the RelStorage tests likewise when PostgreSQL is: SHEQU_REQUIRE_POSTGRES=1
test: server-deps install catalog browser-deps
	SHEQU_REQUIRE_BROWSER=1 SHEQU_REQUIRE_POSTGRES=1 $(BIN)/pytest -n 2 -q

test-fast: install catalog
	$(BIN)/pytest -n 2 -q -m "not browser and not slow"

test-browser: install catalog browser-deps
	SHEQU_REQUIRE_BROWSER=1 $(BIN)/pytest -q -m browser

# the scale extra builds psycopg2, which needs libpq-dev: server-deps comes first
install: server-deps $(STAMP)

$(STAMP): setup.py
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[testing,scale]'
	touch $(STAMP)

catalog: install $(MO)

%.mo: %.po
	$(BIN)/pybabel -q compile -i $< -o $@

# refresh the message template from the sources (needs lingua, in the testing extra)
extract: install
	$(BIN)/pot-create -o $(LOCALE)/shequ.pot src/shequ

# create the root (and demo data) on a new database; bring an existing one up to date
init: install catalog
	mkdir -p var
	$(BIN)/shequ init development.ini
	$(BIN)/shequ evolve development.ini

# pages under waitress against a bare traversal page (demo tree), then search vs SQLite FTS5
bench: install catalog wrk
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/search.py

# the same pages on the province tree (built by `shequ province` once, then reused) and demo
bench-province: install catalog wrk
	mkdir -p var/province
	$(BIN)/shequ province bench/province.ini
	$(BIN)/python bench/pages.py --trees demo,province

# the same, served as at province scale: a ZEO server (RSS given apart) and its clients
bench-province-zeo: install catalog wrk
	mkdir -p var/province
	$(BIN)/shequ province bench/province.ini
	$(BIN)/python bench/pages.py --trees demo,province --storage zeo

# the search page and JSON, one connection, on a county of >= 20,000 indexed items
# (var/county20k/, built by bench/pages.py the first time, then reused): p50/p95/p99,
# every request running its query (no page cache, no kept answers)
bench-search-county: install catalog wrk
	$(BIN)/python bench/pages.py --trees demo,county20k --pages search,search-json \
	  --cache off --answers 0 --connections 1

# Debian's wrk drives bench/pages.py (without it the bench falls back to Python threads)
wrk:
	@command -v wrk >/dev/null 2>&1 || (apt-get install -y -q wrk >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1)) || \
	  echo "wrk could not be installed: bench/pages.py uses its Python load generator"

# a community's pages with 5,000 volunteers and 100,000 ledger entries against 10 and 200
bench-volunteers: install catalog
	$(BIN)/python bench/volunteers_scale.py

clean:
	rm -rf $(VENV) var $(MO)

# Debian's Chromium for the browser tests (Playwright drives it; browsers are never downloaded)
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get install -y -q chromium >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1)) || \
	  echo "chromium could not be installed: the browser tests of make test will fail"
	@fc-list 2>/dev/null | grep -qi "cjk" || apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1 || \
	  echo "fonts-noto-cjk could not be installed: screenshots will show boxes for Chinese"

# Debian's servers the tests start themselves on loopback or in temp folders (nothing is
# started here): PostgreSQL for the RelStorage tests, libpq-dev, which the scale extra's
# psycopg2 builds on, and redis-server for the shared page cache's test
server-deps:
	@(ls /usr/lib/postgresql/*/bin/initdb && command -v pg_config) >/dev/null 2>&1 || \
	  (apt-get install -y -q postgresql libpq-dev >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && \
	  apt-get install -y -q postgresql libpq-dev >/dev/null 2>&1)) || \
	  echo "postgresql could not be installed: the RelStorage tests of make test will fail"
	@command -v redis-server >/dev/null 2>&1 || (apt-get install -y -q redis-server >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q redis-server >/dev/null 2>&1)) || \
	  echo "redis-server could not be installed: the redis page-cache test will be skipped"
