# OKBNET member portal. Quick start: `make run` (the portal with demo data) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
AXE := node_modules/axe-core/axe.min.js
export PATH := $(abspath $(VENV))/bin:$(PATH)
# Python keeps its bytecode (in __pycache__, git-ignored): with PYTHONDONTWRITEBYTECODE set, as on our
# machines, each of the suite's processes compiled the project and re-did pytest's assertion rewriting
# of every plugin module, about 5 CPU-seconds a process before the first test.
unexport PYTHONDONTWRITEBYTECODE
# The embedded default: SQLite and Celery's filesystem transport under var/.
export DJANGO_DEBUG ?= 1

.PHONY: run test check bench messages messages-extract install clean-var

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# The compiled catalogues (.mo, not in git), remade when a .po is newer: one compilemessages for all.
PO := $(wildcard locale/*/LC_MESSAGES/*.po */locale/*/LC_MESSAGES/*.po)
messages: $(PO:.po=.mo)
$(PO:.po=.mo) &: $(PO) | $(STAMP)
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	@touch $(PO:.po=.mo)

run: $(STAMP) messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:8000/  (Ctrl-C stops web, worker and beat)"
	$(VENV)/bin/honcho start -f Procfile

# The suite in parallel (pytest-xdist, a module per worker at a time, the long-running ones first):
# a serial run leaves two thirds of the 2 cores idle waiting on the services; three workers keep both
# busy (tests/plugin.py gives each its own Redis databases; measured on 2 cores, alternating: 3
# workers 120-137 s, 4 workers 134-140 s, each worker also starting its own browser and services).
# TEST_WORKERS=0: one process, the default on the embedded SQLite, whose shared in-memory database
# locks under parallel workers.
TEST_WORKERS ?= $(if $(findstring postgres,$(DATABASE_URL)),3,0)
test: $(STAMP) messages $(AXE)
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

check: $(STAMP) messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-only-$$(head -c 32 /dev/urandom | base64 | tr -d '+/=') \
	  DJANGO_ALLOWED_HOSTS=portal.okbnet.ne.jp $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	@# The production configuration boots and serves (DEBUG off, collected static, gunicorn).
	$(PY) deploy/smoke.py

bench: $(STAMP) messages
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) -m bench

clean-var:
	rm -rf var/

# Re-extract translatable strings: each app owns its catalogue (<app>/locale/ja), the
# project-wide templates and okbnet_portal/ use locale/ja. Needs GNU gettext.
APPS := accounts mailsettings support network
messages-extract: $(STAMP)
	@# Django starts in the project root, then makemessages runs in the app: Celery's Django fixup
	@# puts the current directory first on sys.path, where network/spf.py would shadow pyspf's spf.
	for app in $(APPS); do PYTHONPATH=$(CURDIR) DJANGO_SETTINGS_MODULE=okbnet_portal.settings $(PY) -P -c 'import os, sys, django; django.setup(); os.chdir(sys.argv[1]); from django.core.management import call_command; call_command("makemessages", locale=["ja"], no_obsolete=True, verbosity=0)' $$app || exit 1; done
	$(PY) manage.py makemessages -l ja --no-obsolete -v0 $(foreach a,$(APPS),--ignore=$(a)/*) --ignore=.venv/* --ignore=node_modules/* --ignore=tests/* --ignore=bench/* --ignore=var/*
