"""Logout and a new password end a session everywhere; a session has an absolute lifetime."""
import time

from webtest import TestApp

from helpers import add_user, csrf, login

MAX_AGE = 8 * 3600      # the default of shequ.session_max_age

PRIVATE = '/sunwu/services/@@contents'


def copy_of(site, app):
    """A fresh browser given a copy of `app`'s session cookie (as a thief would have it)."""
    other = TestApp(site.wsgi)
    other.set_cookie('shequ_session', app.cookies['shequ_session'])
    return other


def test_a_cookie_copied_before_logout_is_refused_after_it(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    thief = copy_of(demo, app)
    assert thief.get(PRIVATE).status_int == 200
    app.post('/@@logout', {'csrf_token': csrf(app)})
    assert thief.get(PRIVATE).status_int == 302      # to the login page
    assert app.get(PRIVATE).status_int == 302


def test_logout_ends_only_its_own_session(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    office, phone = login(demo, 'wang'), login(demo, 'wang')
    office.post('/@@logout', {'csrf_token': csrf(office)})
    assert phone.get(PRIVATE).status_int == 200


def test_a_session_ends_at_its_absolute_lifetime_however_busy(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    assert app.get(PRIVATE).status_int == 200
    with demo.root() as root:          # the login was 8 hours and a second ago
        user = root.users.get('wang')
        user.sessions = {k: t - MAX_AGE - 1 for k, t in user.sessions.items()}
    assert app.get(PRIVATE).status_int == 302


def test_the_lifetime_comes_from_the_settings(tmp_path, monkeypatch):
    from conftest import BASE_FILE, Site
    site = Site(tmp_path, **{'shequ.session_max_age': '60'})
    try:
        site.load(BASE_FILE)
        with site.root() as root:
            add_user(root, 'wang', 'staff', '/sunwu')
        app = login(site, 'wang')
        assert app.get(PRIVATE).status_int == 200
        later = time.time() + 61                  # busy all along: the idle timeout is 1 h
        monkeypatch.setattr(time, 'time', lambda: later)
        assert app.get(PRIVATE).status_int == 302
    finally:
        site.close()


def test_a_new_password_ends_every_session(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    office, phone = login(demo, 'wang'), login(demo, 'wang')
    with demo.root() as root:
        root.users.get('wang').set_password('a-new-password-1')
    assert office.get(PRIVATE).status_int == 302
    assert phone.get(PRIVATE).status_int == 302
    assert login(demo, 'wang', 'a-new-password-1').get(PRIVATE).status_int == 200


def test_shequ_user_passwd_ends_every_session(demo, tmp_path):
    import argparse
    from shequ.cli.users import user_passwd
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    pw = tmp_path / 'pw.txt'
    pw.write_text('a-new-password-2\n')
    with demo.root() as root:
        args = argparse.Namespace(login='wang', password_file=str(pw))
        assert user_passwd(args, root) == 0
    assert app.get(PRIVATE).status_int == 302
    assert login(demo, 'wang', 'a-new-password-2').get(PRIVATE).status_int == 200


def test_a_user_stored_before_sessions_were_recorded_logs_in(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
        del root.users.get('wang').__dict__['sessions']     # as stored by the old code
        root.users.get('wang')._p_changed = True
    assert login(demo, 'wang').get(PRIVATE).status_int == 200


def test_the_cookie_ends_after_the_idle_timeout(tmp_path, monkeypatch):
    from conftest import BASE_FILE, Site
    site = Site(tmp_path, **{'shequ.session_idle_timeout': '600'})
    try:
        site.load(BASE_FILE)
        with site.root() as root:
            add_user(root, 'wang', 'staff', '/sunwu')
        app = login(site, 'wang')
        assert app.get(PRIVATE).status_int == 200
        later = time.time() + 601
        monkeypatch.setattr(time, 'time', lambda: later)
        assert app.get(PRIVATE).status_int == 302
    finally:
        site.close()
