"""The on-disk store of uploads awaiting a form's next try (deform's tmpstore interface)."""
import io
import os
import time

import pytest

from shequ.content.tmpstore import FileUploadTempStore, upload_tmp_dir


def upload(data=b'%PDF-1.4 test', name='a.pdf', uid='ABCDEF1234'):
    return {'fp': io.BytesIO(data), 'filename': name, 'mimetype': 'application/pdf',
            'size': len(data), 'uid': uid}


def files_under(folder):
    return sorted(os.path.relpath(os.path.join(d, f), folder)
                  for d, _dirs, names in os.walk(folder) for f in names)


def test_an_upload_comes_back_with_its_bytes_and_facts(tmp_path):
    store = FileUploadTempStore(tmp_path / 'up', max_entry_bytes=1000)
    store['ABCDEF1234'] = upload()
    assert 'ABCDEF1234' in store and 'OTHER' not in store
    value = store['ABCDEF1234']
    assert value['fp'].read() == b'%PDF-1.4 test'
    value['fp'].close()
    assert (value['filename'], value['mimetype'], value['size'], value['uid'],
            value['preview_url']) == ('a.pdf', 'application/pdf', 13, 'ABCDEF1234', None)
    assert store.get('OTHER') is None
    with pytest.raises(KeyError):
        store['OTHER']
    del store['ABCDEF1234']
    assert 'ABCDEF1234' not in store and files_under(tmp_path / 'up') == []


def test_two_stores_on_one_folder_share_their_entries(tmp_path):
    one = FileUploadTempStore(tmp_path, max_entry_bytes=1000)
    two = FileUploadTempStore(tmp_path, max_entry_bytes=1000)
    one['K1'] = upload(b'shared bytes')
    with two['K1']['fp'] as fp:
        assert fp.read() == b'shared bytes'


@pytest.mark.parametrize('key', ['../../escape', '/etc/passwd', '..', 'a/../../b', '\\..\\x',
                                 'x\x00y', '../' * 600, ''])
def test_no_key_can_name_a_path_outside_the_folder(tmp_path, key):
    store = FileUploadTempStore(tmp_path / 'up', max_entry_bytes=1000)
    store[key] = upload()  # whatever a browser posts as uid: no error, no escape
    with store[key]['fp'] as fp:
        assert fp.read() == b'%PDF-1.4 test'
    assert os.listdir(tmp_path) == ['up']
    assert all(len(name.split('.')[0]) == 64 for name in files_under(tmp_path / 'up'))
    assert store.get(key + 'x') is None


def test_a_bad_key_is_simply_not_there(tmp_path):
    store = FileUploadTempStore(tmp_path, max_entry_bytes=1000)
    assert store.get(None) is None and store.get('nothing') is None and 42 not in store


def test_only_the_first_bytes_past_the_limit_are_kept(tmp_path):
    store = FileUploadTempStore(tmp_path, max_entry_bytes=11)  # limit 10 + 1: "too big"
    store['K'] = upload(b'x' * 5000)
    with store['K']['fp'] as fp:
        assert fp.read() == b'x' * 11


def test_stale_entries_expire_and_are_cleaned_on_the_next_write(tmp_path):
    store = FileUploadTempStore(tmp_path, max_entry_bytes=1000, max_age=3600)
    store['OLD'] = upload()
    old = time.time() - 3601
    for name in os.listdir(tmp_path):
        os.utime(tmp_path / name, (old, old))
    assert store.get('OLD') is None and 'OLD' not in store
    assert len(os.listdir(tmp_path)) == 2  # still there until someone writes
    store['NEW'] = upload()
    assert len(os.listdir(tmp_path)) == 2 and 'NEW' in store


def test_the_folder_is_capped_oldest_first(tmp_path):
    store = FileUploadTempStore(tmp_path, max_entry_bytes=1000, max_total_bytes=250)
    for n in range(3):
        store['K%d' % n] = upload(b'y' * 100)
        stamp = time.time() - 100 + n
        for suffix in ('.json', '.data'):
            path = store._base('K%d' % n) + suffix
            os.utime(path, (stamp, stamp))
    assert 'K0' not in store and 'K1' in store and 'K2' in store
    assert sum(os.path.getsize(tmp_path / f) for f in os.listdir(tmp_path)
               if f.endswith('.data')) <= 250


def test_the_default_folder_is_uploads_beside_the_index(tmp_path):
    assert upload_tmp_dir({'shequ.index_dir': str(tmp_path / 'var' / 'index')}) == \
        str(tmp_path / 'var' / 'uploads')
    assert upload_tmp_dir({'shequ.upload_tmp_dir': '/srv/up',
                           'shequ.index_dir': '/x/index'}) == '/srv/up'


def test_an_owner_sees_only_its_own_entries(tmp_path):
    store = FileUploadTempStore(tmp_path, max_entry_bytes=1000)
    mine, theirs = store.for_owner('/sunwu/a user:wang'), store.for_owner('/sunwu/b user:chen')
    mine['K1'] = upload(b'%PDF mine')
    assert 'K1' in mine and 'K1' not in theirs and 'K1' not in store
    assert theirs.get('K1') is None
    theirs['K1'] = upload(b'%PDF theirs')            # does not overwrite mine
    value = mine['K1']
    assert value['fp'].read() == b'%PDF mine' and value['uid'] == 'K1'
    value['fp'].close()
