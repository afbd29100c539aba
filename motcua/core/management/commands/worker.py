"""`motcua worker`: the Huey consumer (SqliteHuey by default, RedisHuey when REDIS_URL is set).

Every option of Huey's `run_huey` passes through: `motcua worker --workers 4 --no-periodic`.
"""

from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand


class Command(RunHueyCommand):
    help = "Run the background-task worker (Huey consumer); takes run_huey's options."

    def handle(self, *args: Any, **options: Any) -> None:
        super().handle(*args, **options)
