from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户与参考数据"

    def ready(self):
        from . import confidentiality, refdata

        confidentiality.install()
        refdata.connect(self)
