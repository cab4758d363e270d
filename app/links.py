"""Which links `learn` hands to a web browser: http(s) URLs only.

A link comes from YAML or an imported plan, and Python's webbrowser passes it to `$BROWSER` as a
command-line argument: a `file://` or `javascript:` URL, or one that starts with `-` (read by the
browser as an option, `--renderer-cmd-prefix=...` runs a program), must never get there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048


def browser_url(url: object) -> str | None:
    """`url` if it may be opened in a browser (http or https, with a host, no spaces or control
    characters); None for anything else."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return None
    if url.startswith("-") or any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a bad port or IPv6 literal
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or host.startswith("-"):
        return None
    return url
