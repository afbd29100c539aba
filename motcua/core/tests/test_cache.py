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


def test_get_and_add_reads_a_key_and_adds_another_in_one_round_trip(redis_url: str) -> None:
    backend = RedisCache(redis_url, {"KEY_PREFIX": "t"})
    backend.clear()
    backend.set("answer", ("token-1", {"status": "processing"}))
    backend.get_and_add("warm", "warm-token", 1)  # the server learns the script
    client = backend._cache.get_client(write=True)
    commands = []
    real = client.execute_command
    client.execute_command = lambda *args, **kwargs: commands.append(args[0]) or real(*args, **kwargs)

    first = backend.get_and_add("answer", "token", "token-1", timeout=None)
    second = backend.get_and_add("missing", "token", "token-2", timeout=None)
    expiring = backend.get_and_add("answer", "short", "s", timeout=60)
    number = backend.get_and_add("missing", "counter", 7)

    assert first == (("token-1", {"status": "processing"}), "token-1")
    assert second == (None, "token-1")  # added once: the second value is not stored
    assert expiring == (("token-1", {"status": "processing"}), "s")
    assert number == (None, 7)
    assert commands == ["EVALSHA"] * 4
    client.execute_command = real
    assert backend.get("token") == "token-1"
    assert 0 < client.ttl(backend.make_and_validate_key("short")) <= 60
    assert client.ttl(backend.make_and_validate_key("token")) == -1  # no expiry
    backend.clear()
