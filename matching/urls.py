from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("organizations/<int:pk>/", views.organization_profile, name="organization"),
    path("units/<int:pk>/", views.unit_profile, name="unit"),
]
