"""Operational endpoints."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import motcua
from motcua.core.errors import problem


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database answers and every migration is applied."""
    database_ok, migrations_ok = True, False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        migrations_ok = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        database_ok = False
    healthy = database_ok and migrations_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database_ok,
            "migrations_applied": migrations_ok,
            "version": motcua.__version__,
        },
        status=200 if healthy else 503,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a Vietnamese page (a JSON problem under /api/) instead of Django's English one."""
    message = _("The form expired or was sent from another site. Reload the page and send it again.")
    if request.path.startswith("/api/"):
        return JsonResponse(problem("csrf_failed", message), status=403)
    return render(request, "403.html", {"exception": message}, status=403)
