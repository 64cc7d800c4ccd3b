from django.urls import path

from . import api, views
from .feeds import DemandFeed
from .subscription_feeds import SubscriptionFeed

app_name = "opendata"

urlpatterns = [
    path("api/", views.index, name="index"),
    path("api/v1/", api.urls()),
    # Last of api/v1: any other path there answers 404 in JSON (not part of the description).
    path("api/v1/<path:rest>", views.not_found, name="not_found"),
    path("feeds/demands.atom", DemandFeed(), name="demand_feed"),
    path("feeds/subscriptions/<str:token>.atom", SubscriptionFeed(), name="subscription_feed"),
]
