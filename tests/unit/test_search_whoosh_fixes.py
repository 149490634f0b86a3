"""The Whoosh fixes answer as Whoosh does: term lookups remembered, array unions sized."""
import pytest
from whoosh import fields, index
from whoosh.query import Or, Term
from whoosh.reading import TermNotFound

import shequ.search.whoosh_fixes  # noqa: F401 — applied on import


@pytest.fixture
def searcher(tmp_path):
    ix = index.create_in(str(tmp_path), fields.Schema(id=fields.ID(stored=True),
                                                     text=fields.KEYWORD))
    writer = ix.writer()
    for i in range(30):
        writer.add_document(id=str(i), text='all %s %s' % ('even' if i % 2 else 'odd',
                                                           'w%d' % i))
    writer.commit()
    with ix.searcher() as s:
        yield s


def test_term_lookups_are_right_twice(searcher):
    reader = searcher.reader()
    for _ in range(2):      # the second time from the cache
        assert ('text', b'all') in reader and ('text', b'nope') not in reader
        assert reader.doc_frequency('text', 'even') == 15
        assert reader.doc_frequency('text', 'nope') == 0
        assert reader.term_info('text', 'w3').doc_frequency() == 1
        with pytest.raises(TermNotFound):
            reader.term_info('text', 'nope')


def test_an_or_of_many_terms_over_a_small_index_finds_and_scores_every_match(searcher):
    query = Or([Term('text', 'w%d' % i) for i in (1, 5, 7, 29)] + [Term('text', 'nope')])
    found = searcher.search(query, limit=None)
    assert sorted(int(hit['id']) for hit in found) == [1, 5, 7, 29]
    assert all(hit.score > 0 for hit in found)
    assert sorted(searcher.docs_for_query(Or([Term('text', 'odd'), Term('text', 'w1')]))) == \
        sorted(list(range(0, 30, 2)) + [1])
