from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/submitted/", views.apply_submitted, name="apply_submitted"),
    path("apply/status/", views.apply_status, name="apply_status"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    # Before allauth's own page of the same path (portal/urls.py includes this module first).
    path("password/set/", views.password_set, name="password_set"),
]
