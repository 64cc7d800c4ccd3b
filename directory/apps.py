from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "推荐目录"

    def ready(self):
        # The listings of demands and offers sit below this app and ask portal/directory_members.py
        # who is a member: tell it the one rule (issue 17 §3).
        from portal import directory_members

        from .models import Application

        directory_members.provide(Application.objects.members)
