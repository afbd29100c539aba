"""The citizen portal under /ho-so-cua-toi/: my dossiers, the online submission wizard, the public lookup."""

from django.urls import path

from motcua.web.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.my_dossiers, name="my_dossiers"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("nop/<str:code>/", views.submit_form, name="submit_form"),
    path("nop/<str:code>/to-khai/<int:index>/", views.submit_form, name="submit_form_n"),
    path("nop/<str:code>/giay-to/", views.submit_documents, name="submit_documents"),
    path("nop/<str:code>/xem-lai/", views.submit_review, name="submit_review"),
    path("<uuid:public_id>/", views.dossier_page, name="dossier"),
    path("<uuid:public_id>/bo-sung/", views.supplement, name="supplement"),
    path("<uuid:public_id>/rut/", views.withdraw, name="withdraw"),
    path("<uuid:public_id>/tep/<int:position>/", views.component_file, name="component_file"),
    path("<uuid:public_id>/phieu/<int:slip_id>/", views.slip_file, name="slip_file"),
    path("<uuid:public_id>/ket-qua/<uuid:result_id>/", views.result_file, name="result_file"),
]
