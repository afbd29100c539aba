"""Django's Redis cache, with one `redis.Redis` client per connection pool instead of one per operation.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and each build
fills a table of about eighty response callbacks: measured at about a quarter of a millisecond of CPU per
call, over half a millisecond for a work-queue page read from the cache (two or three calls). A
`redis.Redis` is safe to share between threads (each command borrows a connection from the pool), and
redis-py's pool replaces its connections after a fork, so one client per pool suffices.

    CACHES = {"default": {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": "redis://..."}}
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self.scripts: dict[int, Any] = {}  # per client: its `get_and_add` script

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # not in the stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def get_and_add(
        self, key: str, add_key: str, value: Any, timeout: float | None = None
    ) -> tuple[Any, Any]:
        """`(get(key), get(add_key))` after `add(add_key, value, timeout)`: one command and one round trip
        (a Lua script) instead of three."""
        backend: RedisCacheClient = self._cache  # type: ignore[assignment]  # the client class set above
        serializer = backend._serializer  # type: ignore[attr-defined]  # not in the stubs
        client = backend.get_client(write=True)
        script = backend.scripts.get(id(client))
        if script is None:  # (it loads itself into the server when the server does not know it)
            script = backend.scripts.setdefault(id(client), client.register_script(_GET_AND_ADD))
        expiry = self.get_backend_timeout(timeout)
        found, current = script(
            keys=[self.make_and_validate_key(key), self.make_and_validate_key(add_key)],
            args=[serializer.dumps(value), "" if expiry is None else int(expiry)],
        )
        return (
            None if found is None else serializer.loads(found),
            None if current is None else serializer.loads(current),
        )


# KEYS: the key read, the key added; ARGV: the value added, its lifetime in seconds ("" for none). A key
# missing is Lua's false, which Redis answers as nil.
_GET_AND_ADD = """
if ARGV[2] == '' then
  redis.call('SET', KEYS[2], ARGV[1], 'NX')
else
  redis.call('SET', KEYS[2], ARGV[1], 'NX', 'EX', ARGV[2])
end
return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
"""


def get_and_add(
    cache: Any, key: str, add_key: str, value: Any, timeout: float | None = None
) -> tuple[Any, Any]:
    """`(cache.get(key), cache.get(add_key))` after `cache.add(add_key, value, timeout)`, for any Django
    cache: one round trip with `RedisCache`, three calls with the others."""
    method = getattr(cache, "get_and_add", None)
    if method is not None:
        return method(key, add_key, value, timeout)
    cache.add(add_key, value, timeout=timeout)
    found = cache.get_many([key, add_key])
    return found.get(key), found.get(add_key)
