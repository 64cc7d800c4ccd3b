from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "demands"
    verbose_name = "我要购买服务"
