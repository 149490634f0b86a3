"""Fixtures: a real app over a real FileStorage in a temp dir, loaded from YAML files."""
import os
import shutil
import tempfile

# servers and `shequ` commands the tests start in subprocesses share compiled templates
# through Chameleon's own disk cache (keyed by a digest of each template: never stale);
# set before anything imports chameleon, so the test processes use it too
_TEMPLATES = os.path.join(tempfile.gettempdir(), 'shequ-test-chameleon-%d' % os.getuid())
os.makedirs(_TEMPLATES, exist_ok=True)
os.environ.setdefault('CHAMELEON_CACHE', _TEMPLATES)

import pytest  # noqa: E402

from sitekit import BASE_FILE, DEMO_FILE, HERE, Site, make_settings, waitress_thread  # noqa: F401 — tests import these


@pytest.fixture(scope='session')
def demo_site(tmp_path_factory):
    """One read-only site loaded with the base tree, shared by the session."""
    site = Site(tmp_path_factory.mktemp('demo'))
    site.load(BASE_FILE)
    yield site
    site.close()


@pytest.fixture(scope='session')
def full_demo_site(tmp_path_factory):
    """One read-only site loaded with config/demo.yaml, exactly as `shequ init` loads it."""
    site = Site(tmp_path_factory.mktemp('full-demo'))
    site.load(DEMO_FILE)
    yield site
    site.close()


@pytest.fixture
def site(tmp_path):
    """An empty site of its own for a test that writes."""
    site = Site(tmp_path)
    yield site
    site.close()


@pytest.fixture
def demo(tmp_path):
    """A site of its own loaded with the base tree, for a test that writes."""
    site = Site(tmp_path)
    site.load(BASE_FILE)
    yield site
    site.close()


# --- browser tests: a real waitress server over a temp database, Debian's Chromium ---

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']


def pytest_collection_modifyitems(items):
    for item in items:
        if 'tests/browser/' in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope='session')
def live_site(tmp_path_factory):
    """The app served by waitress on a free localhost port; yields (site, base_url)."""
    site = Site(tmp_path_factory.mktemp('live'))
    site.load(DEMO_FILE)
    with waitress_thread(site.wsgi) as base:
        yield site, base
    site.close()


# screenshots the browser tests save as artefacts (fixed names, overwritten by each run;
# var/ is git-ignored and removed by `make clean`)
SCREENSHOTS = os.path.join(HERE, 'var', 'screenshots')


def browser_required():
    """In CI and in `make test` a missing Chromium fails the browser tests instead of
    skipping them (SHEQU_REQUIRE_BROWSER=1, or CI set to anything but false/0)."""
    ci = os.environ.get('CI', '').strip().lower()
    return os.environ.get('SHEQU_REQUIRE_BROWSER') == '1' or ci not in ('', '0', 'false', 'no')


@pytest.fixture(scope='session')
def screenshot_dir():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope='session')
def browser():
    if not os.path.exists(CHROMIUM):
        message = 'Debian chromium is not installed (make browser-deps installs it where apt allows)'
        if browser_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# --- the RelStorage tests: one PostgreSQL cluster of their own per test process ---

@pytest.fixture(scope='session')
def postgres():
    """A PostgreSQL cluster in a temp folder (servers.PostgresCluster); each test makes its
    own databases. Fails, not skips, under `make test` when PostgreSQL cannot start."""
    from servers import PostgresCluster
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()
