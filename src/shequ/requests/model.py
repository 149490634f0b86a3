"""Where requests are kept: one store per county, an index per tenant.

Requests are not workflow content (staff never "publish" one) and hold private details,
so they never reach a listing or the search index. Every request of a county lives in the
county's `RequestStore` (attribute `store` of the county's requests section, made on the
first write): an OOBTree by number. The number (`SW20261202-0007`: county initials, the
China date, a counter of the day) is claimed with `OOBTree.insert`; two submissions
claiming the same number conflict and the retry takes the next, so a duplicate can never
commit, and submissions with different numbers merge. Each tenant's requests section has a
`TenantIndex` (attribute `index`): the numbers it handles now and the numbers residents
submitted there, so an inbox reads only its own requests.

A request's `__parent__` is the section of the tenant handling it, so `tree.ops.modify`
and the audit log name that tenant; a transfer moves it (and the indexes) on.
"""
import datetime

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from persistent.mapping import PersistentMapping
from pypinyin import Style, lazy_pinyin
from ZODB.blob import Blob
from ZODB.POSException import ConflictError

from ..clock import local, utcnow
from ..i18n import _
from ..tree import Section, Tenant, find_county, tenant_path
from ..tree.log import AppendLog
from .states import NEW, is_open

SECTION = 'requests'

# type code (Open311 service_code) → label
TYPES = {
    'zixun': _('Enquiry'),
    'qiuzhu': _('Help'),
    'tousu': _('Complaint'),
    'jubao': _('Report'),
    'jianyi': _('Suggestion'),
}
DEFAULT_LIMITS = {'zixun': 3, 'qiuzhu': 3, 'tousu': 13, 'jubao': 13, 'jianyi': 13,
                  'urgent': 0}
CATEGORIES = ('环境卫生', '物业管理', '市政设施', '社会保障', '养老助残', '邻里纠纷',
              '治安消防', '证明办理', '其他')
RATINGS = ('满意', '基本满意', '不满意')
BAD_RATING = '不满意'


class Photo(Persistent):
    """A photo sent with a request (PNG, JPEG or WebP, checked by content)."""

    def __init__(self, content_type, data):
        self.content_type = content_type
        self.size = len(data)
        self.blob = Blob()
        with self.blob.open('w') as f:
            f.write(data)

    def data(self):
        with self.blob.open('r') as f:
            return f.read()


class ResidentRequest(Persistent):
    """One request: what the resident asked, who handles it, and its history.

    `name`, `phone` and `email` are private: only staff pages show them. `history` is an
    `AppendLog` of immutable tuples (time, action, login, staff name, tenant path,
    target path, text) — nothing is ever removed.
    """

    type_name = 'resident_request'     # not a registered content type: never indexed

    def __init__(self, number, kind, category, description, location='', name='',
                 phone='', email='', may_publish=False, urgent=False, submitted=None,
                 origin='', via='web'):
        self.number = number
        self.__name__ = number
        self.__parent__ = None
        self.kind = kind
        self.category = category
        self.description = description
        self.location = location
        self.name = name
        self.phone = phone
        self.email = email
        self.may_publish = bool(may_publish)
        self.urgent = bool(urgent)
        self.submitted = submitted or utcnow()
        self.updated = self.submitted
        self.origin = origin                 # path of the tenant it was submitted to
        self.tenant = origin                 # path of the tenant handling it now
        self.via = via                       # 'web', 'open311' or 'import'
        self.state = NEW
        self.owner = None                    # login of the staff member who took it
        self.owner_name = ''
        self.deadline = None                 # UTC
        self.extended_days = 0
        self.extension_reason = ''
        self.reply = ''
        self.replied = None
        self.closed = None
        self.rating = None
        self.rating_comment = ''
        self.photos = ()
        self.history = AppendLog()

    @property
    def title(self):
        return self.number

    def is_open(self):
        return is_open(self.state)

    @property
    def due_date(self):
        """The last day to answer (the deadline is 24:00 of it, China time)."""
        if self.deadline is None:
            return None
        return (local(self.deadline) - datetime.timedelta(seconds=1)).date()

    def overdue(self, now=None):
        now = now or utcnow()
        return self.is_open() and self.deadline is not None and now > self.deadline

    def due_soon(self, now=None):
        """Open, not overdue, and due before the end of tomorrow (China time)."""
        now = now or utcnow()
        if not self.is_open() or self.deadline is None or now > self.deadline:
            return False
        return (local(self.deadline).date() - local(now).date()).days <= 1

    def first_closed(self):
        """When the request was first answered (the time to close counts to here)."""
        for _pos, entry in self.history.since(0):
            if entry[1] == 'reply':
                return entry[0]
        return self.replied


