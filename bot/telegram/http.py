"""How the bot talks to the Bot API: aiohttp's client, JSON bodies.

PTB's default backend is httpx, whose pure-Python HTTP/1.1 stack cost about 1.3 ms of CPU
per call here against 0.35 ms for aiohttp's client, which parses HTTP in C (and aiohttp
already serves the webhook). A reply takes two calls (getUpdates, sendMessage), so the
backend was the largest cost of a reply, more than finding the answer. PTB lets a bot bring
its own backend as a BaseRequest; this one maps timeouts and network errors to PTB's
TimedOut and NetworkError as HTTPXRequest does, so PTB's handling of them is unchanged.

Parameters go as one JSON object rather than PTB's HTML form: percent-encoding a form runs
byte by byte in Python, and every letter of a Russian or Kazakh reply is two bytes. Calls
that upload files go as multipart forms.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_TOKEN_IN_URL = re.compile(r"/bot[^/\s'\"]+")
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp ClientSession; the timeouts mean what HTTPXRequest's do."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str | None, int | None], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            # aiohttp's `connect` counts the wait for a free connection and the connecting
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=_given(read_timeout, self._read_timeout),
        )
        body: bytes | aiohttp.FormData | None = None
        headers = None
        if request_data is not None and request_data.contains_files:
            body = _form(request_data)
        elif request_data is not None:
            body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers = _JSON
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, proxy=self._proxy(url)
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # some of aiohttp's messages quote the URL, and a Bot API URL holds the token
            detail = _TOKEN_IN_URL.sub("/bot<token>", str(exc))
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {detail}") from exc

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for the URL's server (HTTP_PROXY, HTTPS_PROXY,
        NO_PROXY), as httpx, PTB's default, honours them; looked up once per server, because
        aiohttp's own trust_env looks it up on every call and tripled the cost of one."""
        parts = urllib.parse.urlsplit(url)
        origin = (parts.scheme, parts.hostname, parts.port)
        if origin not in self._proxies:
            bypass = urllib.request.proxy_bypass(parts.hostname or "")
            proxy = None if bypass else urllib.request.getproxies().get(parts.scheme)
            self._proxies[origin] = proxy
        return self._proxies[origin]


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout the call set, else the request's own."""
    return default if isinstance(value, DefaultValue) else value


def _form(request_data: RequestData) -> aiohttp.FormData:
    """A multipart form of the parameters and files, as PTB would post it."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
