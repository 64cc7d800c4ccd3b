from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from home import views as home_views
from portal import health, job_views, views

admin.site.site_header = "供需对接平台 管理后台"
admin.site.site_title = "供需对接平台 管理后台"
admin.site.index_title = "管理首页"
# The admin login goes through allauth, so it is rate-limited like the site login (R-ACC-1).
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "portal.errors.server_error"
handler400 = "portal.params.bad_request"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", home_views.home, name="home"),
    path("workbench/", home_views.workbench, name="workbench"),
    path("jobs/<uuid:job_id>/", job_views.job_page, name="job"),
    path("jobs/<uuid:job_id>/status.json", job_views.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/file", job_views.job_file, name="job_file"),
    path("demands/", include("demands.urls")),
    path("offerings/", include("offerings.urls")),
    path("directory/", include("directory.urls")),
    path("supervision/", include("supervision.urls")),
    path("inbox/", include("inbox.urls")),
    path("data/", include("dashboard.urls")),
    path("", include("opendata.urls")),
    path("", include("matching.urls")),
    path("search/", home_views.search_all, name="search"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("contrast-mode/", views.contrast_mode, name="contrast_mode"),
    path("help/", include("home.help_urls")),
    path("", include("notices.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# Two reference views for `make bench` (bench/city_load.py sets PORTAL_BENCH_FLOORS=1); never routed otherwise.
if settings.BENCH_FLOORS:
    from bench import views as bench_views

    urlpatterns += bench_views.urlpatterns
