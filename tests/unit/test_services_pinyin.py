"""Pinyin initials and category order of the catalogue; who may set a standard."""
import colander
import pytest

from shequ.services.catalogue import category_key
from shequ.services.sortkeys import initial, pinyin_key
from shequ.services.schema import ServiceSchema


def test_initial_of_a_chinese_title_is_its_pinyin_letter():
    assert initial('最低生活保障申请') == 'Z'
    assert initial('老年人优待证办理') == 'L'


def test_initial_of_a_latin_title_is_its_first_letter():
    assert initial('ETC 卡办理') == 'E'


def test_initial_of_a_digit_or_empty_title_is_the_other_bucket():
    assert initial('12345 热线') == '#'
    assert initial('') == '#'


def test_titles_sort_by_pinyin_not_by_code_point():
    titles = sorted(['最低生活保障申请', '残疾人证办理', '高龄津贴申领'], key=pinyin_key)
    assert titles == ['残疾人证办理', '高龄津贴申领', '最低生活保障申请']


def test_known_categories_come_before_others_in_the_usual_order():
    names = sorted(['社区服务', '养老服务', '社会救助'], key=category_key)
    assert names == ['社会救助', '养老服务', '社区服务']


def test_service_schema_bound_to_a_village_refuses_a_standard():
    schema = ServiceSchema().bind(tenant_kind='village')
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize({'title': '自定标准', 'category': '社会救助', 'standard': 'true'})
    assert 'standard' in info.value.asdict()
