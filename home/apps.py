from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The site layer: the home page, the combined search, 我的工作台 and `seed_demo`."""

    name = "home"
    verbose_name = "门户首页"
