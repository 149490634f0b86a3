"""RSS 2.0 and Atom feeds of public notices, and the latest notices of the tenants below."""
import heapq
import html
import re
from itertools import chain

from feedgen.feed import FeedGenerator
from pyramid.response import Response
from pyramid.settings import asbool
from pyramid.view import view_config

from ..clock import utcnow
from ..tree import Section, find_tenant, lineage_tenants, walk_tenants
from ..content.richtext import html_to_text, sanitize
from . import Notice, below

BELOW_COUNT = 20      # notices from the tenants below shown on a township/county page
FEED_COUNT = 30       # entries in a feed
SUMMARY_CHARS = 200
FEED_TYPES = {'rss': 'application/rss+xml; charset=utf-8',
              'atom': 'application/atom+xml; charset=utf-8'}


# what XML 1.0 cannot hold, and control characters but tab and newline: lxml refuses the
# first (a 500 for every reader of the feed), readers stumble on the second
_NOT_IN_FEEDS = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]')


def feed_text(value):
    """`value` without the characters a feed must not carry."""
    return _NOT_IN_FEEDS.sub('', value or '')


def summary_text(notice):
    """The first SUMMARY_CHARS characters of a notice's text (plain text), else its title."""
    text = ' '.join(feed_text(html_to_text(notice.body)).split())[:SUMMARY_CHARS]
    return text or feed_text(notice.title)


def _date(notice):
    return notice.date


def public_notices(tenant, now):
    """The notices of `tenant` residents may see now."""
    section = tenant.get('notices')
    if section is None:
        return iter(())
    return (n for n in section.values() if isinstance(n, Notice) and n.is_public(now))


def latest_below(tenant, count, now=None):
    """[(tenant, notice)]: the `count` newest public notices of every tenant below `tenant`.

    Read from the tenant's index of the notices below it (`below.py`), loading only the
    notices shown. A tenant without one (data not yet evolved) walks the tree: each tenant
    gives at most its own `count` newest (a bounded heap).
    """
    now = now or utcnow()
    indexed = below.latest_below(tenant, count, now)
    if indexed is not None:
        return indexed
    per_tenant = (((sub, n) for n in heapq.nlargest(count, public_notices(sub, now), key=_date))
                  for sub in walk_tenants(tenant))
    return heapq.nlargest(count, chain.from_iterable(per_tenant), key=lambda pair: pair[1].date)


PANEL_COUNT = 8


def below_panel(tenant, request):
    """Values for the township/county home page block of the newest notices below it."""
    if not tenant.tenants():
        return None
    below = latest_below(tenant, PANEL_COUNT)
    return {'below': below, 'section': tenant['notices']} if below else None


ABOVE_COUNT = 5      # 上级通知 on a township's or community's home page


def latest_above(tenant, count=ABOVE_COUNT, now=None):
    """[(tenant, notice)]: the `count` newest public notices of the tenants above `tenant`.

    Only the ancestors' own notices sections are read (a county's and a township's), never
    the tree below them: a notice of the county applies to every community in it.
    """
    now = now or utcnow()
    ancestors = lineage_tenants(tenant.__parent__) if tenant.__parent__ is not None else []
    pairs = chain.from_iterable(
        ((above, n) for n in heapq.nlargest(count, public_notices(above, now), key=_date))
        for above in ancestors)
    return heapq.nlargest(count, pairs, key=lambda pair: pair[1].date)


def above_panel(tenant, request):
    """Values for the 上级通知 block of a township's or community's home page, or None."""
    above = latest_above(tenant)
    return {'above': above} if above else None


def feed_entries(tenant, below, count, now=None):
    """[(tenant, notice)] newest first: the tenant's own notices, and those below if asked."""
    now = now or utcnow()
    own = ((tenant, n) for n in heapq.nlargest(count, public_notices(tenant, now), key=_date))
    pairs = chain(own, latest_below(tenant, count, now)) if below else own
    return heapq.nlargest(count, pairs, key=lambda pair: pair[1].date)


def build_feed(section, request, below):
    """A FeedGenerator for the notices of `section`'s tenant (and below)."""
    tenant = find_tenant(section)
    translate = request.localizer.translate
    page_url = request.resource_url(section)
    title = feed_text('%s · %s' % (tenant.title, translate(section.title)))
    fg = FeedGenerator()
    fg.id(page_url + ('?below=1' if below else ''))
    fg.title(title)
    fg.link(href=page_url, rel='alternate')
    fg.link(href=feed_text(request.url), rel='self')
    fg.description(title)
    fg.language('zh-CN')
    fg.generator('shequ')
    entries = feed_entries(tenant, below, FEED_COUNT)
    fg.updated(max((n.modified for _t, n in entries), default=utcnow()))
    for owner, notice in entries:
        url = request.resource_url(notice)
        fe = fg.add_entry(order='append')
        fe.id(url)
        fe.guid(url, permalink=True)
        fe.title(feed_text(notice.title if owner is tenant else
                           '[%s] %s' % (owner.title, notice.title)))
        fe.link(href=url)
        fe.published(notice.date)
        fe.updated(notice.modified)
        fe.author({'name': feed_text(owner.title)})
        fe.category(term=feed_text(notice.category), label=feed_text(notice.category))
        # Atom's <summary> is plain text; RSS's <description> is read as HTML, so the plain
        # text goes there escaped: markup a notice shows as text never comes alive there
        summary = summary_text(notice)
        fe.summary(summary)
        fe.description(html.escape(summary, quote=False))
        body = feed_text(sanitize(notice.body)) if notice.body else ''
        fe.content(body or html.escape(summary, quote=False), type='html')
    return fg


def feed_response(context, request, kind):
    below = asbool(request.params.get('below', False))
    fg = build_feed(context, request, below)
    body = fg.rss_str(pretty=True) if kind == 'rss' else fg.atom_str(pretty=True)
    return Response(body=body, content_type=FEED_TYPES[kind].split(';')[0], charset='utf-8',
                    cache_control='public, max-age=300')


@view_config(context=Section, section='notices', name='rss.xml', permission='view')
def rss_view(context, request):
    """RSS 2.0 of the tenant's public notices (`?below=1`: also every tenant below)."""
    return feed_response(context, request, 'rss')


@view_config(context=Section, section='notices', name='atom.xml', permission='view')
def atom_view(context, request):
    """Atom of the tenant's public notices (`?below=1`: also every tenant below)."""
    return feed_response(context, request, 'atom')
