"""Suggestion prefix lists kept per Whoosh segment: an index state made after an edit reads
only its new segment, and deleted or replaced documents are never suggested."""
from whoosh import index
from whoosh.writing import NO_MERGE

from shequ.search.schema import make_schema
from shequ.search.suggest import Prefixes


def add(ix, path, title, kind='service', standard=False):
    writer = ix.writer()
    writer.update_document(path=path, owner='/x', tenants='/x', type=kind, title=title,
                           state='published', standard=standard)
    writer.commit(merge=False)


def titles(prefixes, typed):
    return [prefixes.docs[docs[0]][0] for docs in prefixes.suggest(typed, lambda d: True)]


def test_a_new_state_reuses_the_segments_it_keeps_and_drops_what_was_replaced(tmp_path):
    ix = index.create_in(str(tmp_path), make_schema())
    add(ix, '/x/services/dibao', '最低生活保障申请')
    add(ix, '/x/services/laonian', '老年人优待证办理')
    cache = {}
    first = Prefixes(ix.reader(), cache)
    assert titles(first, 'zuidi') == ['最低生活保障申请'] and titles(first, 'lnr') == ['老年人优待证办理']
    kept = dict(cache)
    add(ix, '/x/services/dibao', '城乡低保申请')        # replaces the first document
    second = Prefixes(ix.reader(), cache)
    assert all(cache[k] is part for k, part in kept.items())   # old segments not read again
    assert len(cache) == len(kept) + 1
    assert titles(second, 'zuidi') == [] and titles(second, '城乡') == ['城乡低保申请']
    assert titles(second, '老年') == ['老年人优待证办理']
    assert second.docs[second.docnum('/x/services/dibao')][0] == '城乡低保申请'
    assert first.docnum('/x/services/dibao') is not None        # the old state stays whole
    assert [second.docs[d][0] for d in second.by_title()] == ['城乡低保申请', '老年人优待证办理']


def test_by_title_puts_services_and_standard_ones_first_across_segments(tmp_path):
    ix = index.create_in(str(tmp_path), make_schema())
    add(ix, '/x/notices/a', '安全通知', kind='notice')
    add(ix, '/x/services/b', '办理居住证')
    add(ix, '/x/services/c', '残疾人证', standard=True)
    add(ix, '/x/services/a', '安置补助')
    prefixes = Prefixes(ix.reader(), {})
    assert len(prefixes.parts) == 4
    assert [prefixes.docs[d][0] for d in prefixes.by_title()] == [   # titles: code points
        '残疾人证', '办理居住证', '安置补助', '安全通知']
