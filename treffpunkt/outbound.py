"""HTTP requests to URLs that people give: webhooks and schedule imports, to public addresses only.

An organizer who may name a URL must not be able to make the server call into its own network: a
database port, an admin interface, the cloud's metadata address (``169.254.169.254``). So the
connection is made only to an address that was checked: the host name is looked up once, every
address it resolves to must be public (or in ``OUTBOUND_ALLOWED_NETWORKS``), and the socket connects
to one of those very addresses. Checking a name and then letting the HTTP library look it up again
would let a DNS server answer "public" to the check and "private" to the connection a moment later
(DNS rebinding).

TLS is still verified against the host name in the URL, and the ``Host`` header names it. A redirect
is a new connection and is checked the same way; where ``follow_redirects`` is off (webhooks) a
redirect is an answer like any other status.

Behind an egress proxy (``HTTPS_PROXY``/``HTTP_PROXY`` in the environment, as urllib reads them) the
proxy makes the connection: the target's name is looked up and checked here first, and the proxy,
which the operator configured, is reached whatever its address. A proxy that itself allows only
public addresses closes the rest (docs/webhooks.md).
"""

import functools
import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings


class LocalAddressRefused(OSError):
    """The host resolves to an address that is neither public nor allowed."""


def allowed_networks():
    return [
        ipaddress.ip_network(entry, strict=False)
        for entry in getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", [])
    ]


def is_allowed(address, *, allow_loopback=False, networks=None):
    """Whether the server may connect to ``address`` (a string): a public address, a loopback one
    where ``allow_loopback``, or one in ``OUTBOUND_ALLOWED_NETWORKS``."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.is_global or (allow_loopback and ip.is_loopback):
        return True
    networks = allowed_networks() if networks is None else networks
    return any(ip in network for network in networks)  # never across IPv4 and IPv6


def resolve(host, port, *, allow_loopback=False):
    """The addresses of ``host`` (``getaddrinfo`` entries for TCP), all of them allowed; else
    :class:`LocalAddressRefused`. ``socket.gaierror`` when the name is unknown."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    networks = allowed_networks()
    refused = [
        info[4][0]
        for info in infos
        if not is_allowed(info[4][0], allow_loopback=allow_loopback, networks=networks)
    ]
    if refused:
        raise LocalAddressRefused(f"{host} resolves to a non-public address ({refused[0]})")
    return infos


def _connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, *, loopback):
    """``socket.create_connection``, to the addresses that :func:`resolve` checked."""
    host, port = address
    error = None
    for family, kind, proto, _name, sockaddr in resolve(host, port, allow_loopback=loopback):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failed:
            error = failed
            sock.close()
    raise error or OSError(f"{host} has no address")


def _checked(connection_class, loopback):
    """``connection_class`` (http.client's), connecting through :func:`_connect`."""

    def build(*args, **kwargs):
        connection = connection_class(*args, **kwargs)
        connection._create_connection = functools.partial(_connect, loopback=loopback)
        return connection

    return build


class _Checking:
    """For urllib's HTTP and HTTPS handlers: every connection through :func:`_connect`."""

    def __init__(self, loopback, **kwargs):
        super().__init__(**kwargs)
        self.loopback = loopback

    def do_open(self, http_class, request, **kwargs):
        if request._tunnel_host or request.has_proxy():
            # Through the operator's proxy: the target is checked by a lookup of our own.
            target = urlsplit(request.full_url)
            default_port = 443 if target.scheme == "https" else 80
            try:
                resolve(target.hostname, target.port or default_port, allow_loopback=self.loopback)
            except OSError as error:
                raise urllib.error.URLError(error) from None
            return super().do_open(http_class, request, **kwargs)
        return super().do_open(_checked(http_class, self.loopback), request, **kwargs)


class _HTTPHandler(_Checking, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Checking, urllib.request.HTTPSHandler):
    pass


class _RedirectsRefused(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises the 3xx as an HTTPError


def urlopen(request, *, timeout, allow_loopback=False, follow_redirects=True):
    """``urllib.request.urlopen(request, timeout=timeout)``, connecting to allowed addresses only.

    A refused address raises ``urllib.error.URLError`` whose ``reason`` is a
    :class:`LocalAddressRefused`. ``allow_loopback``: 127.0.0.1, ``::1`` and ``localhost`` too
    (development and the test suite's local servers).
    """
    handlers = [_HTTPHandler(allow_loopback), _HTTPSHandler(allow_loopback)]
    if not follow_redirects:
        handlers.append(_RedirectsRefused())
    return urllib.request.build_opener(*handlers).open(request, timeout=timeout)
