"""The fault tests' client retries an answer cut off by the server's death, as it retries a refused
connection: a server killed after the headers of its answer and before the body (IncompleteRead)."""

import http.server
import threading

from tests.faults.harness import Client


class _DiesOnce(http.server.BaseHTTPRequestHandler):
    calls = 0

    def do_POST(self) -> None:
        type(self).calls += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "20")
        self.end_headers()
        if type(self).calls == 1:
            self.close_connection = True  # the headers went out, the body never will
            return
        self.wfile.write(b'{"created": "yes" }\n')

    def log_message(self, *args: object) -> None:
        pass


def test_an_answer_cut_after_its_headers_is_sent_again() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _DiesOnce)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(f"http://127.0.0.1:{server.server_address[1]}", "token", give_up=10)
        answer = client.send("POST", "/things", body={"a": 1}, **{"Idempotency-Key": "k"})
    finally:
        server.shutdown()
        server.server_close()

    assert (answer.status, answer.body) == (201, {"created": "yes"})
    assert _DiesOnce.calls == 2
    assert client.failures == ["IncompleteRead"]
