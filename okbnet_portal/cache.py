"""The shared cache's backend: Django's RedisCache, keeping one redis-py client per connection pool.

Django's RedisCacheClient.get_client() builds a new `redis.Redis` object for every cache call
(the pool is kept, the client is not). Building one fills its table of ~170 response callbacks:
about 0.15 ms, more than the round trip it is made for (bench/bench_verdict.py's profile: the
verdict API's two counters spent more time constructing clients than talking to Redis). A
`redis.Redis` is safe to share between threads (each command takes a connection from the pool),
so one per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)  # a replica at random for reads, as Django does
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
