"""The emulator's stand-in for Azure ML's inference server: hosts one deployment's scoring script.

Contract (what a managed online deployment's container does):
- the scoring script's init() runs once, with AZUREML_MODEL_DIR pointing at the model files;
- POST /score calls run(raw_data) with the body decoded as UTF-8 (a parameter named
  request_headers, if run has one, receives the headers); the return value is JSON-encoded,
  status 200, headers x-ms-run-fn-exec-ms and x-ms-run-function-failed; an AMLResponse sets its
  own body, status and headers;
- an exception in run() answers 500 {"message": ...}; a body that is not UTF-8 answers 400;
- GET / answers "Healthy".

Started by the emulator as: python3 inference_server.py --script score.py [--port 0]. After init()
it prints one line "AZUREML_INFERENCE_READY <port>" on stdout; everything else it prints is the
deployment's log. Only the Python standard library is used.
"""

import argparse
import importlib.util
import inspect
import json
import os
import socket
import sys
import time
import traceback
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

READY = "AZUREML_INFERENCE_READY"
UNEXPECTED = "An unexpected error occurred in scoring script. Check the logs for more info."


class AMLResponse:
    """What run() may return to set the status and headers (azureml.contrib.services)."""

    def __init__(self, message, status_code, headers=None, json_str=False):
        self.message = message
        self.status_code = status_code
        self.headers = dict(headers or {})
        self.json_str = json_str


class AMLRequest:
    """Placeholder of azureml.contrib.services.aml_request (raw request mode is not emulated)."""


def rawhttp(func):
    """Decorator of azureml.contrib.services: marks run() as taking the raw request (not emulated)."""
    func.__azureml_rawhttp__ = True
    return func


def install_contrib_modules():
    """Makes `from azureml.contrib.services.aml_response import AMLResponse` work in scripts."""
    names = [
        "azureml",
        "azureml.contrib",
        "azureml.contrib.services",
        "azureml.contrib.services.aml_response",
        "azureml.contrib.services.aml_request",
    ]
    for name in names:
        if name not in sys.modules:
            module = types.ModuleType(name)
            module.__path__ = []
            sys.modules[name] = module
    sys.modules["azureml.contrib.services.aml_response"].AMLResponse = AMLResponse
    sys.modules["azureml.contrib.services.aml_request"].AMLRequest = AMLRequest
    sys.modules["azureml.contrib.services.aml_request"].rawhttp = rawhttp


def load_script(path):
    directory = os.path.dirname(os.path.abspath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("init", "run"):
        if not callable(getattr(module, name, None)):
            raise RuntimeError("the scoring script %s defines no %s() function" % (path, name))
    return module


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    install_contrib_modules()
    script = load_script(args.script)
    print("Initializing scoring script %s" % os.path.basename(args.script), flush=True)
    script.init()
    print("init() done", flush=True)

    run = script.run
    wants_headers = "request_headers" in inspect.signature(run).parameters
    if getattr(run, "__azureml_rawhttp__", False):
        raise RuntimeError("@rawhttp scoring scripts are not emulated: take raw_data instead")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            # Headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm
            # and the client's delayed ACK hold the body back about 40 ms per call.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, fmt, *values):  # the emulator logs requests itself
            pass

        def answer(self, status, body, headers=None, content_type="application/json"):
            data = body if isinstance(body, bytes) else body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path in ("/", "/health", "/score"):
                self.answer(200, "Healthy", content_type="text/plain; charset=utf-8")
            else:
                self.answer(404, json.dumps({"message": "not found"}))

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            if self.path.split("?")[0] != "/score":
                self.answer(404, json.dumps({"message": "not found"}))
                return
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                self.answer(400, json.dumps({"message": "The request body is not UTF-8: %s" % error}))
                return
            started = time.perf_counter()
            try:
                if wants_headers:
                    result = run(text, request_headers=dict(self.headers.items()))
                else:
                    result = run(text)
            except Exception:  # the script's failure is the caller's 500, logged here
                traceback.print_exc()
                sys.stderr.flush()
                self.answer(500, json.dumps({"message": UNEXPECTED}), {"x-ms-run-function-failed": "True"})
                return
            elapsed = "%.3f" % ((time.perf_counter() - started) * 1000)
            if isinstance(result, AMLResponse):
                body = result.message
                if not isinstance(body, (str, bytes)):
                    body = json.dumps(body)
                headers = {"x-ms-run-fn-exec-ms": elapsed, "x-ms-run-function-failed": "False"}
                headers.update(result.headers)
                content_type = headers.pop("Content-Type", "application/json")
                self.answer(result.status_code, body, headers, content_type)
                return
            try:
                body = json.dumps(result)
            except (TypeError, ValueError):
                traceback.print_exc()
                sys.stderr.flush()
                self.answer(500, json.dumps({"message": UNEXPECTED}), {"x-ms-run-function-failed": "True"})
                return
            self.answer(200, body, {"x-ms-run-fn-exec-ms": elapsed, "x-ms-run-function-failed": "False"})

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print("%s %d" % (READY, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()
        sys.exit(1)
