"""The Whoosh schema of a county index and the document made from one content item."""
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..tree import ancestor_paths, find_tenant, tenant_path
from .analysis import (bigram_analyzer, body_analyzer, chinese_analyzer, pinyin_analyzer,
                       pinyin_word_analyzer)

# epoch seconds standing in for "no publish time" and "never expires"
NEVER = 2 ** 40


def make_schema():
    """Fields of a county index; `path` is the unique key, `tenants` the scope terms."""
    chinese = chinese_analyzer()
    return Schema(
        path=ID(stored=True, unique=True),
        owner=ID(stored=True, sortable=True),          # the tenant the item belongs to
        tenants=KEYWORD(scorable=False),                # every tenant path from county down
        section=ID(stored=True),
        slug=ID(stored=True),
        type=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        standard=BOOLEAN(stored=True),
        state=ID(stored=True),
        publish_at=NUMERIC(int, bits=64),
        expire_at=NUMERIC(int, bits=64),
        title=TEXT(analyzer=chinese, stored=True, field_boost=4.0),
        keywords=TEXT(analyzer=chinese, stored=True, field_boost=3.0),
        meta=TEXT(analyzer=chinese, field_boost=1.5),   # category text
        body=TEXT(analyzer=body_analyzer(), stored=True),
        grams=TEXT(analyzer=bigram_analyzer(), field_boost=1.0),
        py=TEXT(analyzer=pinyin_analyzer(), field_boost=1.0),
        pyw=TEXT(analyzer=pinyin_word_analyzer(), phrase=False, field_boost=1.0),
        modified=STORED,
    )


def epoch(value, default):
    """A datetime as whole epoch seconds (`default` for None)."""
    return int(value.timestamp()) if value is not None else default


def county_of(path):
    """The county slug of a traversal path ('/sunwu/qingxi/…' → 'sunwu'), or None."""
    parts = [p for p in path.split('/') if p]
    return parts[0] if parts else None


def make_document(obj, type_name):
    """The index document of a stored content item."""
    fields = obj.search_fields()
    tenant = find_tenant(obj)
    section = obj.__parent__
    keywords = ' '.join(fields.get('keywords') or ())
    title = fields.get('title') or ''
    category = fields.get('category') or ''
    short = '\n'.join((title, keywords))
    doc = {
        'path': tenant_path(obj),
        'owner': tenant_path(tenant),
        'tenants': ' '.join(ancestor_paths(obj)),
        'section': section.__name__ if section is not None else '',
        'slug': obj.__name__,
        'type': type_name,
        'category': category,
        'standard': bool(fields.get('standard')),
        'state': getattr(obj, 'state', '') or '',
        'title': title,
        'keywords': keywords,
        'meta': category,
        'body': fields.get('body') or '',
        'grams': short,
        'py': short,
        'pyw': short,
        'modified': epoch(getattr(obj, 'modified', None), 0),
    }
    # only timed items carry the range fields: the visibility mask looks for those few,
    # and untimed items (nearly all) save eight numeric postings each
    if getattr(obj, 'publish_at', None) is not None:
        doc['publish_at'] = epoch(obj.publish_at, 0)
    if getattr(obj, 'expire_at', None) is not None:
        doc['expire_at'] = epoch(obj.expire_at, NEVER)
    return doc
