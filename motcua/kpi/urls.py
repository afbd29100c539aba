from django.urls import path

from motcua.kpi import views

app_name = "kpi"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chi-tieu/<str:indicator>/ho-so/", views.indicator_dossiers, name="dossiers"),
    path("ho-so/<uuid:public_id>/", views.dossier_timeline, name="timeline"),
    path("xuat.<str:fmt>", views.export, name="export"),
]
