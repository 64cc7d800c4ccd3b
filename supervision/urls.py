from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("incomplete/", views.incomplete, name="incomplete"),
    path("deadlines/", views.deadline_table, name="deadlines"),
]
