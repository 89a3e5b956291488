import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okbnet_portal.settings")

app = Celery("okbnet_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["okbnet_portal"], related_name="emails")


@app.task(name="okbnet_portal.ping")
def ping() -> str:
    """Health check: proves a worker is consuming from the broker."""
    return "pong"
