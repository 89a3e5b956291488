"""`python manage.py policy_server`: the mail gateway's Postfix policy service (DESIGN §10)."""

import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from network.policy import PolicyService, counters_for, policy_redis_url
from network.policy_server import serve
from okbnet_portal.env import parse_host_port


class Command(BaseCommand):
    help = "Answer Postfix's check_policy_service requests on OKBNET_POLICY_BIND (host:port)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="host:port instead of OKBNET_POLICY_BIND")

    def handle(self, *args, bind=None, **options):
        host, port = settings.OKBNET_POLICY_BIND
        if bind:
            host, port = parse_host_port("--bind", bind)
        service = PolicyService(counters=counters_for(policy_redis_url()))
        try:
            asyncio.run(serve(service, host, port))
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
        except KeyboardInterrupt:
            pass
