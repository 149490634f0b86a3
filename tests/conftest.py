"""Fixtures: a real app over a real FileStorage in a temp dir, loaded from YAML files."""
import pytest

from sitekit import DEMO_FILE, HERE, Site, make_settings  # noqa: F401 — tests import these


@pytest.fixture(scope='session')
def demo_site(tmp_path_factory):
    """One read-only site loaded with config/demo.yaml, shared by the session."""
    site = Site(tmp_path_factory.mktemp('demo'))
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
    """A site of its own loaded with the demo tree, for a test that writes."""
    site = Site(tmp_path)
    site.load(DEMO_FILE)
    yield site
    site.close()
