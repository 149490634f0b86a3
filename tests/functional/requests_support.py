"""Helpers of the requests tests: the public form filled in as a resident would."""
import re

from shequ.requests.abuse import parse_answer

BASE = '/sunwu/qingxi/xingfu/requests/'


def answer_challenge(text):
    """The sum asked by the form's question (read from the page, as a person would)."""
    a, b = re.search(r'([零一二三四五六七八九十]+)加([零一二三四五六七八九十]+)等于几', text).groups()
    return str(parse_answer(a) + parse_answer(b))


def submission_form(app, base=BASE):
    page = app.get(base + '@@submit')
    form = [f for f in page.forms.values() if 'challenge' in f.fields][0]
    return page, form


def submit(app, base=BASE, upload=None, challenge=None, **fields):
    """Fill the public form; returns the answer (a 302 to the tracking page when stored)."""
    page, form = submission_form(app, base)
    values = {'kind': 'tousu', 'category': '环境卫生', 'description': '楼道里堆满杂物',
              'name': '欧阳建国', 'phone': '13912345678', 'location': '幸福小区3号楼'}
    values.update(fields)
    for key, value in values.items():
        form[key] = value
    form['challenge'] = challenge if challenge is not None else answer_challenge(page.text)
    if upload is not None:
        fields = [(k, v) for k, v in form.submit_fields() if k != 'photo']
        return app.post(form.action, fields, upload_files=[('photo',) + tuple(upload)],
                        expect_errors=True)
    return form.submit(expect_errors=True)


def number_of(res):
    return re.search(r'number=([A-Z0-9-]+)', res.location).group(1)
