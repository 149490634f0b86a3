"""Names for new items: ASCII pinyin slugs, unique in their container."""
import re

from pypinyin import lazy_pinyin

MAX_SLUG = 60


def slugify(title):
    """'最低生活保障申请' → 'zui-di-sheng-huo-bao-zhang-shen-qing'."""
    words = lazy_pinyin(title or '', errors=lambda chars: [chars])
    slug = '-'.join(w for w in (re.sub(r'[^a-z0-9]+', '-', w.lower()).strip('-') for w in words) if w)
    slug = re.sub(r'-{2,}', '-', slug)[:MAX_SLUG].strip('-')
    return slug or 'item'


def unique_name(container, title):
    """A slug of `title` that is not yet taken in `container`."""
    base = slugify(title)
    name, n = base, 2
    while name in container:
        name = '%s-%d' % (base, n)
        n += 1
    return name
