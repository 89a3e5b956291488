"""The test databases of a parallel run on PostgreSQL: one migrated database, cloned for each
xdist worker, instead of every worker running all the migrations (2.6 CPU-seconds each, all
at once on 2 cores at the start of the run). `CREATE DATABASE ... TEMPLATE` takes about 0.1 s.

The first worker to take the run's lock creates and migrates `test_<NAME>` (Django's own test
database, with Django's own `setup_databases`) and closes its connections to it; each worker then
clones it as `test_<NAME>_gwN`, the name pytest-django gives the worker's database, and works on
its clone. Each worker drops its clone at the end; the main process drops the template
(`drop_template_databases`, from `pytest_sessionfinish`). Serial runs and SQLite keep
pytest-django's own set-up."""

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connections, transaction
from django.test import TransactionTestCase
from django.test.utils import setup_databases

RUN_DIR_VARIABLE = "OKBNET_TEST_RUN_DIR"  # the main process's var/ folder (tests/plugin.py), shared by its workers


def can_clone(aliases) -> bool:
    return bool(aliases) and all(connections[alias].vendor == "postgresql" for alias in aliases)


@contextmanager
def _run_lock(run_id: str):
    """Held by one worker of this run at a time (a file of this run's, in its folder: a new run,
    even in the same folder, starts afresh)."""
    path = Path(os.environ[RUN_DIR_VARIABLE]) / f"test-databases-{run_id}.lock"
    with open(path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            lock.seek(0)
            yield lock
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def set_up_clones(worker_id: str, run_id: str, aliases, serialized_aliases, verbosity: int):
    """Make this worker's databases from the run's template (creating that first if no worker has);
    return the configuration Django's `teardown_databases` takes (it drops the clones: the
    database each connection is on)."""
    suffix = f"_{worker_id}"
    for alias in aliases:
        test = connections[alias].settings_dict.setdefault("TEST", {})
        # pytest-django named this worker's database test_<NAME>_gwN: the template is test_<NAME>.
        if test.get("NAME", "").endswith(suffix):
            test["NAME"] = test["NAME"].removesuffix(suffix)
    originals = {alias: connections[alias].settings_dict["NAME"] for alias in aliases}
    with _run_lock(run_id) as lock:
        if lock.read() != "migrated":
            setup_databases(
                verbosity=verbosity, interactive=False, aliases=aliases, serialized_aliases=serialized_aliases
            )
            for alias in aliases:
                connections[alias].close()  # a template may have no connection when it is copied
            lock.truncate(0)
            lock.write("migrated")
            lock.flush()
        config = []
        for alias in aliases:
            connection = connections[alias]
            connection.settings_dict["NAME"] = connection.creation._get_test_db_name()  # the template
            connection.creation.clone_test_db(suffix=worker_id, verbosity=verbosity, autoclobber=True)
            connection.creation.setup_worker_connection(worker_id)  # the worker now works on its clone
            config.append((connection, originals[alias], True))
    return config


def drop_template_databases() -> None:
    """In the main process at the end of a parallel run: drop each template its workers cloned."""
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        name = connection.creation._get_test_db_name()
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


# --------------------------------------------------------------------------- between transactional tests

# Only migrations write these (post_migrate): left in place by the reset below.
KEPT_TABLES = ("django_content_type", "auth_permission")
_FINGERPRINT = " UNION ALL ".join(
    f"SELECT count(*), coalesce(max(id), 0) FROM {table}"  # noqa: S608 - the two names above
    for table in KEPT_TABLES
)
_migrated: dict[str, tuple[str, list]] = {}  # database name -> (the DELETEs, the kept tables' fingerprint)


def remember_migrated_state(aliases) -> None:
    """Once the test databases are ready (migrated or cloned): what the reset below deletes, and the
    fingerprint (rows, highest id) of the tables it keeps."""
    for alias in aliases:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        with connection.cursor() as cursor:
            cursor.execute(_FINGERPRINT)
            fingerprint = cursor.fetchall()
        quote = connection.ops.quote_name
        # The names of the models' own tables, as Django's flush takes them, quoted.
        deletes = "; ".join(f"DELETE FROM {quote(table)}" for table in sorted(tables) if table not in KEPT_TABLES)  # noqa: S608
        _migrated[connection.settings_dict["NAME"]] = (deletes, fingerprint)


def _delete_every_row(connection) -> bool:
    """Empty the database as Django's `flush` would, by DELETE; False (nothing done) where that
    cannot stand in for it: not PostgreSQL, or a test changed the tables kept."""
    deletes, fingerprint = _migrated.get(connection.settings_dict["NAME"], (None, None))
    if deletes is None:
        return False
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT)
        if cursor.fetchall() != fingerprint:
            return False
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys: checked at the commit
        cursor.execute(deletes)
    return True


def install_row_deleting_reset() -> None:
    """After each transactional test, TransactionTestCase empties every table with Django's `flush`:
    on PostgreSQL one TRUNCATE of them all (new files for every table and index, synced at the
    commit), then the post_migrate signal, which makes again the content types and permissions just
    truncated: 0.27 s a test here (0.20 of them in the TRUNCATE), for tables of a few rows each. On
    PostgreSQL it now DELETEs the rows of the same tables but those two, in one transaction, and
    leaves the content types and permissions as the migrations made them; where a test changed those
    (their rows or highest id differ), or where Django would flush only some apps or restore
    serialized data, Django's own flush runs."""
    flush = TransactionTestCase._fixture_teardown
    if getattr(flush, "deletes_rows", False):
        return

    def _fixture_teardown(self):
        if self.available_apps is not None or self.serialized_rollback:
            return flush(self)
        for name in self._databases_names(include_mirrors=False):
            if not _delete_every_row(connections[name]):
                call_command("flush", verbosity=0, interactive=False, database=name, reset_sequences=False)
        return None

    _fixture_teardown.deletes_rows = True
    TransactionTestCase._fixture_teardown = _fixture_teardown
