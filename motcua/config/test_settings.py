"""Settings for the test suite: the production module with test switches set before it loads."""

import os
import tempfile

os.environ["MOTCUA_TESTING"] = "1"
if "PYTEST_XDIST_WORKER" in os.environ:
    # Each test process its own directory (stored files, the task queue): the processes inherit the
    # controller's environment, and a test that watches the storage must not see another process's files.
    worker = os.environ["PYTEST_XDIST_WORKER"]
    os.environ["MOTCUA_VAR_DIR"] = tempfile.mkdtemp(prefix=f"motcua-test-{worker}-")
else:
    os.environ.setdefault("MOTCUA_VAR_DIR", tempfile.mkdtemp(prefix="motcua-test-"))

from motcua.config.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
