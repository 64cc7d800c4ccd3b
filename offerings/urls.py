from django.urls import path

from . import views

app_name = "offerings"

urlpatterns = [
    path("", views.offering_list, name="list"),
    path("export.xlsx", views.offering_list_export, name="list_export"),
    path("mine/", views.my_offerings, name="mine"),
    path("mine/export.xlsx", views.export_mine, name="export"),
    path("new/", views.offering_create, name="create"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:batch_id>/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.offering_detail, name="detail"),
    path("<int:pk>/edit/", views.offering_edit, name="edit"),
    path("<int:pk>/publish/", views.offering_publish, name="publish"),
    path("<int:pk>/withdraw/", views.offering_withdraw, name="withdraw"),
]
