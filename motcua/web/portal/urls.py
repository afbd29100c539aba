from django.urls import path

from motcua.web.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.my_dossiers, name="my_dossiers"),
]
