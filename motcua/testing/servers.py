"""Local servers for the benchmarks and the tests (no Django needed): a free local port and a throw-away
Redis."""

import shutil
import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Redis:
    """A throw-away redis-server (no persistence) on a free port, when the machine has one: the cache and
    the task queue of a production installation (REDIS_URL)."""

    def __init__(self) -> None:
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        binary = shutil.which("redis-server")
        if binary is None:
            return
        port = free_port()
        self.process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    self.url = f"redis://127.0.0.1:{port}/0"
                    return
            time.sleep(0.1)
        self.stop()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
