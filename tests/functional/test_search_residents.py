"""The resident query set over the demo county (tests/data/search/resident-queries.tsv):
recall@5 and MRR overall, no leak, and queries with no answer answer nothing."""
import pytest

from searchquality import misses, read_queries, run, score


@pytest.fixture(scope='module')
def answers(full_demo_site):
    return run(full_demo_site.app, read_queries())


def test_the_set_covers_every_class_with_enough_queries():
    cases = read_queries()
    assert len(cases) >= 150
    assert {c[0] for c in cases} >= {
        'official', 'everyday', 'question', 'mixed', 'spaced', 'initials', 'homophone',
        'traditional', 'notice', 'document', 'above', 'scope', 'nothing'}


def test_resident_queries_find_their_answer_in_the_top_five(answers):
    _n, recall, mrr = score(answers)['all']
    assert recall >= 0.95 and mrr >= 0.85, misses(answers)


def test_no_resident_query_shows_an_item_outside_its_scope(answers):
    assert [(a[1], a[2], a[6]) for a in answers if a[6]] == []
