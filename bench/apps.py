from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed only with PORTAL_BENCH_FLOORS=1 (`make bench`), for the floor page's template."""

    name = "bench"
