# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser pgbouncer run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Browser tests use Debian's chromium (and a Japanese font for readable screenshots); installed when missing and
# when we may (root with apt). Elsewhere those tests skip.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) \
	      >/dev/null || echo "browser: apt-get failed; browser tests will skip"; \
	  else echo "browser: no chromium and no apt as root; browser tests will skip"; fi; \
	fi

# pgbouncer (transaction pooling) for the test that runs the bot through it; installed when missing and when we may.
pgbouncer:
	@if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer \
	      && (systemctl disable --now pgbouncer 2>/dev/null || service pgbouncer stop 2>/dev/null || true)) \
	      >/dev/null || echo "pgbouncer: apt-get failed; the pgbouncer test will skip"; \
	  else echo "pgbouncer: not installed and no apt as root; the pgbouncer test will skip"; fi; \
	fi

run: install  ## SQLite database + demo content + the bot on http://127.0.0.1:8000 (/try to chat, /login for staff)
	$(BIN)/madoguchi db upgrade
	$(BIN)/madoguchi staff bootstrap
	$(BIN)/madoguchi faq seed
	MADOGUCHI_TRIAL_ENABLED=true $(BIN)/madoguchi serve --host $(HOST) --port $(PORT)

test: install browser pgbouncer lint  ## the whole suite (PostgreSQL tests skip when no server answers)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check bot dialogs handoff knowledge tests bench migrations
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/webhook.py

clean:
	rm -rf $(VENV) madoguchi.db madoguchi.db-wal madoguchi.db-shm
