from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("read-all/", views.read_all, name="read_all"),
]
