from django.urls import path

from home import help_views

app_name = "help"
urlpatterns = [
    path("", help_views.help_index, name="index"),
    path("<slug:role>/", help_views.help_role, name="role"),
]
