"""Starts moto_server (PyPI `moto[server]`) for the local runner and the tests.

Two differences from running `moto_server` directly, both for faithful emulation:
* it binds port 0 and prints the port it got, so parallel test binaries never race for a port;
* it serialises DynamoDB requests. moto's DynamoDB backend checks a condition and applies the
  write as separate Python steps, so two threads can interleave between them; real DynamoDB
  isolates each item. Serialising DynamoDB calls restores that guarantee. SQS is left threaded
  (long polls must not block other requests).
It exits when its standard input closes, i.e. when the process that started it goes away.
"""
import logging
import os
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
dynamodb_lock = threading.Lock()
app = DomainDispatcherApplication(create_backend_app)


def serialised(environ, start_response):
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target.startswith("DynamoDB_") and not target.startswith("DynamoDBStreams_"):
        with dynamodb_lock:
            return list(app(environ, start_response))
    return app(environ, start_response)


def exit_when_parent_goes():
    sys.stdin.read()
    os._exit(0)


def main():
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = make_server(host, port, serialised, threaded=True)
    print(server.server_port, flush=True)
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
