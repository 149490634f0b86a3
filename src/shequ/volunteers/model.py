"""The volunteer register of one tenant: volunteers, pending registrations, certificates,
and the counters many requests change at once.

Volunteers are not content items: a tenant may hold thousands, their private fields must
never reach search or a listing, and a tenant page must not load them. They live in one
`Register` on the tenant's volunteers section, made on the first write (never on a GET),
keyed by volunteer number in OOBTrees, so a page reads one volunteer in O(log n).

Numbers (volunteers, certificates) are allocated by `insert_numbered`: the next free
number is guessed from a `Length` and claimed with `OOBTree.insert`, which refuses a taken
key. Two concurrent transactions that claim the same number both add that key to the same
bucket, which BTrees' conflict resolution refuses; one is retried (pyramid_retry) and
claims the next number. So a duplicate number cannot be committed.
"""
import re

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError

from ..clock import utcnow
from ..tree.log import AppendLog

REGISTER_ATTR = 'register'
STATUSES = ('在册', '暂停', '退出')
ACTIVE, PAUSED, LEFT = STATUSES
GENDERS = ('男', '女')
PUBLIC_STATUSES = (ACTIVE, PAUSED)


# --- masking: the one place private details are cut down for the public --------------

def mask_name(name):
    """张三明 → 张*明, 李四 → 李*, 欧阳小明 → 欧**明: the public never reads a full name."""
    name = (name or '').strip()
    if len(name) <= 1:
        return name + '*' if name else ''
    if len(name) == 2:
        return name[0] + '*'
    return name[0] + '*' * (len(name) - 2) + name[-1]


def mask_id(id_number):
    """230103199001011234 → 2301**********1234."""
    text = (id_number or '').strip()
    if len(text) <= 8:
        return '*' * len(text)
    return text[:4] + '*' * (len(text) - 8) + text[-4:]


def mask_phone(phone):
    """13912345678 → 139****5678."""
    text = (phone or '').strip()
    if len(text) <= 7:
        return '*' * len(text)
    return text[:3] + '*' * (len(text) - 7) + text[-4:]


# --- resident identity numbers (GB 11643-1999) -------------------------------------

ID_RE = re.compile(r'^\d{17}[\dX]$')
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = '10X98765432'


