# shequ — two commands: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LOCALE := src/shequ/locale
PO     := $(shell find src/shequ -name "*.po" -path "*LC_MESSAGES*")
MO     := $(PO:.po=.mo)

.PHONY: serve test test-fast test-browser install catalog extract init bench clean

serve: install catalog init
	$(BIN)/pserve development.ini

test: install catalog
	$(BIN)/pytest -n 2 -q

test-fast: install catalog
	$(BIN)/pytest -n 2 -q -m "not browser"

test-browser: install catalog
	$(BIN)/pytest -q -m browser

install: $(STAMP)

$(STAMP): setup.py
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[testing]'
	touch $(STAMP)

catalog: install $(MO)

%.mo: %.po
	$(BIN)/pybabel -q compile -i $< -o $@

# refresh the message template from the sources (needs lingua, in the testing extra)
extract: install
	$(BIN)/pot-create -o $(LOCALE)/shequ.pot src/shequ

init: install catalog
	mkdir -p var
	$(BIN)/shequ init development.ini

bench: install
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) var $(MO)
