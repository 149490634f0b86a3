"""Chinese first: every UI string extracted from the sources has a zh_CN translation."""
import glob
import os
import subprocess
import sys

from babel.messages.pofile import read_po

from conftest import HERE

SRC = os.path.join(HERE, 'src', 'shequ')


def zh_catalog():
    """All zh_CN msgids with a translation, merged over every subpackage's catalogue."""
    translated = {}
    for path in glob.glob(os.path.join(SRC, '**', 'zh_CN', 'LC_MESSAGES', 'shequ.po'),
                          recursive=True):
        with open(path, 'rb') as f:
            for msg in read_po(f):
                if msg.id and msg.string:
                    translated[msg.id] = msg.string
    return translated


def test_every_ui_string_has_a_chinese_translation(tmp_path):
    pot = tmp_path / 'shequ.pot'
    creator = os.path.join(os.path.dirname(sys.executable), 'pot-create')
    subprocess.run([creator, '-o', str(pot), SRC], check=True, capture_output=True)
    with open(pot, 'rb') as f:
        wanted = {msg.id for msg in read_po(f) if msg.id}
    missing = sorted(wanted - set(zh_catalog()))
    assert not missing, 'untranslated: %s' % missing


def test_compiled_catalogue_is_used(demo_site):
    assert '办事指南' in demo_site.app.get('/sunwu/').text
