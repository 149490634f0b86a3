"""Telephone numbers as Chinese offices write them, checked wherever staff type them (service
forms here; the settings schema may use `phone_validator` for contact phones too).

Accepted, one or several separated by 、 , ， ; / or spaces:
- a landline with its area code, `0456-8221234`, optionally with an extension `-801`
  (the dash after the area code may be left out: `04568221234`);
- a mobile number, `13912345678`;
- a short government hotline, `12345`, `110`, with or without an area code (`0456-12345`);
- a 400/800 service number, `400-123-4567`.
"""
import re

import colander

from ..i18n import _

_ONE = re.compile(r'''^(?:
      0\d{2,3}-?[2-9]\d{6,7}(?:-\d{1,6})?     # landline, optional extension
    | 1[3-9]\d{9}                            # mobile
    | (?:0\d{2,3}-)?1\d{2,4}                  # hotline: 110, 12345, 0456-12345
    | [48]00-?\d{3}-?\d{4}                    # 400/800 numbers
)$''', re.X)
_SEPARATORS = re.compile(r'[、,，;；/\s]+')
PHONE_HELP = _('For example 0456-8221234, 13912345678 or 12345.')


def phone_numbers(text):
    """The numbers in `text` (full-width digits and dashes folded), or None if one is not a
    telephone number."""
    folded = (text or '').translate({0xFF10 + i: 0x30 + i for i in range(10)})
    folded = folded.replace('－', '-').replace('—', '-').replace('（', '(').replace('）', ')')
    numbers = [n for n in _SEPARATORS.split(folded.strip()) if n]
    if not all(_ONE.match(n) for n in numbers):
        return None
    return numbers


def phone_validator(node, value):
    """colander validator: empty, or telephone numbers as `phone_numbers` reads them."""
    if value and phone_numbers(value) is None:
        raise colander.Invalid(node, _(
            '"${value}" is not a telephone number. Write a landline with its area code '
            '(0456-8221234, extension 0456-8221234-801), a mobile number (13912345678) or '
            'a hotline (12345).', mapping={'value': value[:40]}))
