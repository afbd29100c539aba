"""kill -9 of the whole gunicorn group (master and workers) in the middle of a stream of 1,000 online
submissions (upload, create, submit) and of their 1,000 receipts, each request sent with an
Idempotency-Key and retried by the client until it has its answer.

Afterwards: exactly 1,000 dossiers with distinct ids, each written whole (its three events, its component
and the file behind it), every stored file on disk with its content, no other file, no key left without
its answer; and the receipt codes consecutive from 1 for the agency and the day.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid

import pytest

from motcua.dossiers.tests.api_support import multipart, pdf_bytes
from tests.faults.harness import (
    Chaos,
    Client,
    Server,
    Site,
    run_threads,
)

pytestmark = pytest.mark.slow

SUBMISSIONS = 1000
CLIENTS = 4
KILLS = 3
API = "/api/v1/dossiers"


class Stream:
    """One phase: `step(n)` for n in 0..SUBMISSIONS-1 spread over CLIENTS threads, with KILLS kills."""

    def __init__(self, server: Server, seed: int) -> None:
        self.server, self.seed = server, seed
        self.done = 0
        self.lock = threading.Lock()

    def progress(self) -> int:
        return self.done

    def run(self, step: object) -> None:
        def work(client: int) -> None:
            for n in range(client, SUBMISSIONS, CLIENTS):
                step(n)  # type: ignore[operator]
                with self.lock:
                    self.done += 1

        with Chaos(
            self.server.crash, total=SUBMISSIONS, progress=self.progress, faults=KILLS, seed=self.seed
        ):
            run_threads(CLIENTS, work)


def test_the_server_killed_during_submissions_and_receipts_loses_nothing_and_doubles_nothing(
    fault_site: Site,
) -> None:
    site = fault_site
    world = site.probe("world")
    server = Server(site, workers=3)
    server.start()
    citizen, officer = Client(server.url, world["citizen"]), Client(server.url, world["intake"])
    contents = [pdf_bytes(f"to khai {n} {uuid.uuid4()}") for n in range(SUBMISSIONS)]
    ids: list[str] = [""] * SUBMISSIONS
    etags: list[str] = [""] * SUBMISSIONS
    codes: list[str] = [""] * SUBMISSIONS
    try:

        def submit_online(n: int) -> None:
            body, kind = multipart("file", f"to-khai-{n}.pdf", contents[n], "application/pdf")
            upload = citizen.send("POST", f"{API}/uploads", raw=body, **{"Content-Type": kind})
            assert upload.status == 201, upload.body
            payload = {
                "procedure": world["procedure"],
                "channel": "online",
                "receiving_unit": world["centre"],
                "return_method": "counter",
                "components": [
                    {
                        "name": "Tờ khai đăng ký khai sinh",
                        "provenance": "uploaded",
                        "upload": upload.body["upload"],
                    }
                ],
            }
            created = citizen.send("POST", API, body=payload, **{"Idempotency-Key": str(uuid.uuid4())})
            assert created.status == 201, created.body
            submitted = citizen.send(
                "POST",
                f"{API}/{created.body['id']}/submit",
                **{"If-Match": created.headers["etag"], "Idempotency-Key": str(uuid.uuid4())},
            )
            assert submitted.status == 200, submitted.body
            ids[n], etags[n] = created.body["id"], submitted.headers["etag"]

        def receive(n: int) -> None:
            received = officer.send(
                "POST",
                f"{API}/{ids[n]}/receive",
                **{"If-Match": etags[n], "Idempotency-Key": str(uuid.uuid4())},
            )
            assert received.status == 200, received.body
            codes[n] = received.body["code"]

        started = time.monotonic()
        Stream(server, seed=9).run(submit_online)
        submitted_in = time.monotonic() - started
        Stream(server, seed=10).run(receive)
        received_in = time.monotonic() - started - submitted_in
    finally:
        server.stop()
    held = site.probe("dossiers")

    assert server.kills == 2 * KILLS
    assert len(set(ids)) == SUBMISSIONS
    assert (held["count"], held["distinct_ids"]) == (SUBMISSIONS, SUBMISSIONS)
    # Every dossier whole: received, its three events, its one component with its file.
    assert held["shapes"] == {
        json.dumps(["processing", ["created", "submitted", "received"], 1, True]): SUBMISSIONS
    }
    # The codes the officer was told are the codes held, consecutive from 1 for each agency and day.
    assert len(set(codes)) == SUBMISSIONS
    assert sum(len(numbers) for numbers in held["codes"].values()) == SUBMISSIONS
    for numbers in held["codes"].values():
        assert numbers == list(range(1, len(numbers) + 1))
    # Files: one row per content sent, each on disk with its content, no file on disk without its row.
    sent = sorted(hashlib.sha256(content).hexdigest() for content in contents)
    assert held["component_files"] == sent
    assert sorted(held["stored_files"]) == sent
    assert all(held["stored_files"].values())
    assert held["on_disk"] == sent
    # Every key kept has its answer: a retry after a kill never waits for a dead request's claim.
    assert held["unanswered_keys"] == 0
    assert held["keys"] == 3 * SUBMISSIONS
    print(  # noqa: T201 (the figures the report quotes)
        f"server starts {[round(s, 1) for s in server.starts]} s; "
        f"submissions {submitted_in:.0f} s, receipts {received_in:.0f} s; "
        f"retried attempts: citizen {len(citizen.failures)}, officer {len(officer.failures)}; "
        f"kinds {sorted(set(citizen.failures + officer.failures))}"
    )
