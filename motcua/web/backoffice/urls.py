from django.urls import path

from motcua.web.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("tiep-nhan/nguoi-nop/", views.intake_applicant, name="intake_applicant"),
    path("tiep-nhan/xong/<uuid:public_id>/", views.intake_done, name="intake_done"),
    path("huong-dan/", views.guidance, name="guidance"),
    path("huong-dan/<int:note_id>/", views.guidance_done, name="guidance_done"),
    path("huong-dan/<int:note_id>/phieu/", views.guidance_slip, name="guidance_slip"),
    path("phan-cong/", views.reassign_queue, name="reassign"),
    path("ho-so/<uuid:public_id>/", views.dossier_detail, name="dossier"),
    path("ho-so/<uuid:public_id>/thanh-phan/<int:position>/", views.dossier_component, name="component"),
    path("ho-so/<uuid:public_id>/phieu/<str:form>/", views.dossier_slip, name="slip"),
    path("ho-so/<uuid:public_id>/ket-qua/<uuid:document>/", views.dossier_signed, name="signed"),
    path("ho-so/<uuid:public_id>/<slug:action>/", views.dossier_action, name="action"),
]
