from django.contrib import admin
from django.urls import include, path

from motcua.api.api import api
from motcua.core.views import healthz
from motcua.web.portal.views import lookup

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("motcua.accounts.urls")),
    path("worktime/", include("motcua.worktime.urls")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("chi-so/", include("motcua.kpi.urls")),
    path("verify/", include("motcua.documents.urls")),
    # The public status lookup at the address the QR code of Form 01 and the SMS carry (slips/qr.py).
    path("tra-cuu/", lookup, name="public_lookup"),
    path("ho-so-cua-toi/", include("motcua.web.portal.urls")),
    path("can-bo/", include("motcua.web.backoffice.urls")),
    path("", include("motcua.web.urls")),
]
