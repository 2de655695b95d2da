#!/usr/bin/env python3
"""A stand-in for the AIO Sandbox image's gateway on port 8080, for tests and the demo.

Imitates what a deploy manager can observe (see README.md, with where each behaviour comes from):
the entry points, WebSocket upgrades (noVNC's RFB greeting, the shell's JSON messages),
authentication with JWT_PUBLIC_KEY (RS256) or SANDBOX_API_KEY, tickets, the auth backend's
/auth endpoint for nginx auth_request, the internal API server (8091) and auth backend (8081),
the gateway's port-preview Host routing and static-suffix rule (both skip authentication), a
start-up banner, and access-log lines in /var/log/gem/nginx-access.log (or on stdout with
LOG_STDOUT_SERVER). Standard library plus python3-cryptography only.
"""

import base64
import email.parser
import email.policy
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = os.environ.get("AIO_SANDBOX_VERSION", "1.11.0-standin")
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# A GET whose whole URI (query included) ends in one of these skips the gateway's auth. Not ".map".
STATIC_EXTENSIONS = (".js", ".css", ".svg", ".woff", ".woff2", ".json", ".ico", ".png", ".jpg", ".jpeg", ".gif",
                     ".webp", ".wasm", ".ttf")
# "<digits>-<anything>" in Host: the gateway proxies to 127.0.0.1:<digits> without auth (port preview).
PREVIEW_HOST = re.compile(r"^([0-9]+)-")
LOG_DIR = os.environ.get("AIO_FAKE_LOG_DIR", "")  # the image sets /var/log/gem
# The image's LOG_STDOUT_SERVER: access lines on stdout too (off by default, as in current images).
# Stand-in only: every request's headers as the gateway received them, so tests can prove what an edge
# proxy passes on (e.g. that a basic-auth password never reaches the container).
HEADER_LOG = os.environ.get("AIO_FAKE_HEADER_LOG", "")
LOG_STDOUT = os.environ.get("LOG_STDOUT_SERVER", "").lower() in ("1", "true", "yes", "on")

_print_lock = threading.Lock()


def banner_line(line):
    """The container's stdout (docker logs)."""
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def access_line(line):
    """Per-request lines: /var/log/gem/nginx-access.log, and stdout only with LOG_STDOUT_SERVER."""
    with _print_lock:
        if LOG_STDOUT or not LOG_DIR:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        if LOG_DIR:
            try:
                with open(os.path.join(LOG_DIR, "nginx-access.log"), "a", encoding="utf-8") as f:
                    f.write(line + "\n")
            except OSError:
                pass


def normalize_path(raw_path):
    """The path as nginx routes it: percent-decoded, "." and ".." segments resolved, slashes merged."""
    out = []
    for seg in urllib.parse.unquote(raw_path).split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    trailing = raw_path.endswith("/") or urllib.parse.unquote(raw_path).endswith(("/.", "/.."))
    return "/" + "/".join(out) + ("/" if trailing and out else "")


def is_static_bypass(method, raw_uri):
    return method == "GET" and raw_uri.lower().endswith(STATIC_EXTENSIONS)


def b64url_decode(text):
    text += "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(text.encode("ascii"))


