"""A small OpenID Connect provider on loopback for the single sign-on tests (issue 11): a real HTTP server on
127.0.0.1 with discovery, authorize (answers at once with a code, as after the user signed in there), token
(checks the client, the redirect URI and the PKCE verifier), JWKS and userinfo; ID tokens signed with RS256."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class FakeOidcProvider:
    def __init__(self, client_id: str = "vroegsignalering", client_secret: str = "sso-geheim"):
        self.client_id, self.client_secret = client_id, client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "sleutel-1"
        self.signing_key = self.key  # a test may sign with another key than the one published
        self.claims: dict = {}  # the signed-in person's claims (userinfo)
        self.id_claims: dict = {}  # extra ID-token claims (amr, acr, ...)
        self.audience: str | None = None  # None: the client
        self.authorize_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(provider.discovery())
                if url.path == "/jwks":
                    jwk = RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    return self._json({"keys": [{**jwk, "kid": provider.kid, "alg": "RS256", "use": "sig"}]})
                if url.path == "/authorize":
                    provider.authorize_requests.append(query)
                    code = secrets.token_urlsafe(16)
                    provider._codes[code] = query
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?"
                                                 f"{urlencode({'code': code, 'state': query['state']})}")
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer toegang-123":
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(provider.claims)
                return self._json({"error": "not_found"}, 404)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    return self._json({"error": "not_found"}, 404)
                request = provider._codes.pop(form.get("code", ""), None)
                if (request is None or form.get("client_id") != provider.client_id
                        or form.get("client_secret") != provider.client_secret
                        or form.get("redirect_uri") != request["redirect_uri"]):
                    return self._json({"error": "invalid_grant"}, 400)
                challenge = base64.urlsafe_b64encode(
                    hashlib.sha256(form.get("code_verifier", "").encode()).digest()).rstrip(b"=").decode()
                if request.get("code_challenge") and challenge != request["code_challenge"]:
                    return self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
                now = int(time.time())
                id_token = jwt.encode(
                    {"iss": provider.issuer, "sub": provider.claims.get("sub", "onderwerp-1"),
                     "aud": provider.audience or provider.client_id, "iat": now, "exp": now + 300,
                     "nonce": request.get("nonce"), **provider.id_claims},
                    provider.signing_key, algorithm="RS256", headers={"kid": provider.kid})
                return self._json({"access_token": "toegang-123", "token_type": "Bearer", "expires_in": 300,
                                   "id_token": id_token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def discovery(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks", "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"]}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
