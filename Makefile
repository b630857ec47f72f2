# The two commands of docs/contract.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DB ?= $(if $(TAIZHANG_DB),$(TAIZHANG_DB),data/taizhang.duckdb)
PORT ?= 8501

.PHONY: run test lint demo bench audit clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	@scripts/system-deps.sh
	@if [ ! -e "$(DB)" ] && case "$(DB)" in ducklake:*) false;; *) true;; esac; then \
		echo "No database at $(DB): building the demo database"; \
		$(PY) -m loaders demo --db "$(DB)"; \
	fi
	$(VENV)/bin/streamlit run dashboard.py --server.port $(PORT) --server.headless true

demo: $(VENV)/.installed
	$(PY) -m loaders demo --db "$(DB)"

test: $(VENV)/.installed-dev
	$(PY) -m pytest -q $(PYTEST_ARGS)

# ruff (pyflakes, pycodestyle errors, isort, bugbear) then gradual mypy; both
# configured in pyproject.toml.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/ingest.py

# Known vulnerabilities in the pinned dependencies (needs the PyPI JSON API or
# OSV; offline or behind a mirror it says what it could not audit).
audit:
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/python -m pip install --quiet pip-audit==2.10.1
	.venv-audit/bin/pip-audit -r requirements.txt --progress-spinner off

clean:
	rm -rf $(VENV) .pytest_cache
