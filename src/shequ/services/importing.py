"""Reading service entries of a tenant-tree file forgivingly, where the meaning is clear."""
from .schema import MATERIAL_FORMS

# other names a tenant-tree file may use for a guide's fields
FIELD_ALIASES = {
    'faq': 'faqs', 'questions': 'faqs', 'qa': 'faqs',
    'agent': 'delegable', 'proxy': 'delegable', 'can_delegate': 'delegable',
    'delegate': 'delegable', 'daiban': 'delegable',
    'legal_basis': 'basis', 'address': 'location', 'tel': 'phone', 'telephone': 'phone',
    'complaint': 'complaint_phone', 'complaints_phone': 'complaint_phone',
    'time': 'time_limit', 'deadline': 'time_limit', 'description': 'summary',
    'eligibility': 'conditions', 'process': 'steps', 'procedure': 'steps',
    'keyword': 'keywords', 'tags': 'keywords', 'aliases': 'keywords', 'notes': 'note',
}
TEXT_FIELDS = ('summary', 'conditions', 'time_limit', 'fee', 'location', 'hours', 'phone',
               'complaint_phone', 'basis', 'note')
FORM_ALIASES = {'原件和复印件': '原件及复印件', '原件、复印件': '原件及复印件', '复印': '复印件',
                '电子': '电子版', '电子件': '电子版'}


def _material(value):
    """A material as the schema wants it, from a name or a mapping with other key names."""
    if not isinstance(value, dict):
        return {'name': str(value)}
    out = dict(value)
    for key in ('original', 'type', 'kind'):
        if key in out and 'form' not in out:
            original = out.pop(key)
            out['form'] = '原件' if original is True else '复印件' if original is False else original
        out.pop(key, None)
    for key in ('count', 'number', 'num'):
        if key in out and 'copies' not in out:
            out['copies'] = out.pop(key)
        out.pop(key, None)
    if 'optional' in out and 'required' not in out:
        out['required'] = not out.pop('optional')
    form = out.get('form')
    if isinstance(form, str):
        form = FORM_ALIASES.get(form.strip(), form.strip())
        if form not in MATERIAL_FORMS:   # keep what the file said, as a note
            out['note'] = ('%s %s' % (form, out.get('note', ''))).strip()
            form = '原件'
        out['form'] = form
    return out


def _faq(value):
    if isinstance(value, dict):
        return {'q': value.get('q') or value.get('question') or '',
                'a': value.get('a') or value.get('answer') or ''}
    text = str(value)
    for mark in ('？', '?'):
        if mark in text:
            q, _sep, a = text.partition(mark)
            return {'q': q + mark, 'a': a.strip()}
    return {'q': text, 'a': ''}


TRUE_WORDS = {'是', '可', '可以', '能', '支持', 'yes', 'y', 'true', '1'}
FALSE_WORDS = {'否', '不', '不可', '不可以', '不能', '不支持', 'no', 'n', 'false', '0'}
CHINESE_DIGITS = {'零': 0, '〇': 0, '一': 1, '两': 2, '二': 2, '三': 3, '四': 4, '五': 5}


def _flag(value):
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return value


def _visits(value):
    """'1次', '最多跑一次', '0' → an int; anything else is left for the schema to refuse."""
    if isinstance(value, str):
        digits = ''.join(c for c in value if c.isdigit())
        if digits:
            return int(digits)
        for char in value:
            if char in CHINESE_DIGITS:
                return CHINESE_DIGITS[char]
        if '不用' in value or '无需' in value:
            return 0
    return value


def normalise_entry(cstruct):
    """Let the tenant-tree file use simpler shapes and common other names for fields."""
    if not isinstance(cstruct, dict):
        return cstruct
    cstruct = dict(cstruct)
    for alias, name in FIELD_ALIASES.items():
        if alias in cstruct and name not in cstruct:
            cstruct[name] = cstruct.pop(alias)
    for name in TEXT_FIELDS:                      # a list of lines is a text
        if isinstance(cstruct.get(name), list):
            cstruct[name] = '\n'.join(str(v) for v in cstruct[name])
    for name in ('steps', 'keywords'):            # one string is a list of one
        if isinstance(cstruct.get(name), str):
            parts = cstruct[name].replace('，', ',').replace('、', ',').split(',') \
                if name == 'keywords' else [cstruct[name]]
            cstruct[name] = [p.strip() for p in parts if p.strip()]
    for name in ('standard', 'online', 'delegable'):
        if name in cstruct:
            cstruct[name] = _flag(cstruct[name])
    if 'visits' in cstruct:
        cstruct['visits'] = _visits(cstruct['visits'])
    if isinstance(cstruct.get('materials'), list):
        cstruct['materials'] = [_material(m) for m in cstruct['materials']]
    elif isinstance(cstruct.get('materials'), str):
        cstruct['materials'] = [_material(m) for m in cstruct['materials'].splitlines() if m]
    if isinstance(cstruct.get('faqs'), list):
        cstruct['faqs'] = [_faq(f) for f in cstruct['faqs']]
    return cstruct
