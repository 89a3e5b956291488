"""gunicorn settings for the portal (used by deploy/systemd/okbnet-web.service and the Procfile).

Every value can be overridden from the environment file (deploy/okbnet.env.example).
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# Sync workers: the portal does no slow work in a request (DNS, SMTP, RADIUS, imports run in Celery).
workers = int(os.environ.get("WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
# A request that takes longer than this is a bug or an overload: the worker is restarted.
# Uploads (the 50 MB RADIUS log) are buffered by nginx first, so they arrive at loopback speed.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then (memory fragmentation), staggered so they never restart together.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
# nginx on the same host is the only client; it sets X-Forwarded-Proto (DJANGO_BEHIND_PROXY=1).
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket would go to the service user's home (read-only under systemd): not used.
control_socket_disable = True
