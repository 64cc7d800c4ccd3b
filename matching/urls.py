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

# 公开答疑 (issue 13 §6)
urlpatterns += [
    path("demands/<int:pk>/questions/", views.question_ask, name="question_ask"),
    path("questions/<int:pk>/<str:action>/", views.question_act, name="question_act"),
]