class Auth:
    """Authentication as the facts file describes it."""

    def __init__(self, env):
        self.public_key = None
        self.api_key = env.get("SANDBOX_API_KEY") or None
        self.ticket_ttl = int(env.get("TICKET_TTL_SECONDS", "30"))
        self.tickets = {}
        self.lock = threading.Lock()
        pem_b64 = env.get("JWT_PUBLIC_KEY")
        if pem_b64:
            from cryptography.hazmat.primitives.serialization import load_pem_public_key

            self.public_key = load_pem_public_key(base64.b64decode(pem_b64))

    @property
    def enabled(self):
        return self.public_key is not None or self.api_key is not None

    def verify_jwt(self, token):
        """RS256 only; exp checked when present; a token carrying aud is rejected."""
        if self.public_key is None:
            return False
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        try:
            head_b64, payload_b64, sig_b64 = token.split(".")
            header = json.loads(b64url_decode(head_b64))
            payload = json.loads(b64url_decode(payload_b64))
            signature = b64url_decode(sig_b64)
        except (ValueError, UnicodeDecodeError):
            return False
        if not isinstance(header, dict) or header.get("alg") != "RS256" or not isinstance(payload, dict):
            return False
        try:
            self.public_key.verify(signature, (head_b64 + "." + payload_b64).encode("ascii"),
                                   padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError, TypeError):
            return False
        if "aud" in payload:
            return False
        if "exp" in payload:
            exp = payload["exp"]
            if not isinstance(exp, (int, float)) or exp <= time.time():
                return False
        return True

    def credential_ok(self, headers, query):
        authz = headers.get("Authorization", "")
        bearer = authz[7:].strip() if authz[:7].lower() == "bearer " else None
        if self.api_key is not None:
            if headers.get("X-AIO-API-Key") == self.api_key:
                return True
            if bearer is not None and secrets.compare_digest(bearer, self.api_key):
                return True
            if any(secrets.compare_digest(v, self.api_key) for v in query.get("api_key", [])):
                return True
        if bearer is not None and self.verify_jwt(bearer):
            return True
        return False

    def original_uri_ticket_ok(self, headers):
        """/auth reads a ticket from the query of X-Original-URI (nginx auth_request)."""
        uri = headers.get("X-Original-URI", "")
        return bool(uri) and self.ticket_ok(urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query))

    def ticket_ok(self, query):
        """Reusable within its TTL: noVNC's URL uses one ticket twice (page, then WebSocket)."""
        now = time.time()
        with self.lock:
            for t in query.get("ticket", []):
                exp = self.tickets.get(t)
                if exp is not None and exp > now:
                    return True
        return False

    def new_ticket(self):
        t = secrets.token_urlsafe(24)
        with self.lock:
            now = time.time()
            self.tickets = {k: v for k, v in self.tickets.items() if v > now}
            self.tickets[t] = now + self.ticket_ttl
        return t


NGINX_ERROR = """<html>
<head><title>{code}</title></head>
<body>
<center><h1>{code}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{body}</p>
<ul><li><a href="/vnc/index.html?autoconnect=true">VNC</a></li><li><a href="/code-server/">VSCode</a></li>
<li><a href="/terminal">Terminal</a></li><li><a href="/jupyter">Jupyter</a></li><li><a href="/v1/docs">API docs</a></li></ul>
</body></html>
"""


