"""The Redis cache backend keeps one client per connection pool (motcua/core/cache.py)."""

import redis

from motcua.core.cache import RedisCache


def test_one_client_per_pool_for_reads_and_writes() -> None:
    # redis-py connects lazily: no server is needed to build the clients
    backend = RedisCache("redis://127.0.0.1:1/0", {})

    first = backend._cache.get_client("a")

    assert isinstance(first, redis.Redis)
    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first
    assert first.connection_pool is backend._cache._get_connection_pool(write=True)


def test_a_replica_gets_its_own_client() -> None:
    backend = RedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})

    writer = backend._cache.get_client(write=True)
    reader = backend._cache.get_client()  # with two servers, reads go to the second

    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["port"] == 1
    assert reader.connection_pool.connection_kwargs["port"] == 2
    assert backend._cache.get_client() is reader
