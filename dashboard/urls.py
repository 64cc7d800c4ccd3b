from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.overview_export, name="overview_export"),
    path("dashboard/", views.stats, name="stats"),
    path("dashboard/export.xlsx", views.stats_export, name="stats_export"),
]
