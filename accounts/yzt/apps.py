from django.apps import AppConfig


class YztConfig(AppConfig):
    name = "accounts.yzt"
    label = "yzt"
    verbose_name = "法人一证通"
