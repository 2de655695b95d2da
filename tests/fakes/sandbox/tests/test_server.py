#!/usr/bin/env python3
"""Checks the sandbox stand-in against the facts file: entry points, WebSockets, authentication.

Each test class starts the real server (server.py) as a subprocess on 127.0.0.1 with a free port.
"""

import base64
import hashlib
import http.client
import json
import os
import socket
import struct
import subprocess
import sys
import time
import unittest

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server.py")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(key, payload, alg="RS256"):
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    sig = key.sign((head + "." + body).encode(), padding.PKCS1v15(), hashes.SHA256())
    return head + "." + body + "." + b64url(sig)


class Running:
    """The server as a subprocess; reads the port from its banner."""

    def __init__(self, env_extra):
        env = dict(os.environ, AIO_FAKE_BIND="127.0.0.1", AIO_FAKE_PORT="0", AIO_FAKE_API_PORT="0",
                   AIO_FAKE_AUTH_PORT="0", PYTHONUNBUFFERED="1")
        for k in ("JWT_PUBLIC_KEY", "SANDBOX_API_KEY", "TICKET_TTL_SECONDS", "AIO_FAKE_LOG_DIR", "LOG_STDOUT_SERVER"):
            env.pop(k, None)
        env.update(env_extra)
        self.proc = subprocess.Popen([sys.executable, "-u", SERVER], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.banner = []
        self.port = self.api_port = self.auth_port = None
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.banner.append(line)
            if "listening on http://127.0.0.1:" in line:
                self.port = int(line.split("127.0.0.1:")[1].split()[0])
            if "API server on 127.0.0.1:" in line:
                self.api_port = int(line.split("API server on 127.0.0.1:")[1].split()[0])
                self.auth_port = int(line.split("Auth backend on 127.0.0.1:")[1].split()[0])
            if line.startswith("=") and self.api_port is not None:  # the banner's closing rule
                break
        if self.port is None or self.api_port is None:
            self.stop()
            raise RuntimeError("server did not start: " + "".join(self.banner))

    def request(self, method, path, headers=None, body=None, port=None):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=10)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, data, resp

    def stop(self):
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate(timeout=10)
        return "".join(self.banner) + out


def ws_connect(port, path, headers=None, protocols=None, key=None):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = key or base64.b64encode(os.urandom(16)).decode()
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port, "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
    if protocols:
        lines.append("Sec-WebSocket-Protocol: " + protocols)
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            break
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
    return sock, status, head.decode(), rest, expected.decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ws_read_frame(sock, rest):
    buf = rest
    while len(buf) < 2:
        buf += sock.recv(4096)
    n = buf[1] & 0x7F
    off = 2
    if n == 126:
        while len(buf) < 4:
            buf += sock.recv(4096)
        n = struct.unpack("!H", buf[2:4])[0]
        off = 4
    while len(buf) < off + n:
        buf += sock.recv(4096)
    return buf[0] & 0x0F, buf[off:off + n]


def ws_send_text(sock, text):
    data = text.encode()
    mask = os.urandom(4)
    assert len(data) < 126
    sock.sendall(struct.pack("!BB", 0x81, 0x80 | len(data)) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))


