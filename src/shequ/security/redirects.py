"""Where a posted `came_from` or `next` may send a browser: only back into this site."""
from urllib.parse import quote, urlsplit

# characters a URL may carry as they are; anything else (Chinese in a path, spaces) is
# percent-encoded, so a Location header never holds text it cannot carry
URL_SAFE = "/?#[]@!$&'()*+,;=:%~-._"


def same_site_url(request, url, fallback):
    """`url` if it stays on this site (a path, or this very origin), else `fallback`.

    Refuses `//host`, `/\\host`, other schemes and hosts, and control characters.
    """
    if not url:
        return fallback
    url = url.replace('\\', '/')
    target, here = urlsplit(url), urlsplit(request.application_url)
    if url.startswith('//') or any(ord(c) < 32 for c in url):
        return fallback
    if target.scheme in ('', here.scheme) and target.netloc in ('', here.netloc) and (
            target.netloc or url.startswith('/')):
        return quote(url, safe=URL_SAFE)
    return fallback
