"""The first burst of visitors after a start: templates are compiled under load."""
import threading

from webtest import TestApp

from conftest import BASE_FILE, Site

PAGES = ['/', '/sunwu/', '/sunwu/services/', '/sunwu/services/dibao', '/sunwu/@@search',
         '/sunwu/qingxi/xingfu/notices/', '/@@login', '/sunwu/documents/']


def test_eight_visitors_at_once_on_a_cold_app_all_get_pages(tmp_path):
    for attempt in range(3):                     # a fresh app each time: nothing compiled yet
        site = Site(tmp_path / str(attempt))
        site.load(BASE_FILE)
        statuses, errors = [], []
        start = threading.Barrier(8)

        def visitor(n):
            app = TestApp(site.wsgi)
            start.wait()
            try:
                for i in range(len(PAGES)):
                    res = app.get(PAGES[(n + i) % len(PAGES)], params={'q': '低保'},
                                  expect_errors=True)
                    statuses.append(res.status_int)
            except Exception as exc:            # noqa: BLE001 — reported below
                errors.append(exc)

        threads = [threading.Thread(target=visitor, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        site.close()
        assert not errors and set(statuses) == {200}, (errors, sorted(set(statuses)))
