"""The catalogue's pages under /thu-tuc/: public first, then the editors' pages under bien-tap/."""

from django.urls import path

from motcua.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("bien-tap/", views.editor_home, name="editor_home"),
    path("bien-tap/tao-moi/", views.editor_create, name="editor_create"),
    path("bien-tap/nhap-xuat/", views.editor_transfer, name="editor_transfer"),
    path("bien-tap/xuat.<str:fmt>", views.editor_export, name="editor_export"),
    path("bien-tap/<str:code>/", views.editor_procedure, name="editor_procedure"),
    path("bien-tap/<str:code>/tao-ban-nhap/", views.editor_draft_start, name="editor_draft_start"),
    path("bien-tap/<str:code>/huy-ban-nhap/", views.editor_draft_discard, name="editor_draft_discard"),
    path("bien-tap/<str:code>/ban-nhap/", views.editor_fields, name="editor_fields"),
    path("bien-tap/<str:code>/ban-nhap/<slug:table>/", views.editor_table, name="editor_table"),
    path("bien-tap/<str:code>/xem-truoc/", views.editor_preview, name="editor_preview"),
    path("bien-tap/<str:code>/cong-bo/", views.editor_publish, name="editor_publish"),
    path("bien-tap/<str:code>/bai-bo/", views.editor_retire, name="editor_retire"),
    path("<str:code>/", views.procedure_page, name="detail"),
    path("<str:code>/bieu-mau/<slug:key>/", views.procedure_eform, name="eform"),
]
