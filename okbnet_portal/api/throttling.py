import time

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from okbnet_portal import counters


class ClientRateThrottle(ScopedRateThrottle):
    """Per API client (or staff user) and per view scope, in fixed windows on the shared cache.

    DRF's SimpleRateThrottle keeps a list of every request's timestamp in the cache and rewrites
    it on each request (O(rate) work); a counter per window is O(1): one round trip to Redis
    (okbnet_portal.counters).
    """

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # read now: settings can change
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        self.window = int(time.time() // self.duration)
        key = f"throttle:{self.scope}:{ident}:{self.window}"
        return counters.count(key, timeout=self.duration + 1) <= self.num_requests

    def wait(self):
        return max(0.0, (self.window + 1) * self.duration - time.time())