class RequestStore(Persistent):
    """A county's requests by number, the day counters, deadlines and its calendar."""

    __name__ = 'store'
    __parent__ = None

    def __init__(self):
        self.items = OOBTree()           # number → ResidentRequest
        self.day_counts = OOBTree()      # 'YYYYMMDD' → Length
        self.count = Length()
        self.limits = PersistentMapping()       # type code or 'urgent' → working days
        self.calendar = PersistentMapping()     # year → (holidays, workdays) tuples

    def get(self, number):
        return self.items.get(number)

    def limit(self, code):
        return int(self.limits.get(code, DEFAULT_LIMITS[code]))

    def claim(self, prefix, day, make, tries=1000):
        """Store `make(number)` under the next free number of `day` ('YYYYMMDD')."""
        counter = self.day_counts.get(day)
        if counter is None:
            counter = self.day_counts[day] = Length()
        n = counter() + 1
        for _attempt in range(tries):
            number = '%s%s-%04d' % (prefix, day, n)
            if number not in self.items:
                obj = make(number)
                if self.items.insert(number, obj):
                    counter.change(1)
                    self.count.change(1)
                    return obj
            n += 1
        raise ConflictError('no free request number')  # retried by pyramid_retry

    def insert(self, obj):
        """Store an imported request under its own number; False if it exists."""
        if not self.items.insert(obj.number, obj):
            return False
        self.count.change(1)
        return True


class TenantIndex(Persistent):
    """The numbers a tenant handles now and those submitted to it, and its API keys."""

    def __init__(self):
        self.handling = OOTreeSet()
        self.origin = OOTreeSet()
        self.api_keys = OOBTree()        # sha256 hex of the key → ApiKey


def section_of(tenant):
    section = tenant.get(SECTION) if isinstance(tenant, Tenant) else None
    return section if isinstance(section, Section) else None


def get_store(resource, create=False):
    """The request store of the county of `resource` (made on the first write only)."""
    county = find_county(resource)
    section = section_of(county) if county is not None else None
    if section is None:
        return None
    store = getattr(section, 'store', None)
    if store is None and create:
        store = section.store = RequestStore()
        store.__parent__ = section
    return store


def get_index(section, create=False):
    index = getattr(section, 'index', None)
    if index is None and create:
        index = section.index = TenantIndex()
    return index


def county_prefix(resource):
    """The county's initials in capitals: 孙吴县 → SW."""
    county = find_county(resource)
    title = county.title if county is not None else 'X'
    if len(title) > 2 and title[-1] in '县区市旗':
        title = title[:-1]
    letters = ''.join(p[:1] for p in lazy_pinyin(title, style=Style.FIRST_LETTER)
                      if p[:1].isascii() and p[:1].isalpha())
    return (letters.upper() or county.__name__[:2].upper())[:4]


def requests_below(store, tenant, by='origin'):
    """Every request whose origin (or handling tenant) is `tenant` or below it."""
    if store is None:
        return []
    path = tenant_path(tenant).rstrip('/') + '/'
    return [r for r in store.items.values()
            if (getattr(r, by) or '').rstrip('/') + '/' == path
            or (getattr(r, by) or '').startswith(path)]
