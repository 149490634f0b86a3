"""The tenant-tree file may give a guide's fields in simpler shapes or other common names."""
import colander

from shequ.services.importing import normalise_entry
from shequ.services.schema import ServiceSchema


def load(entry):
    return ServiceSchema().deserialize(normalise_entry(entry))


def test_materials_as_names_or_mappings_with_other_key_names():
    guide = load({'title': '残疾人证办理', 'category': '残疾人服务', 'materials': [
        '居民身份证',
        {'name': '户口簿', 'original': True, 'count': 2},
        {'name': '照片', 'type': '电子', 'optional': True},
        {'name': '诊断证明', 'form': '复印件（加盖医院公章）'},
    ]})
    names = [(m['name'], m['form'], m['copies'], m['required']) for m in guide['materials']]
    assert names == [('居民身份证', '原件', 1, True), ('户口簿', '原件', 2, True),
                     ('照片', '电子版', 1, False), ('诊断证明', '原件', 1, True)]
    assert '加盖医院公章' in guide['materials'][3]['note']


def test_other_field_names_and_shapes():
    guide = load({'title': '结婚登记', 'category': '婚姻登记', 'conditions': ['男满22周岁', '女满20周岁'],
                  'keywords': '领证，结婚证、婚姻登记处', 'procedure': '当场办结',
                  'faq': [{'question': '要带户口本吗？', 'answer': '要。'}, '可以异地办吗？可以。'],
                  'agent': True, 'address': '县民政局婚姻登记处'})
    assert guide['conditions'] == '男满22周岁\n女满20周岁'
    assert guide['keywords'] == ['领证', '结婚证', '婚姻登记处']
    assert guide['steps'] == ['当场办结'] and guide['delegable'] is True
    assert guide['location'] == '县民政局婚姻登记处'
    assert guide['faqs'][1] == {'q': '可以异地办吗？', 'a': '可以。'}


def test_a_truly_unknown_shape_is_still_refused():
    try:
        load({'title': '某事项', 'category': '其他', 'visits': '很多次'})
    except colander.Invalid as exc:
        assert 'visits' in exc.asdict()
    else:
        raise AssertionError('a bad value must be refused')


def test_yes_no_words_and_visit_counts_in_chinese():
    guide = load({'title': '老年证', 'category': '养老服务', 'online': '是', 'delegable': '否',
                  'visits': '最多跑一次'})
    assert guide['online'] is True and guide['delegable'] is False and guide['visits'] == 1
    assert load({'title': 'x', 'category': 'y', 'visits': '0次'})['visits'] == 0
