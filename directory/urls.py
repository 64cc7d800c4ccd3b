from django.urls import path

from . import removal, views

app_name = "directory"

urlpatterns = [
    path("", views.directory_home, name="list"),
    path("form-template.xlsx", views.blank_form, name="blank_form"),
    path("apply/", views.apply, name="apply"),
    path("mine/", views.my_applications, name="mine"),
    path("applications/<int:pk>/form/", views.application_form_file, name="form_file"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review"),
    path("members/<int:pk>/remove/", removal.remove_member, name="remove_member"),
    path("recommend/<int:demand_pk>/", views.recommend, name="recommend"),
    path("<int:year>/", views.edition_detail, name="edition"),
    path("<int:year>/export.xlsx", views.edition_export, name="export"),
    path("<int:year>/members.xlsx", views.edition_filtered_export, name="members_export"),
]
