"""Guessing passwords: no lock-out a stranger can cause, no answer that tells a user exists,
waits that grow for the guessing address, and refused logins in the root's audit log."""
import statistics
import time

from webtest import TestApp

from helpers import PASSWORD, add_user, login
from shequ.security.throttle import ADDRESS_FREE, get_throttle


def attempt(site, name, password, address='192.0.2.10', app=None):
    """One login through the form from `address`; the answer."""
    app = app or TestApp(site.wsgi, extra_environ={'REMOTE_ADDR': address})
    form = app.get('/@@login').forms['login-form']
    form['login'], form['password'] = name, password
    return form.submit(expect_errors=True)


def message(res):
    alert = res.html.select_one('.alert')
    return alert.get_text(strip=True) if alert is not None else None


def test_fifty_wrong_passwords_from_one_address_do_not_keep_the_user_out(demo):
    with demo.root() as root:
        add_user(root, 'li')
    attacker = TestApp(demo.wsgi, extra_environ={'REMOTE_ADDR': '198.51.100.66'})
    answers = [attempt(demo, 'li', 'guess-%d' % n, app=attacker).status_int for n in range(50)]
    user = TestApp(demo.wsgi, extra_environ={'REMOTE_ADDR': '203.0.113.5'})
    res = attempt(demo, 'li', PASSWORD, app=user)
    assert res.status_int == 302
    assert user.get(res.location).status_int == 200
    assert 429 in answers                          # the guessing address was slowed down
    with demo.root() as root:      # nothing about the failures was written to the user
        assert not hasattr(root.users.get('li'), 'failed_logins')


def test_the_waits_of_an_address_grow_and_end(demo):
    throttle = get_throttle(demo.registry)
    now = time.time()
    for n in range(ADDRESS_FREE):      # a different name each time: only the address counts
        assert throttle.wait('192.0.2.99', 'x%d' % n, now) == 0
        throttle.failed('192.0.2.99', 'x%d' % n, now)
    waits = []
    for n in range(4):
        waits.append(throttle.wait('192.0.2.99', 'y%d' % n, now))
        throttle.failed('192.0.2.99', 'y%d' % n, now)
    assert waits == [1, 2, 4, 8]
    assert throttle.wait('192.0.2.99', 'x', now + 17) == 0
    assert throttle.wait('192.0.2.99', 'x', now + 4000) == 0   # forgotten after an hour
    assert throttle.wait('192.0.2.100', 'x', now) == 0          # another address


def test_guesses_from_many_addresses_slow_down_those_addresses_not_a_clean_one(demo):
    throttle = get_throttle(demo.registry)
    now = time.time()
    for n in range(8):
        throttle.failed('192.0.2.%d' % n, 'wang', now)
    assert throttle.wait('192.0.2.1', 'wang', now) > 0      # a failing address waits
    assert throttle.wait('192.0.2.1', 'zhao', now) == 0     # for that account only
    assert throttle.wait('203.0.113.9', 'wang', now) == 0   # a clean address does not


def test_wrong_password_and_unknown_name_get_the_same_answer(demo):
    with demo.root() as root:
        add_user(root, 'wang')
    for n in range(7):      # also after several failures (no "account locked" answer)
        known = attempt(demo, 'wang', 'wrong-password', '192.0.2.%d' % n)
        unknown = attempt(demo, 'nobody-here', 'wrong-password', '192.0.3.%d' % n)
        assert known.status_int == unknown.status_int == 200
        assert message(known) == message(unknown) == '用户名或密码错误。'


def test_wrong_password_and_unknown_name_take_about_as_long(demo):
    with demo.root() as root:
        add_user(root, 'wang')

    def timed(name, address):
        app = TestApp(demo.wsgi, extra_environ={'REMOTE_ADDR': address})
        form = app.get('/@@login').forms['login-form']
        form['login'], form['password'] = name, 'wrong-password'
        start = time.perf_counter()
        form.submit()
        return time.perf_counter() - start

    known = statistics.median(timed('wang', '192.0.2.%d' % n) for n in range(5))
    unknown = statistics.median(timed('nobody-%d' % n, '192.0.3.%d' % n) for n in range(5))
    # both check one argon2 hash; without the dummy check an unknown name answers at once
    assert unknown > known / 3 and known > unknown / 3, (known, unknown)


def test_refused_logins_are_in_the_root_audit_log_but_not_one_entry_each(demo):
    with demo.root() as root:
        add_user(root, 'li')
        add_user(root, 'boss', 'admin', '/')
    for n in range(6):
        attempt(demo, 'li', 'guess-%d' % n, '198.51.100.7')
    attempt(demo, 'ghost', 'guess', '198.51.100.8')
    rows = login(demo, 'boss').get('/@@audit').html.select('tbody tr')
    refused = [[td.get_text(strip=True) for td in row.select('td')] for row in rows
               if '登录被拒绝' in row.get_text()]
    assert [(r[1], r[3]) for r in refused] == [('ghost', '198.51.100.8 ×1'),
                                               ('li', '198.51.100.7 ×1')]


def test_the_login_answer_while_waiting_says_for_how_long(demo):
    throttle = get_throttle(demo.registry)
    for _ in range(ADDRESS_FREE + 3):
        throttle.failed('192.0.2.50', 'li')
    res = attempt(demo, 'li', PASSWORD, '192.0.2.50')
    assert res.status_int == 429 and int(res.headers['Retry-After']) > 0
    assert '秒后再试' in message(res)