def id_check_digit(first17):
    """The check character of the first 17 digits of an identity number."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


def valid_id_number(text):
    """Whether `text` is an 18-character identity number with a right check character."""
    text = (text or '').upper()
    return bool(ID_RE.match(text)) and id_check_digit(text[:17]) == text[17]


# --- storage ---------------------------------------------------------------------------

class Volunteer(Persistent):
    """One registered volunteer: public (masked name, team, hours) and private fields.

    `total` holds every minute recorded (adjustments included) in a `Length`, whose
    conflict resolution adds concurrent changes; `log` is the volunteer's own ledger.
    """

    def __init__(self, number, name, gender='', birth_year=None, phone='', id_number='',
                 skills=(), team='', registered=None, status=ACTIVE, login=None):
        self.number = number
        self.name = name
        self.gender = gender
        self.birth_year = birth_year
        self.phone = phone
        self.id_number = id_number
        self.skills = tuple(skills or ())
        self.team = team
        self.registered = registered or utcnow().date()
        self.status = status
        self.login = login
        self.total = Length()
        self.log = AppendLog()

    @property
    def masked_name(self):
        return mask_name(self.name)

    @property
    def masked_id(self):
        return mask_id(self.id_number)

    def is_public(self, now=None):
        return self.status in PUBLIC_STATUSES


class Registration(Persistent):
    """A resident's online registration, waiting for staff (then approved or refused).

    `user` is the account to be created on approval (its password already hashed), or
    None when the resident was logged in and the registration links their own login.
    """

    def __init__(self, rid, fields, login, user=None):
        self.rid = rid
        self.fields = dict(fields)
        self.login = login
        self.user = user
        self.created = utcnow()
        self.state = 'pending'      # pending | approved | refused
        self.decided = None
        self.decided_by = None
        self.reason = ''
        self.number = None          # the volunteer number given on approval


class Certificate(Persistent):
    """An issued service-record certificate; never changed after issuing."""

    def __init__(self, number, volunteer_number, name, id_number, period, minutes,
                 activities, issued_by, tenant_title, contact):
        self.number = number
        self.volunteer_number = volunteer_number
        self.name = name
        self.id_number = id_number
        self.period = tuple(period)            # (first date, last date)
        self.minutes = minutes
        self.activities = tuple(activities)    # (date, title, minutes)
        self.issued = utcnow()
        self.issued_by = issued_by
        self.tenant_title = tenant_title
        self.contact = dict(contact or {})


class Register(Persistent):
    """A tenant's volunteers, registrations, certificates and ledger bookkeeping."""

    def __init__(self):
        self.volunteers = OOBTree()        # number → Volunteer
        self.by_login = OOBTree()          # login → number
        self.by_id = OOBTree()             # identity number → number
        self.registrations = OOBTree()     # registration id → pending Registration
        self.decided = OOBTree()           # registration id → approved or refused one
        self.certificates = OOBTree()      # certificate number → Certificate
        self.volunteer_count = Length()
        self.certificate_count = Length()
        self.registration_count = Length()
        # the tenant's ledger, for exports and the publicity page: (recorded, number,
        # entry id, minutes, kind, counts_from)
        self.ledger = AppendLog()
        # (YYYY-MM of the service date, volunteer number) → Length of minutes
        self.months = OOBTree()
        # activities by start, for the tenant panel: (starts, slug) → slug, slug → key
        self.calendar = OOBTree()
        self.calendar_keys = OOBTree()

    def get(self, number):
        return self.volunteers.get(number)

    def for_login(self, login):
        number = self.by_login.get(login) if login else None
        return self.volunteers.get(number) if number else None

    def add_volunteer(self, volunteer_factory):
        """Store the volunteer `volunteer_factory(number)` under a new unique number."""
        volunteer = insert_numbered(self.volunteers, self.volunteer_count,
                                    lambda n: 'V%06d' % n, volunteer_factory)
        if volunteer.login:
            self.by_login[volunteer.login] = volunteer.number
        if volunteer.id_number:
            self.by_id[volunteer.id_number] = volunteer.number
        return volunteer

    def add_month(self, month, number, minutes):
        counter = self.months.get((month, number))
        if counter is None:
            counter = Length()
            self.months[(month, number)] = counter
        counter.change(minutes)


def insert_numbered(tree, counter, key_of, make, tries=1000):
    """Store `make(number)` in `tree` under the first free `key_of(n)` from `counter()+1`.

    `make` must set the object's `number` attribute to the key it is given.
    """
    n = counter() + 1
    for _ in range(tries):
        key = key_of(n)
        if key not in tree:
            obj = make(key)
            if tree.insert(key, obj):
                counter.change(1)
                return obj
        n += 1
    raise ConflictError('no free number found')  # retried by pyramid_retry


def get_register(section, create=False):
    """The section's Register; made on the first write only (a GET never writes)."""
    register = getattr(section, REGISTER_ATTR, None)
    if register is None and create:
        register = Register()
        setattr(section, REGISTER_ATTR, register)
    return register


class Places(Persistent):
    """Places taken on an activity: concurrent sign-ups merge unless they overbook.

    Two transactions that each take a place change `taken` from the same old value;
    `_p_resolveConflict` adds both changes, and refuses (ConflictError) when the sum
    would pass the capacity, so one of them is retried and finds the activity full.
    """

    def __init__(self, capacity):
        self.capacity = capacity
        self.taken = 0

    def free(self):
        return max(self.capacity - self.taken, 0)

    def take(self):
        if self.taken >= self.capacity:
            return False
        self.taken += 1
        return True

    def give_back(self):
        self.taken = max(self.taken - 1, 0)

    def _p_resolveConflict(self, old, committed, new):
        capacity = new['capacity'] if new['capacity'] != old['capacity'] \
            else committed['capacity']
        taken = committed['taken'] + new['taken'] - old['taken']
        if taken > capacity and taken > committed['taken']:
            raise ConflictError('the activity would be overbooked')
        resolved = dict(committed)
        resolved['capacity'] = capacity
        resolved['taken'] = max(taken, 0)
        return resolved
