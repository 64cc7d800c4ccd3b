from django.urls import include, path, re_path

from . import views

urlpatterns = [
    re_path(
        r"^yzt/(?P<provider_id>[^/]+)/",
        include(
            [
                path("login/", views.login, name="yzt_login"),
                path("login/callback/", views.callback, name="yzt_callback"),
            ]
        ),
    )
]
