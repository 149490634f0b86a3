"""The `documents:` key of the tenant-tree file: Chinese names accepted, bad entries named."""
import pytest

from document_files import TREE
from helpers import find
from shequ.cli.loader import LoadError

ENTRY = '''\
            documents:
              - slug: gongyue
                title: 幸福社区居民公约
                doc_type: {doc_type}
                status: {status}
                effective_date: 2024-03-01
                text: <p>第一条 遵守法律。</p><script>alert(1)</script>
'''


def tree_with(tmp_path, doc_type='居民公约', status='现行有效'):
    text = TREE.replace('            title: 幸福社区\n',
                        '            title: 幸福社区\n' + ENTRY.format(doc_type=doc_type, status=status))
    path = tmp_path / 'docs.yaml'
    path.write_text(text, encoding='utf-8')
    return str(path)


def test_file_may_name_type_and_status_in_chinese_and_text_is_sanitised(site, tmp_path):
    site.load(tree_with(tmp_path))
    with site.root() as root:
        doc = find(root, '/sunwu/qingxi/xingfu/documents/gongyue')
        assert (doc.doc_type, doc.status, doc.state) == ('convention', 'current', 'published')
        assert doc.effective_date.isoformat() == '2024-03-01'
        assert '<script' not in doc.text and '遵守法律' in doc.text


def test_unknown_document_type_is_refused_with_its_path(site, tmp_path):
    with pytest.raises(LoadError) as failure:
        site.load(tree_with(tmp_path, doc_type='通知'))
    assert failure.value.path.endswith('documents[0].doc_type')


def test_repealed_document_without_repeal_date_is_refused(site, tmp_path):
    with pytest.raises(LoadError) as failure:
        site.load(tree_with(tmp_path, status='已废止'))
    assert failure.value.path.endswith('documents[0].repealed_date')
    assert '废止日期' in failure.value.message
