"""The volunteer register: masking, identity numbers, places that never overbook under
concurrent sign-ups, unique numbers, and hours that count after their publicity period."""
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import transaction
import ZODB
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from shequ.volunteers import ledger
from shequ.volunteers.model import (Places, Register, Volunteer, id_check_digit,
                                    insert_numbered, mask_id, mask_name, valid_id_number)

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc)


def test_names_are_masked_for_the_public():
    assert mask_name('张三明') == '张*明'
    assert mask_name('李四') == '李*'
    assert mask_name('欧阳小明') == '欧**明'
    assert mask_name('王') == '王*'


def test_identity_numbers_are_masked_and_checked():
    first = '23000019800101001'
    number = first + id_check_digit(first)
    assert valid_id_number(number)
    assert mask_id(number) == '2300**********' + number[-4:]
    wrong = first + ('0' if number[-1] != '0' else '1')
    assert not valid_id_number(wrong)
    assert not valid_id_number('2300001980010100')
    assert valid_id_number('11010519491231002X')      # the standard's own example


def open_db(tmp_path):
    return ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))


def two_connections(db):
    managers = [transaction.TransactionManager() for _ in range(2)]
    return managers, [db.open(transaction_manager=tm) for tm in managers]


def sign_up(activity, number):
    """What the sign-up view does to the stored activity."""
    if number in activity['signups'] or not activity['seats'].take():
        return False
    activity['signups'][number] = True
    return True


def make_activity(conn, capacity, taken=()):
    seats = Places(capacity)
    signups = OOBTree()
    for number in taken:
        seats.take()
        signups[number] = True
    conn.root()['activity'] = {'seats': seats, 'signups': signups}


def test_two_concurrent_sign_ups_with_room_both_commit(tmp_path):
    db = open_db(tmp_path)
    with db.transaction() as conn:
        make_activity(conn, 3, ['V000001'])
    managers, conns = two_connections(db)
    for tm in managers:
        tm.begin()
    assert sign_up(conns[0].root()['activity'], 'V000002')
    assert sign_up(conns[1].root()['activity'], 'V000003')
    for tm in managers:
        tm.commit()                       # merged: no ConflictError
    with db.transaction() as conn:
        activity = conn.root()['activity']
        assert activity['seats'].taken == 3
        assert list(activity['signups'].keys()) == ['V000001', 'V000002', 'V000003']
    db.close()


def test_concurrent_sign_ups_for_the_last_place_never_overbook(tmp_path):
    db = open_db(tmp_path)
    with db.transaction() as conn:
        make_activity(conn, 2, ['V000001'])
    managers, conns = two_connections(db)
    for tm in managers:
        tm.begin()
    assert sign_up(conns[0].root()['activity'], 'V000002')
    assert sign_up(conns[1].root()['activity'], 'V000003')   # each saw one place free
    managers[0].commit()
    with pytest.raises(ConflictError):
        managers[1].commit()
    managers[1].abort()
    # the retry (pyramid_retry replays the request) finds the activity full
    managers[1].begin()
    assert not sign_up(conns[1].root()['activity'], 'V000003')
    managers[1].commit()
    with db.transaction() as conn:
        activity = conn.root()['activity']
        assert activity['seats'].taken == 2 and len(activity['signups']) == 2
    db.close()


def test_many_threads_signing_up_at_once_fill_the_places_exactly(tmp_path):
    db = open_db(tmp_path)
    with db.transaction() as conn:
        make_activity(conn, 5, ['V000000'])
    results, barrier = {}, threading.Barrier(12)

    def volunteer(n):
        number = 'V%06d' % n
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        barrier.wait()
        for _attempt in range(30):          # as pyramid_retry does
            tm.begin()
            try:
                ok = sign_up(conn.root()['activity'], number)
                tm.commit()
                results[number] = ok
                break
            except ConflictError:
                tm.abort()
        conn.close()

    threads = [threading.Thread(target=volunteer, args=(n,)) for n in range(1, 13)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 12
    assert sum(results.values()) == 4
    with db.transaction() as conn:
        activity = conn.root()['activity']
        assert activity['seats'].taken == 5 and len(activity['signups']) == 5
    db.close()


def test_two_concurrent_registrations_never_get_the_same_number(tmp_path):
    db = open_db(tmp_path)
    with db.transaction() as conn:
        conn.root()['tree'] = OOBTree({'V000001': 'first'})
        conn.root()['count'] = Length(1)
    managers, conns = two_connections(db)

    def allocate(conn):
        return insert_numbered(conn.root()['tree'], conn.root()['count'],
                               lambda n: 'V%06d' % n, lambda key: key)

    for tm in managers:
        tm.begin()
    assert allocate(conns[0]) == allocate(conns[1]) == 'V000002'
    managers[0].commit()
    with pytest.raises(ConflictError):
        managers[1].commit()
    managers[1].abort()
    managers[1].begin()
    assert allocate(conns[1]) == 'V000003'
    managers[1].commit()
    with db.transaction() as conn:
        assert list(conn.root()['tree'].keys()) == ['V000001', 'V000002', 'V000003']
    db.close()


def _volunteer(register):
    return register.add_volunteer(lambda number: Volunteer(number, '张三明'))


def test_hours_count_only_after_their_publicity_period():
    register = Register()
    volunteer = _volunteer(register)
    ledger.record_service(register, volunteer, 150, date(2026, 11, 1), 7, 'staff',
                          title='义诊', at=T0)
    assert ledger.counted_minutes(volunteer, T0 + timedelta(days=1)) == 0
    assert ledger.pending_minutes(volunteer, T0 + timedelta(days=1)) == 150
    assert ledger.counted_minutes(volunteer, T0 + timedelta(days=7, seconds=1)) == 150
    assert ledger.month_totals(register, '2026-11', '2026-11') == {volunteer.number: 150}
    assert ledger.month_totals(register, '2026-12', '2027-01') == {}


def test_counted_hours_read_only_the_newest_entries():
    register = Register()
    volunteer = _volunteer(register)
    for i in range(300):                         # a long history, all past publicity
        ledger.record_service(register, volunteer, 60, date(2025, 1, 1), 7, 'staff',
                              at=T0 - timedelta(days=400 - i))
    ledger.record_service(register, volunteer, 30, date(2026, 11, 1), 7, 'staff', at=T0)
    read = []
    volunteer.log.newest = _counting(volunteer.log.newest, read)
    assert ledger.counted_minutes(volunteer, T0 + timedelta(days=1)) == 300 * 60
    assert sum(read) <= 64 * 2                   # a batch or two, not 301 entries


def _counting(newest, read):
    def wrapped(start, size):
        out = newest(start, size)
        read.append(len(out))
        return out
    return wrapped


def test_taking_hours_away_applies_when_the_corrected_entry_counts():
    register = Register()
    volunteer = _volunteer(register)
    entry = ledger.record_service(register, volunteer, 180, date(2026, 11, 1), 7, 'staff',
                                  at=T0)
    ledger.adjust(register, volunteer, entry, -60, '多记一小时', 7, 'staff',
                  at=T0 + timedelta(days=1))
    assert ledger.counted_minutes(volunteer, T0 + timedelta(days=2)) == 0
    assert ledger.counted_minutes(volunteer, T0 + timedelta(days=8)) == 120
    assert volunteer.total() == 120
    assert [e['kind'] for e in ledger.entries(volunteer)] == ['service', 'adjustment']