class Handler(BaseHTTPRequestHandler):
    server_version = "aio-sandbox-standin/" + VERSION
    protocol_version = "HTTP/1.1"

    # --- plumbing -----------------------------------------------------------------------------
    def log_message(self, fmt, *args):  # replaced by access_log
        pass

    def access_log(self, status, size):
        ua = self.headers.get("User-Agent", "-") if self.headers else "-"
        access_line('%s - - [%s] "%s" %d %s "%s"' % (
            self.client_address[0], time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            self.requestline, status, size, ua))

    def send(self, status, body=b"", ctype="text/plain; charset=utf-8", extra=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response_only(status)
        self.send_header("Server", self.server_version)
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.access_log(status, len(body))  # before the response leaves: a client that saw it finds the line
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj, extra=None):
        self.send(status, json.dumps(obj), "application/json", extra)

    def read_body(self, limit=64 * 1024 * 1024):
        n = int(self.headers.get("Content-Length") or 0)
        if n > limit:
            raise ValueError("body too large")
        return self.rfile.read(n) if n > 0 else b""

    # --- dispatch -----------------------------------------------------------------------------
    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        role = self.server.role
        if HEADER_LOG and role == "gateway":
            with _print_lock, open(HEADER_LOG, "a", encoding="utf-8") as f:
                f.write("%s %s\n%s\n" % (self.command, self.path, "".join(
                    "%s: %s\n" % (k, v) for k, v in self.headers.items())))
        if role == "gateway":
            preview = PREVIEW_HOST.match(self.headers.get("Host", ""))
            if preview:  # (third-party study) routed before any auth check, no port allow-list
                self.host_preview(int(preview.group(1)))
                return
        url = urllib.parse.urlsplit(self.path)
        path = normalize_path(url.path)  # the image's gateway is nginx: it routes on the normalized path
        query = urllib.parse.parse_qs(url.query)
        if role == "auth":
            if path == "/auth":
                self.auth_check()
            elif path == "/tickets":
                self.tickets()
            else:
                self.send_json(404, {"detail": "Not Found"})
            return
        if role == "gateway" and not self.gateway_allows(path, query):
            self.send_json(401, {"detail": "Unauthorized"}, {"WWW-Authenticate": "Bearer"})
            return
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.websocket(path)
            return
        try:
            self.route(path, query)
        except (ValueError, OSError) as e:
            self.send_json(400, {"detail": str(e)})

    def gateway_allows(self, path, query):
        """The gateway's own check; the API server behind it (8091) checks nothing."""
        auth = self.server.auth
        if not auth.enabled:
            return True
        if self.command == "GET" and self.path == "/v1/ping":  # exactly, no query string
            return True
        if path == "/auth":  # the auth backend's endpoint decides for itself
            return True
        if is_static_bypass(self.command, self.path):  # (third-party study) the suffix weakness
            return True
        return auth.credential_ok(self.headers, query) or auth.ticket_ok(query)

    def route(self, path, query):
        m = self.command
        if path in ("/", "/index.html"):
            self.send(200, PAGE.format(title="AIO Sandbox", body="All-in-one sandbox (stand-in)."), "text/html")
        elif path == "/v1/ping":
            self.send_json(200, {"status": "ok", "message": "pong"})
        elif path == "/v1/sandbox":
            home = os.environ.get("WORKSPACE", "/home/gem")
            self.send_json(200, {
                "success": True, "message": "Operation successful", "home_dir": home, "workspace": home,
                "version": VERSION, "detail": {
                    "system": {"hostname": socket.gethostname(), "standin": True},
                    "runtime": {"python": sys.version.split()[0]}, "utils": []}})
        elif path in ("/v1/docs", "/docs"):
            self.send(200, PAGE.format(title="AIO Sandbox API", body="OpenAPI docs (stand-in)."), "text/html")
        elif path == "/v1/openapi.json":
            self.send_json(200, {"openapi": "3.1.0", "info": {"title": "AIO Sandbox", "version": VERSION},
                                 "paths": {"/auth": {}, "/tickets": {}, "/v1/sandbox": {}}})
        elif path == "/auth":
            self.auth_check()
        elif path == "/vnc/index.html":
            self.send(200, PAGE.format(title="noVNC", body="noVNC (stand-in); WebSocket at /websockify"), "text/html")
        elif path == "/code-server":
            self.send(301, "", extra={"Location": "/code-server/"})
        elif path.startswith("/code-server/"):
            self.send(200, PAGE.format(title="code-server", body="code-server (stand-in)"), "text/html")
        elif path == "/terminal":
            self.send(200, PAGE.format(title="Terminal", body="Terminal (stand-in); WebSocket at /v1/shell/ws"),
                      "text/html")
        elif path.startswith("/jupyter"):
            self.send(200, PAGE.format(title="Jupyter", body="Jupyter (stand-in)"), "text/html")
        elif path in ("/mcp", "/v1/mcp"):
            self.mcp()
        elif path == "/tickets":
            self.tickets()
        elif path == "/v1/file/upload" and m == "POST":
            self.upload()
        elif path == "/v1/file/download":
            p = (query.get("path") or [""])[0]
            if not p or not os.path.isfile(p):
                self.send_json(404, {"detail": "file not found"})
            else:
                with open(p, "rb") as f:
                    self.send(200, f.read(), "application/octet-stream")
        elif path.startswith("/proxy/") or path.startswith("/absproxy/"):
            self.preview_proxy(path)
        else:
            self.send_json(404, {"detail": "Not Found"})

    def tickets(self):
        if self.command != "POST":
            self.send_json(405, {"detail": "Method Not Allowed"})
            return
        auth = self.server.auth
        if auth.enabled and not auth.credential_ok(self.headers, {}):  # the auth backend wants a token
            self.send_json(401, {"detail": "Unauthorized"}, {"WWW-Authenticate": "Bearer"})
            return
        self.read_body()
        self.send_json(200, {"ticket": auth.new_ticket(), "expires_in": auth.ticket_ttl})

    def auth_check(self):
        """GET /auth, for nginx auth_request: a JWT in Authorization, or a ticket in X-Original-URI.

        The API key (header or Bearer) is accepted here too, like at the gateway; upstream's spec names
        only JWT and ticket, so a deployment's verify step proves it on the real image."""
        if self.command not in ("GET", "HEAD"):
            self.send_json(405, {"detail": "Method Not Allowed"})
            return
        auth = self.server.auth
        if not auth.enabled or auth.credential_ok(self.headers, {}) or auth.original_uri_ticket_ok(self.headers):
            self.send_json(200, {"status": "ok"})
        else:
            self.send_json(401, {"detail": "Unauthorized"}, {"WWW-Authenticate": "Bearer"})

    def host_preview(self, port):
        """The gateway's ${port}-${domain} preview: the request as it came, to 127.0.0.1:port, no auth."""
        if self.headers.get("X-AIO-Standin-Preview"):  # the gateway's own port: nginx would loop until it gives up
            self.send(508, NGINX_ERROR.format(code="508 Loop Detected"), "text/html")
            return
        body = self.read_body()
        skip = ("connection", "keep-alive", "transfer-encoding", "upgrade", "content-length")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        headers["X-AIO-Standin-Preview"] = "1"
        try:
            if not 0 < port < 65536:
                raise OSError("no such port")
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            self.send(resp.status, data, resp.getheader("Content-Type", "application/octet-stream"))
        except (OSError, http.client.HTTPException):
            self.send(502, NGINX_ERROR.format(code="502 Bad Gateway"), "text/html")

    def mcp(self):
        if self.command != "POST":
            self.send_json(405, {"detail": "Method Not Allowed"})
            return
        try:
            req = json.loads(self.read_body() or b"{}")
        except ValueError:
            self.send_json(400, {"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}})
            return
        if "id" not in req:  # a notification
            self.send(202)
            return
        method = req.get("method")
        if method == "initialize":
            result = {"protocolVersion": "2025-03-26", "capabilities": {"tools": {}},
                      "serverInfo": {"name": "aio-sandbox-standin", "version": VERSION}}
        elif method == "tools/list":
            result = {"tools": []}
        elif method == "ping":
            result = {}
        else:
            self.send_json(200, {"jsonrpc": "2.0", "id": req["id"],
                                 "error": {"code": -32601, "message": "Method not found"}})
            return
        self.send_json(200, {"jsonrpc": "2.0", "id": req["id"], "result": result},
                       {"Mcp-Session-Id": secrets.token_hex(8)})

    def upload(self):
        """Multipart with `file` and `path` (the full destination path; default: the workspace + file name)."""
        body = self.read_body()
        ctype = self.headers.get("Content-Type", "")
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
        dest_path = None
        content = None
        file_name = None
        for part in msg.iter_parts() if msg.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if name == "path" and part.get_filename() is None:
                dest_path = (part.get_payload(decode=True) or b"").decode("utf-8").strip()
            elif part.get_filename() is not None or name == "file":
                file_name = part.get_filename() or "upload"
                content = part.get_payload(decode=True) or b""
        if content is None:
            self.send_json(400, {"success": False, "message": "no file in request"})
            return
        if not dest_path:
            dest_path = os.path.join(os.environ.get("WORKSPACE", "/home/gem"), os.path.basename(file_name))
        if not os.path.isabs(dest_path):
            self.send_json(400, {"success": False, "message": "path must be absolute"})
            return
        os.makedirs(os.path.dirname(dest_path) or "/", exist_ok=True)
        with open(dest_path, "wb") as f:
            f.write(content)
        self.send_json(200, {"success": True, "message": "File uploaded successfully",
                             "data": {"file_path": dest_path, "file_size": len(content), "success": True}})

    def preview_proxy(self, path):
        parts = path.split("/", 3)
        try:
            port = int(parts[2])
        except (IndexError, ValueError):
            self.send_json(404, {"detail": "Not Found"})
            return
        rest = "/" + (parts[3] if len(parts) > 3 else "")
        if path.startswith("/absproxy/"):
            rest = path
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(self.command, rest)
            resp = conn.getresponse()
            data = resp.read()
            self.send(resp.status, data, resp.getheader("Content-Type", "application/octet-stream"))
        except OSError:
            self.send_json(502, {"detail": "nothing listens on port %d" % port})

    # --- WebSockets ---------------------------------------------------------------------------
    def websocket(self, path):
        key = self.headers.get("Sec-WebSocket-Key")
        if not key or not (path == "/websockify" or path.startswith("/code-server/") or path == "/v1/shell/ws"):
            self.send_json(404 if key else 400, {"detail": "no WebSocket here"})
            return
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")
        self.send_response_only(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        protocols = [p.strip() for p in self.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
        if protocols:
            self.send_header("Sec-WebSocket-Protocol", "binary" if "binary" in protocols else protocols[0])
        self.access_log(101, 0)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        self.connection.settimeout(3600)
        try:
            if path == "/websockify":
                self.ws_send(b"RFB 003.008\n", opcode=2)
            elif path == "/v1/shell/ws":
                self.ws_send(json.dumps({"type": "ready", "data": {"session_id": secrets.token_hex(8)}}).encode())
            while True:
                opcode, data = self.ws_recv()
                if opcode is None or opcode == 8:
                    try:
                        self.ws_send(b"", opcode=8)
                    except OSError:
                        pass
                    return
                if opcode == 9:
                    self.ws_send(data, opcode=10)
                elif path == "/v1/shell/ws" and opcode == 1:
                    try:
                        msg = json.loads(data)
                    except ValueError:
                        msg = {"type": "input", "data": data.decode("utf-8", "replace")}
                    if isinstance(msg, dict) and msg.get("type") == "input":
                        self.ws_send(json.dumps({"type": "output", "data": str(msg.get("data", ""))}).encode())
                elif path.startswith("/code-server/") and opcode in (1, 2):
                    self.ws_send(data, opcode=opcode)
        except (OSError, ValueError):
            return

    def ws_recv(self):
        head = self.rfile.read(2)
        if len(head) < 2:
            return None, b""
        opcode = head[0] & 0x0F
        masked = head[1] & 0x80
        n = head[1] & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.rfile.read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.rfile.read(8))[0]
        if n > 16 * 1024 * 1024:
            raise ValueError("frame too large")
        mask = self.rfile.read(4) if masked else b""
        data = self.rfile.read(n)
        if masked:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return opcode, data

    def ws_send(self, data, opcode=1):
        n = len(data)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
        self.wfile.write(head + data)
        self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The image's gateway is nginx, whose listen backlog is 511; Python's default of 5 would drop
    # the SYNs of a burst of connections (an audit's probes) that the real image accepts.
    request_queue_size = 511


def internal_port(name, default):
    """AIO_FAKE_API_PORT / AIO_FAKE_AUTH_PORT: a port, 0 for any free one, or "off"."""
    value = os.environ.get(name, str(default))
    return None if value == "off" else int(value)


def start_internal(role, port, auth):
    """An internal listener of the image on 127.0.0.1 (never published by docker -p 127.0.0.1:8080:8080)."""
    if port is None:
        return None
    try:
        server = Server(("127.0.0.1", port), Handler)
    except OSError as e:
        banner_line(" %s: cannot listen on 127.0.0.1:%d (%s)" % (role, port, e))
        return None
    server.role = role
    server.auth = auth
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.5}, daemon=True).start()
    return server


def main():
    bind = os.environ.get("AIO_FAKE_BIND", "0.0.0.0")
    port = int(os.environ.get("AIO_FAKE_PORT", "8080"))
    auth = Auth(os.environ)
    if LOG_DIR:
        try:
            os.makedirs(LOG_DIR, exist_ok=True)
        except OSError:
            pass
    server = Server((bind, port), Handler)
    server.role = "gateway"
    server.auth = auth
    api = start_internal("api", internal_port("AIO_FAKE_API_PORT", 8091), auth)
    auth_backend = start_internal("auth", internal_port("AIO_FAKE_AUTH_PORT", 8081), auth)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    mode = "jwt" if auth.public_key is not None else ""
    if auth.api_key is not None:
        mode = (mode + "+api-key") if mode else "api-key"
    banner_line("=" * 60)
    banner_line(" AIO Sandbox (stand-in for tests)")
    banner_line(" Image Version: %s" % VERSION)
    banner_line(" Gateway listening on http://%s:%d  (auth: %s)" % (bind, server.server_address[1], mode or "none"))
    banner_line(" API server on 127.0.0.1:%s  Auth backend on 127.0.0.1:%s" % (
        api.server_address[1] if api else "-", auth_backend.server_address[1] if auth_backend else "-"))
    banner_line(" Dashboard: /index.html  VNC: /vnc/index.html  VSCode: /code-server/  MCP: /mcp  Docs: /v1/docs")
    if not auth.enabled:
        banner_line("!" * 60)
        banner_line(" WARNING: SECURITY RISK - NO AUTHENTICATION CONFIGURED")
        banner_line(" Every entry point is open to anyone who reaches port 8080.")
        banner_line(" Set JWT_PUBLIC_KEY or SANDBOX_API_KEY to require authentication.")
        banner_line("!" * 60)
    banner_line("=" * 60)
    try:
        server.serve_forever(poll_interval=0.5)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
