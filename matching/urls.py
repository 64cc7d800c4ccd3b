from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("organizations/<int:pk>/", views.organization_profile, name="organization"),
    path("units/<int:pk>/", views.unit_profile, name="unit"),
    path("demands/<int:pk>/interest/", views.interest_express, name="interest_express"),
    path(
        "interests/<int:pk>/<str:action>/",
        views.interest_act,
        name="interest_act",
    ),
]
