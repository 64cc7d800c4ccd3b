"""The celery application (issue 16 §1): `celery -A portal worker` and `celery -A portal beat`.

Configuration comes from portal/settings.py (the CELERY_* names). With no CELERY_BROKER_URL, tasks run
in-process (CELERY_TASK_ALWAYS_EAGER), so `make run` and the tests need nothing but the database.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
