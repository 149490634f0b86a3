"""The theme registry (themes/*/theme.yaml) and the colour contrast rules of the settings."""
import os

import colander
import pytest

from conftest import HERE
from shequ.theming.themes import Themes
from shequ.tree.settings import (SettingsSchema, WHITE, contrast, darken_until, split_list,
                                 to_nested, with_flat)


def test_contrast_follows_wcag():
    assert round(contrast('#000000', WHITE), 1) == 21.0
    assert contrast('#ffffff', WHITE) == 1
    assert 4.5 <= contrast('#b71c1c', WHITE) < 7


def test_a_light_colour_is_darkened_until_white_text_reads():
    darker = darken_until('#ffcc00')
    assert contrast(darker, WHITE) >= 4.5 > contrast('#ffcc00', WHITE)
    assert darken_until('#b71c1c') == '#b71c1c'


@pytest.mark.parametrize('settings', [
    {'primary_colour': '#ffcc00'}, {'primary_colour': 'red'}, {'accent_colour': '#222222'},
    {'hosts': ['sunwu.example.cn:8080']}, {'hosts': ['localhost']}, {'contact': {'phone': 'abc'}},
    {'volunteer_publicity_days': 31}, {'require_review': 'perhaps'}, {'banner': 'x' * 501},
])
def test_the_schema_refuses(settings):
    with pytest.raises(colander.Invalid):
        SettingsSchema().deserialize(settings)


def test_the_schema_types_what_it_accepts():
    out = SettingsSchema().deserialize({
        'primary_colour': '#1F4E79', 'accent_colour': '#fc3', 'require_review': '否',
        'hosts': ['Sunwu.Example.CN'], 'volunteer_publicity_days': '0',
        'contact': {'phone': 12345, 'hotline': '0456-8221234 转 8'}})
    assert out == {'primary_colour': '#1f4e79', 'accent_colour': '#ffcc33', 'require_review': False,
                   'hosts': ['sunwu.example.cn'], 'volunteer_publicity_days': 0,
                   'contact': {'phone': '12345', 'hotline': '0456-8221234 转 8'}}


def test_flat_keys_reach_into_contact():
    settings = to_nested({'contact.phone': '1', 'theme': 'qingshan'})
    assert settings == {'contact': {'phone': '1'}, 'theme': 'qingshan'}
    assert with_flat(settings, 'contact.phone', None) == {'theme': 'qingshan'}
    assert split_list('a.cn, b.cn\nc.cn') == ['a.cn', 'b.cn', 'c.cn']


def test_the_shipped_themes_are_found_with_their_labels():
    themes = Themes(os.path.join(HERE, 'themes'))
    assert themes.choices()[0] == ('default', '政务红')
    assert ('qingshan', '青山') in themes.choices()
    qingshan = themes.get('qingshan')
    assert qingshan.css == [('default', 'style.css'), ('default', 'pages.css'),
                            ('qingshan', 'qingshan.css')]
    assert qingshan.print_css == [('default', 'print.css'), ('default', 'print-pages.css')]
    assert contrast(qingshan.primary, WHITE) >= 4.5
    assert themes.get('no-such-theme').name == 'default'


def test_a_broken_theme_is_left_out(tmp_path):
    (tmp_path / 'default').mkdir()
    (tmp_path / 'default' / 'theme.yaml').write_text('title: 默认\n', encoding='utf-8')
    (tmp_path / 'broken').mkdir()
    (tmp_path / 'broken' / 'theme.yaml').write_text('colours: {primary: red}\n', encoding='utf-8')
    (tmp_path / 'Not_A_Name').mkdir()
    (tmp_path / 'Not_A_Name' / 'theme.yaml').write_text('title: x\n', encoding='utf-8')
    assert Themes(str(tmp_path)).names() == ['default']
