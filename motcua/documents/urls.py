from django.urls import path

from motcua.documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:public_id>", views.verify, name="verify"),
    path("tep/<str:token>", views.signed_file, name="signed_file"),
]
