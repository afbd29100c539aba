"""The REST API (`/api/v1/`): one ninja router per domain app, mounted in `motcua.api.api`."""
