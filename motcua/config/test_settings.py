"""Settings for the test suite: the production module with test switches set before it loads."""

import os
import tempfile

os.environ["MOTCUA_TESTING"] = "1"
os.environ.setdefault("MOTCUA_VAR_DIR", tempfile.mkdtemp(prefix="motcua-test-"))

from motcua.config.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
