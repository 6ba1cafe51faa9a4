"""Django's Redis cache with one redis client per connection pool.

Django builds a new ``redis.Redis`` for every cache operation, and redis-py's constructor copies
a table of some 200 response callbacks each time: on the API's hot path (two throttle operations a
request) that was a visible share of a request's CPU in benchmarks/load.py. A client is
thread-safe and holds no connection of its own (the pool does), so one per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
