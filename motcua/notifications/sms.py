"""SMS gateways: `settings.MOTCUA["SMS_BACKEND"]` names the class (env `SMS_BACKEND`).

A backend has one method, `send(*, to, text)`, raising any exception on failure (the notification is then
retried). `ConsoleSmsBackend` (the default) prints the message with the number masked; `LocmemSmsBackend`
keeps messages in memory for tests. A provider's gateway is a class of the same shape, named by its
dotted path.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


def mask_phone(number: str) -> str:
    """0912345678 → 09******78: enough to recognise, not enough to dial."""
    digits = number.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


class ConsoleSmsBackend:
    """Prints each SMS on standard output (the number masked): development and small installations."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {mask_phone(to)}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


@dataclass(frozen=True, slots=True)
class SentSms:
    to: str
    text: str


outbox: list[SentSms] = []
_lock = threading.Lock()


class LocmemSmsBackend:
    """Keeps each SMS in `motcua.notifications.sms.outbox` (tests)."""

    def send(self, *, to: str, text: str) -> None:
        with _lock:
            outbox.append(SentSms(to=to, text=text))


def get_sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(str(settings.MOTCUA["SMS_BACKEND"]))()
    return backend