class OpenServerTest(unittest.TestCase):
    """Neither JWT_PUBLIC_KEY nor SANDBOX_API_KEY: every entry point is open."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Running({})

    @classmethod
    def tearDownClass(cls):
        cls.out = cls.srv.stop()

    def test_banner(self):
        text = "".join(self.srv.banner)
        self.assertIn("AIO Sandbox", text)
        self.assertIn("auth: none", text)
        self.assertIn("Image Version: ", text)

    def test_banner_warns_without_auth(self):
        srv = Running({})
        out = srv.stop()
        self.assertIn("WARNING: SECURITY RISK - NO AUTHENTICATION CONFIGURED", out)

    def test_sandbox_info_at_top_level(self):
        # As upstream's SDK reads it (SandboxResponse: home_dir, version, detail required).
        status, body, _ = self.srv.request("GET", "/v1/sandbox")
        doc = json.loads(body)
        self.assertEqual(status, 200)
        self.assertEqual(doc["home_dir"], "/home/gem")
        self.assertTrue(doc["version"])
        self.assertEqual(set(doc["detail"]), {"system", "runtime", "utils"})

    def test_upload_honours_path_field(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            dest = os.path.join(d, "sub", "notes.txt")
            boundary = "xXbOuNdArYx"
            body = ("--%s\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n%s\r\n"
                    "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                    "Content-Type: text/plain\r\n\r\nhello upload\r\n--%s--\r\n") % (boundary, dest, boundary, boundary)
            status, data, _ = self.srv.request("POST", "/v1/file/upload",
                                               {"Content-Type": "multipart/form-data; boundary=" + boundary},
                                               body.encode())
            self.assertEqual(status, 200, data)
            self.assertEqual(json.loads(data)["data"], {"file_path": dest, "file_size": 12, "success": True})
            with open(dest, "rb") as f:
                self.assertEqual(f.read(), b"hello upload")

    def test_entry_points(self):
        for path in ("/", "/index.html", "/v1/docs", "/v1/sandbox", "/v1/ping", "/vnc/index.html?autoconnect=true",
                     "/code-server/", "/terminal", "/jupyter"):
            status, _, _ = self.srv.request("GET", path)
            self.assertEqual(status, 200, path)
        status, body, _ = self.srv.request("GET", "/")
        self.assertIn(b"<title>AIO Sandbox</title>", body)
        status, body, _ = self.srv.request("GET", "/v1/sandbox")
        self.assertTrue(json.loads(body)["success"])
        status, _, resp = self.srv.request("GET", "/code-server")
        self.assertEqual(status, 301)
        self.assertEqual(resp.getheader("Location"), "/code-server/")
        status, _, _ = self.srv.request("GET", "/no/such/thing")
        self.assertEqual(status, 404)

    def test_mcp(self):
        status, body, _ = self.srv.request("POST", "/mcp", {"Content-Type": "application/json"},
                                           json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                       "params": {}}))
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["result"]["serverInfo"]["name"], "aio-sandbox-standin")

    def test_websockify_speaks_rfb(self):
        sock, status, head, rest, expected = ws_connect(self.srv.port, "/websockify", protocols="binary")
        try:
            self.assertEqual(status, 101)
            self.assertIn("Sec-WebSocket-Accept: " + expected, head)
            self.assertIn("Sec-WebSocket-Protocol: binary", head)
            opcode, data = ws_read_frame(sock, rest)
            self.assertEqual(opcode, 2)
            self.assertEqual(data, b"RFB 003.008\n")
        finally:
            sock.close()

    def test_websocket_accept_matches_rfc6455_example(self):
        # RFC 6455 section 1.3: this key must be answered with exactly this accept value.
        sock, status, head, _, _ = ws_connect(self.srv.port, "/websockify", key="dGhlIHNhbXBsZSBub25jZQ==")
        try:
            self.assertEqual(status, 101)
            self.assertIn("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head)
        finally:
            sock.close()

    def test_shell_ws_json(self):
        sock, status, _, rest, _ = ws_connect(self.srv.port, "/v1/shell/ws")
        try:
            self.assertEqual(status, 101)
            opcode, data = ws_read_frame(sock, rest)
            self.assertEqual(json.loads(data)["type"], "ready")
            ws_send_text(sock, json.dumps({"type": "input", "data": "echo hi\n"}))
            opcode, data = ws_read_frame(sock, b"")
            self.assertEqual(json.loads(data), {"type": "output", "data": "echo hi\n"})
        finally:
            sock.close()

    def test_code_server_ws_echo(self):
        sock, status, _, rest, _ = ws_connect(self.srv.port, "/code-server/stable-x/ws")
        try:
            self.assertEqual(status, 101)
            ws_send_text(sock, "hello")
            opcode, data = ws_read_frame(sock, rest)
            self.assertEqual((opcode, data), (1, b"hello"))
        finally:
            sock.close()

    def test_access_log_line_per_request(self):
        srv = Running({})  # no log folder (run by hand): the lines go to stdout
        srv.request("GET", "/v1/ping")
        srv.request("GET", "/index.html")
        out = srv.stop()
        self.assertIn('"GET /v1/ping HTTP/1.1" 200', out)
        self.assertIn('"GET /index.html HTTP/1.1" 200', out)

    def test_access_log_goes_to_file_not_stdout(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            srv = Running({"AIO_FAKE_LOG_DIR": d})  # as in the image: /var/log/gem
            srv.request("GET", "/index.html")
            out = srv.stop()
            with open(os.path.join(d, "nginx-access.log")) as f:
                self.assertIn('"GET /index.html HTTP/1.1" 200', f.read())
            self.assertNotIn('"GET /index.html', out)
            self.assertIn("Image Version: ", out)  # the banner still reaches docker logs
            srv = Running({"AIO_FAKE_LOG_DIR": d, "LOG_STDOUT_SERVER": "true"})
            srv.request("GET", "/index.html")
            self.assertIn('"GET /index.html HTTP/1.1" 200', srv.stop())

    def test_header_log_records_what_the_gateway_received(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "headers.log")
            srv = Running({"AIO_FAKE_HEADER_LOG": path})
            srv.request("GET", "/v1/ping", {"X-Probe": "seen"})
            srv.stop()
            with open(path) as f:
                text = f.read()
            self.assertIn("GET /v1/ping", text)
            self.assertIn("X-Probe: seen", text)

    def test_preview_host_without_listener_is_a_gateway_error(self):
        port = free_port()
        status, body, _ = self.srv.request("GET", "/v1/sandbox", {"Host": "%d-x" % port})
        self.assertEqual(status, 502)
        self.assertIn(b"502 Bad Gateway", body)


class JwtAuthTest(unittest.TestCase):
    """JWT_PUBLIC_KEY = base64 of a PEM public key; RS256 Bearer tokens."""

    @classmethod
    def setUpClass(cls):
        cls.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cls.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = cls.key.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
        cls.srv = Running({"JWT_PUBLIC_KEY": base64.b64encode(pem).decode(), "TICKET_TTL_SECONDS": "2"})

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def get(self, path, token=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        return self.srv.request("GET", path, h)[0]

    def test_missing_token_401(self):
        self.assertEqual(self.get("/v1/sandbox"), 401)
        self.assertEqual(self.get("/"), 401)
        self.assertEqual(self.get("/vnc/index.html"), 401)

    def test_ping_stays_open(self):
        self.assertEqual(self.get("/v1/ping"), 200)

    def test_valid_token(self):
        self.assertEqual(self.get("/v1/sandbox", make_jwt(self.key, {"exp": int(time.time()) + 600})), 200)

    def test_token_without_exp_accepted(self):
        self.assertEqual(self.get("/v1/sandbox", make_jwt(self.key, {"sub": "x"})), 200)

    def test_expired_token_rejected(self):
        self.assertEqual(self.get("/v1/sandbox", make_jwt(self.key, {"exp": int(time.time()) - 5})), 401)

    def test_token_with_aud_rejected(self):
        token = make_jwt(self.key, {"exp": int(time.time()) + 600, "aud": "aio-sandbox"})
        self.assertEqual(self.get("/v1/sandbox", token), 401)

    def test_wrong_key_rejected(self):
        self.assertEqual(self.get("/v1/sandbox", make_jwt(self.other, {"exp": int(time.time()) + 600})), 401)

    def test_wrong_alg_and_garbage_rejected(self):
        good = make_jwt(self.key, {"exp": int(time.time()) + 600})
        head = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        self.assertEqual(self.get("/v1/sandbox", head + "." + good.split(".")[1] + "."), 401)
        self.assertEqual(self.get("/v1/sandbox", "not-a-jwt"), 401)
        tampered = good.split(".")
        tampered[1] = b64url(json.dumps({"exp": int(time.time()) + 99999}).encode())
        self.assertEqual(self.get("/v1/sandbox", ".".join(tampered)), 401)

    def test_api_key_does_not_apply_without_sandbox_api_key(self):
        self.assertEqual(self.get("/v1/sandbox?api_key=whatever"), 401)

    def test_tickets(self):
        token = make_jwt(self.key, {"exp": int(time.time()) + 600})
        status, _, _ = self.srv.request("POST", "/tickets")
        self.assertEqual(status, 401)
        status, body, _ = self.srv.request("POST", "/tickets", {"Authorization": "Bearer " + token})
        self.assertEqual(status, 200)
        doc = json.loads(body)
        self.assertEqual(doc["expires_in"], 2)
        ticket = doc["ticket"]
        self.assertEqual(self.get("/vnc/index.html?ticket=%s&path=websockify%%3Fticket%%3D%s" % (ticket, ticket)), 200)
        sock, status, _, rest, _ = ws_connect(self.srv.port, "/websockify?ticket=" + ticket)
        try:
            self.assertEqual(status, 101)
            self.assertEqual(ws_read_frame(sock, rest)[1], b"RFB 003.008\n")
        finally:
            sock.close()
        self.assertEqual(self.get("/vnc/index.html?ticket=wrong"), 401)
        self.assertEqual(self.get("/vnc/index.html?ticket=" + ticket), 200)  # a third use: reusable within its TTL
        time.sleep(2.5)  # the ticket's TTL (TICKET_TTL_SECONDS=2), not a timing assertion
        self.assertEqual(self.get("/vnc/index.html?ticket=" + ticket), 401)

    def test_websocket_needs_auth(self):
        sock, status, _, _, _ = ws_connect(self.srv.port, "/websockify")
        sock.close()
        self.assertEqual(status, 401)

    def test_ping_open_only_exactly(self):
        self.assertEqual(self.get("/v1/ping?x=1"), 401)
        self.assertEqual(self.srv.request("HEAD", "/v1/ping")[0], 401)
        self.assertEqual(self.srv.request("POST", "/v1/ping")[0], 401)

    def test_static_suffix_skips_auth_for_get_only(self):
        # (third-party study) the whole URI, query included; GET only; .map is not in the list
        for ext in (".js", ".css", ".svg", ".woff", ".woff2", ".json", ".ico", ".png", ".jpg", ".jpeg", ".gif",
                    ".webp", ".wasm", ".ttf", ".JS"):
            self.assertEqual(self.get("/v1/sandbox?x=" + ext), 200, ext)
        self.assertEqual(self.get("/v1/openapi.json"), 200)
        self.assertEqual(self.get("/v1/file/download?path=/etc/hostname&x=.js"), 200)
        # Routed on the normalized path, like nginx: dot segments and %2e do not hide the route.
        self.assertEqual(self.get("/vnc/../v1/openapi.json"), 200)
        self.assertEqual(self.get("/vnc/%2e%2e/v1/file/download?path=/etc/hostname&x=.js"), 200)
        self.assertEqual(self.get("/vnc/../v1/sandbox"), 401)
        self.assertEqual(self.get("/v1//sandbox?x=.map"), 401)
        self.assertEqual(self.get("/v1/sandbox?x=.map"), 401)
        self.assertEqual(self.get("/v1/sandbox?x=.js&y=1"), 401)
        self.assertEqual(self.srv.request("HEAD", "/v1/sandbox?x=.js")[0], 401)
        self.assertEqual(self.srv.request("POST", "/mcp?x=.js", {"Content-Type": "application/json"}, "{}")[0], 401)

    def test_preview_host_reaches_any_internal_port_without_auth(self):
        # (third-party study) Host "<digits>-<anything>" → 127.0.0.1:<digits>, no auth, no allow-list
        status, body, _ = self.srv.request("GET", "/v1/sandbox", {"Host": "%d-anything" % self.srv.api_port})
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["home_dir"], "/home/gem")
        status, _, _ = self.srv.request("GET", "/auth", {"Host": "%d-x.example" % self.srv.auth_port})
        self.assertEqual(status, 401)  # reached the auth backend itself, which refuses a request without a token
        status, _, _ = self.srv.request("GET", "/v1/sandbox", {"Host": "%d-x" % free_port()})
        self.assertEqual(status, 502)  # nothing listens: the gateway's error, not 401
        self.assertEqual(self.get("/v1/sandbox", headers={"Host": "sandbox-8091.example"}), 401)

    def test_internal_api_server_checks_nothing(self):
        status, _, _ = self.srv.request("GET", "/v1/sandbox", port=self.srv.api_port)
        self.assertEqual(status, 200)

    def test_auth_endpoint_for_auth_request(self):
        token = make_jwt(self.key, {"exp": int(time.time()) + 600})
        for port in (self.srv.port, self.srv.auth_port):
            self.assertEqual(self.srv.request("GET", "/auth", port=port)[0], 401)
            self.assertEqual(self.srv.request("GET", "/auth", {"Authorization": "Bearer " + token}, port=port)[0], 200)
            self.assertEqual(self.srv.request("GET", "/auth", {"Authorization": "Bearer nope"}, port=port)[0], 401)
            self.assertEqual(self.srv.request("GET", "/auth", {"X-Original-URI": "/vnc/index.html?x=.js"},
                                              port=port)[0], 401)
        status, body, _ = self.srv.request("POST", "/tickets", {"Authorization": "Bearer " + token})
        ticket = json.loads(body)["ticket"]
        self.assertEqual(self.srv.request("GET", "/auth", {"X-Original-URI": "/websockify?ticket=" + ticket})[0], 200)
        self.assertEqual(self.srv.request("GET", "/auth", {"X-Original-URI": "/websockify?ticket=wrong"})[0], 401)


class ApiKeyAuthTest(unittest.TestCase):
    """SANDBOX_API_KEY: X-AIO-API-Key header, Authorization: Bearer, or ?api_key=."""

    KEY = "s3cret-key-for-tests"

    @classmethod
    def setUpClass(cls):
        cls.srv = Running({"SANDBOX_API_KEY": cls.KEY})

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def status(self, path, headers=None):
        return self.srv.request("GET", path, headers or {})[0]

    def test_missing_or_wrong_key_401(self):
        self.assertEqual(self.status("/v1/sandbox"), 401)
        self.assertEqual(self.status("/v1/sandbox", {"X-AIO-API-Key": "wrong"}), 401)
        self.assertEqual(self.status("/v1/sandbox", {"Authorization": "Bearer wrong"}), 401)
        self.assertEqual(self.status("/v1/sandbox?api_key=wrong"), 401)

    def test_key_in_header(self):
        self.assertEqual(self.status("/v1/sandbox", {"X-AIO-API-Key": self.KEY}), 200)

    def test_key_as_bearer(self):
        self.assertEqual(self.status("/v1/sandbox", {"Authorization": "Bearer " + self.KEY}), 200)

    def test_key_in_query(self):
        self.assertEqual(self.status("/v1/sandbox?api_key=" + self.KEY), 200)

    def test_ping_open(self):
        self.assertEqual(self.status("/v1/ping"), 200)

    def test_banner_names_mode(self):
        self.assertIn("auth: api-key", "".join(self.srv.banner))

    def test_auth_endpoint_takes_the_key(self):
        self.assertEqual(self.srv.request("GET", "/auth", {"X-AIO-API-Key": self.KEY})[0], 200)
        self.assertEqual(self.srv.request("GET", "/auth", {"X-AIO-API-Key": "wrong"})[0], 401)
        self.assertEqual(self.srv.request("GET", "/auth")[0], 401)

    def test_tickets_with_key(self):
        status, body, _ = self.srv.request("POST", "/tickets", {"X-AIO-API-Key": self.KEY})
        self.assertEqual(status, 200)
        ticket = json.loads(body)["ticket"]
        self.assertEqual(self.status("/vnc/index.html?ticket=" + ticket), 200)


if __name__ == "__main__":
    unittest.main()
