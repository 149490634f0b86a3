"""`@@workflow` follows a posted `next` only back into this site (no open redirect)."""
import pytest

from helpers import add_draft, add_user, csrf, find, login

OFFSITE = ['https://evil.example/x', '//evil.example/x', '/\\evil.example/x', '\\\\evil.example',
           'javascript:alert(1)', 'http://localhost.evil.example/', 'https:evil.example',
           'http://localhost@evil.example/', '/\t/evil.example', ' //evil.example']


@pytest.fixture
def staff(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
        add_draft(root, '/sunwu', 'd1')
    return login(demo, 'wang')


@pytest.mark.parametrize('target', OFFSITE)
def test_workflow_refuses_an_offsite_next(demo, staff, target):
    res = staff.post('/sunwu/services/d1/@@workflow', {
        'csrf_token': csrf(staff), 'transition': 'publish', 'next': target}, status=302)
    assert res.location == 'http://localhost/sunwu/services/d1/'
    with demo.root() as root:
        assert find(root, '/sunwu/services/d1').state == 'published'


@pytest.mark.parametrize('target', ['/sunwu/services/@@contents',
                                    'http://localhost/sunwu/services/@@contents'])
def test_workflow_follows_a_same_site_next(staff, target):
    res = staff.post('/sunwu/services/d1/@@workflow', {
        'csrf_token': csrf(staff), 'transition': 'publish', 'next': target}, status=302)
    assert res.location == 'http://localhost/sunwu/services/@@contents'
