# Two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= ../shared/data
DEMO_UNIT ?= 074601

.PHONY: run test venv deps messages migrate seed lock worker beat clean-db

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a lock file changes.
$(VENV)/.deps: requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	touch $@

deps: $(VENV)/.deps

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

messages: deps
	$(BIN)/python scripts/compile_messages.py

migrate: deps messages
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_reference_data
	@if [ -d "$(DATA_DIR)" ]; then \
		$(BIN)/python manage.py import_directory $(DATA_DIR)/moe_*.csv; \
	else \
		echo "$(DATA_DIR) not found: building a small fictional directory instead."; \
		$(BIN)/python manage.py fictional_directory; \
	fi
	$(BIN)/python manage.py demo_data --unit $(DEMO_UNIT) --fallback-first-unit

run: seed
	$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: deps messages node_modules/.installed
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --strip-extras -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile --quiet --generate-hashes --strip-extras -o dev.txt dev.in

# Production background processes (need Redis at CELERY_BROKER_URL).
worker: deps
	$(BIN)/celery -A config worker --loglevel=INFO

beat: deps
	$(BIN)/celery -A config beat --loglevel=INFO

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
