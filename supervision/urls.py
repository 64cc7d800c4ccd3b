from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("incomplete/", views.incomplete, name="incomplete"),
    path("remind/all/", views.remind_all, name="remind_all"),
    path("remind/<str:kind>/<int:pk>/", views.remind, name="remind"),
    path("deadlines/", views.deadline_table, name="deadlines"),
    path("assessment/", views.assessment_table, name="assessment"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("credit/", views.credit_list, name="credit"),
    path("credit/organizations/<int:pk>/", views.credit_organization, name="credit_organization"),
]
