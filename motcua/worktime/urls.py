from django.urls import path

from motcua.worktime import views

app_name = "worktime"

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/exceptions/<int:pk>/remove", views.exception_remove, name="exception_remove"),
]
