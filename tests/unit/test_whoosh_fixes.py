"""The fixes applied to Whoosh (shequ.search.whoosh_fixes) answer as Whoosh does: term
lookups remembered, array unions sized, segments read in place."""
import os
import tracemalloc

import pytest
from whoosh import fields, index
from whoosh.qparser import QueryParser
from whoosh.query import Or, Term
from whoosh.reading import TermNotFound

from shequ.search import whoosh_fixes


def _index(folder, docs=400):
    schema = fields.Schema(path=fields.ID(stored=True, unique=True),
                           body=fields.TEXT(stored=True))
    ix = index.create_in(str(folder), schema)
    writer = ix.writer()
    for n in range(docs):
        writer.add_document(path='/d%d' % n, body=' '.join(
            'word%d' % ((n * 7 + k) % 997) for k in range(200)))
    writer.commit()
    return ix


def test_a_searcher_reads_the_mapped_segment_in_place(tmp_path):
    ix = _index(tmp_path)
    segment = max((os.path.join(tmp_path, f) for f in os.listdir(tmp_path)
                   if f.endswith('.seg')), key=os.path.getsize)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        searcher = ix.searcher()
        found = searcher.search(QueryParser('body', ix.schema).parse('word5'), limit=None)
        paths = sorted(hit['path'] for hit in found)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # Whoosh's BufferFile copied every file of the segment (postings, terms, stored
    # fields) into a BytesIO per searcher; read in place, a searcher costs a fraction
    assert os.path.getsize(segment) > 1_000_000
    assert grown < os.path.getsize(segment) / 4, (grown, os.path.getsize(segment))
    expected = sorted('/d%d' % n for n in range(400)
                      if any((n * 7 + k) % 997 == 5 for k in range(200)))
    assert paths == expected and paths
    searcher.close()
    ix.close()


def test_view_io_reads_lines_seeks_and_stops_at_the_end():
    data = b'first\nsecond\nlast'
    f = whoosh_fixes._ViewIO(memoryview(data))
    assert f.readline() == b'first\n'
    assert f.read(3) == b'sec' and f.tell() == 9
    assert f.readline() == b'ond\n'
    assert list(f) == [b'last']
    assert f.read() == b'' and f.read(5) == b''
    f.seek(-4, 2)
    assert f.read() == b'last'
    f.seek(1)
    f.seek(2, 1)
    buffer = bytearray(3)
    assert f.readinto(buffer) == 3 and bytes(buffer) == b'st\n'
    f.seek(100)
    assert f.read() == b'' and f.readline() == b''


def test_applying_the_fixes_twice_changes_nothing():
    from whoosh.filedb import structfile
    init = structfile.BufferFile.__init__
    whoosh_fixes.apply()
    assert structfile.BufferFile.__init__ is init
    assert structfile.BufferFile(b'abc').read() == b'abc'


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
