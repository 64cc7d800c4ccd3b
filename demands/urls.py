from django.urls import path

from . import external_page, views

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="list"),
    path("export.xlsx", views.demand_list_export, name="list_export"),
    path("mine/", views.my_demands, name="mine"),
    path("new/", views.demand_create, name="create"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:batch_id>/", views.import_preview, name="import_preview"),
    path("external-import/", external_page.external_import, name="external_import"),
    path("<int:pk>/", views.demand_detail, name="detail"),
    path("<int:pk>/edit/", views.demand_edit, name="edit"),
    path("<int:pk>/publish/", views.demand_publish, name="publish"),
    path("<int:pk>/cancel/", views.demand_cancel, name="cancel"),
    path("<int:pk>/award/", views.demand_award, name="award"),
    path("<int:pk>/evaluate/", views.demand_evaluate, name="evaluate"),
    path("<int:pk>/copy/", views.demand_copy, name="copy"),
    path("<int:pk>/preview/", views.demand_preview, name="preview"),
]
