"""The append-only log: concurrent appends merge without ConflictError, positions are stable."""
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from shequ.tree.log import AppendLog


def open_db(tmp_path):
    return ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))


def two_connections(db):
    managers = [transaction.TransactionManager() for _ in range(2)]
    return managers, [db.open(transaction_manager=tm) for tm in managers]


def test_two_writers_never_conflict_past_many_page_seals(tmp_path):
    db = open_db(tmp_path)
    with db.transaction() as conn:
        conn.root()['log'] = AppendLog(page_size=8)
    managers, conns = two_connections(db)
    for i in range(150):                   # the head is sealed into a page many times over
        for tm in managers:
            tm.begin()
        conns[0].root()['log'].append(('a', i))
        conns[1].root()['log'].append(('b', i))
        for tm in managers:
            tm.commit()                    # a ConflictError here fails the test
    with db.transaction() as conn:
        log = conn.root()['log']
        entries = list(log)
        assert len(log) == log.end == 300
        assert sorted(entries) == sorted([('a', i) for i in range(150)] + [('b', i) for i in range(150)])
        # each writer's own entries keep their order
        assert [e for e in entries if e[0] == 'a'] == [('a', i) for i in range(150)]
    db.close()


def test_positions_follow_commit_order(tmp_path):
    db = open_db(tmp_path)
    with db.transaction() as conn:
        conn.root()['log'] = AppendLog(page_size=4)
        conn.root()['log'].extend(('x', i) for i in range(6))
    managers, conns = two_connections(db)
    for tm in managers:
        tm.begin()
    conns[1].root()['log'].append('late')       # began first, commits second
    conns[0].root()['log'].append('early')
    managers[0].commit()
    with db.transaction() as conn:
        seen = conn.root()['log'].since(6)
    assert seen == [(6, 'early')]
    managers[1].commit()
    with db.transaction() as conn:
        # a reader that had applied up to position 7 misses nothing: 'late' comes after
        assert conn.root()['log'].since(7) == [(7, 'late')]
    db.close()


def test_since_newest_and_pruning(tmp_path):
    log = AppendLog(page_size=5)
    log.extend(range(23))
    assert [p for p, _e in log.since(0)] == list(range(23))
    assert log.since(21) == [(21, 21), (22, 22)]
    assert log.newest(0, 3) == [22, 21, 20]
    assert log.newest(20, 10) == [2, 1, 0]
    dropped = log.prune_before(lambda e: e >= 12)
    assert dropped == 10 and log.first == 10 and len(log) == 13
    assert [e for e in log] == list(range(10, 23))
    assert log.since(0)[0] == (10, 10)
    assert log.newest(10, 10) == [12, 11, 10]


def test_writers_appending_several_entries_each_never_conflict(tmp_path):
    """A transaction's own entries are never sealed with the ones it found committed."""
    db = open_db(tmp_path)
    with db.transaction() as conn:
        conn.root()['log'] = AppendLog(page_size=8)
    managers, conns = two_connections(db)
    for i in range(60):
        for tm in managers:
            tm.begin()
        conns[0].root()['log'].extend([('a', i, k) for k in range(3)])
        conns[1].root()['log'].extend([('b', i, k) for k in range(i % 11)])
        for tm in managers:
            tm.commit()
    with db.transaction() as conn:
        log = conn.root()['log']
        assert len(list(log)) == log.end == 60 * 3 + sum(i % 11 for i in range(60))
    db.close()


def test_a_seal_of_part_of_what_another_writer_found_is_merged(tmp_path):
    """Four writers whose views of the head differ: every entry kept, positions stable."""
    db = open_db(tmp_path)
    with db.transaction() as conn:
        conn.root()['log'] = AppendLog(page_size=4)
        conn.root()['log'].extend(['x0', 'x1', 'x2'])
    tms = [transaction.TransactionManager() for _ in range(4)]
    a, b, c, d = [db.open(transaction_manager=tm) for tm in tms]

    def log(conn):
        return conn.root()['log']
    tms[0].begin(), tms[1].begin()
    log(a).append('a')
    log(b).append('b')
    tms[0].commit()                  # head: x0 x1 x2 a
    tms[3].begin()
    log(d).append('d')               # d found the full head: it seals those four
    tms[1].commit()                  # head: x0 x1 x2 a b (merged, longer than a page)
    tms[2].begin()
    log(c).append('c')               # c found five entries: it seals all five
    tms[3].commit()                  # d's seal of four merged with b's entry
    with db.transaction() as conn:
        seen = conn.root()['log'].since(0)
    tms[2].commit()                  # c's seal of five merged with d's state
    with db.transaction() as conn:
        final = conn.root()['log'].since(0)
    assert [e for _p, e in final] == ['x0', 'x1', 'x2', 'a', 'b', 'd', 'c']
    assert final[:len(seen)] == seen             # nothing committed ever moved
    db.close()
