from django.urls import path

from . import subscription_views, views

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

# 订阅 (issue 13 §4): matching/subscription_views.py; the private feed is opendata:subscription_feed.
urlpatterns += [
    path("subscriptions/", subscription_views.subscription_list, name="subscriptions"),
    path("subscriptions/new/", subscription_views.subscription_create, name="subscription_create"),
    path("subscriptions/<int:pk>/edit/", subscription_views.subscription_edit, name="subscription_edit"),
    path(
        "subscriptions/<int:pk>/<str:action>/", subscription_views.subscription_act, name="subscription_act"
    ),
    path("subscriptions/unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
]

# 公开答疑 (issue 13 §6)
urlpatterns += [
    path("demands/<int:pk>/questions/", views.question_ask, name="question_ask"),
    path("questions/<int:pk>/<str:action>/", views.question_act, name="question_act"),
]
