from django.urls import path

from . import views
from .feeds import DemandFeed

app_name = "opendata"

urlpatterns = [
    path("api/", views.index, name="index"),
    path("api/v1/openapi.json", views.openapi_json, name="openapi"),
    path("api/v1/demands/", views.demand_list, name="demands"),
    path("api/v1/demands/<int:pk>/", views.demand_detail, name="demand"),
    path("api/v1/offerings/", views.offering_list, name="offerings"),
    path("api/v1/offerings/<int:pk>/", views.offering_detail, name="offering"),
    path("api/v1/directory/", views.directory_list, name="directory"),
    # Last of api/v1: any other path there answers 404 in JSON (not part of the description).
    path("api/v1/<path:rest>", views.not_found, name="not_found"),
    path("feeds/demands.atom", DemandFeed(), name="demand_feed"),
]
