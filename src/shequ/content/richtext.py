"""Rich text is stored sanitised: no scripts, event handlers or javascript: links."""
import html
import re

import colander
import deform
import nh3

ALLOWED_TAGS = {
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup',
    'ul', 'ol', 'li', 'blockquote', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
    'caption', 'span', 'div', 'pre', 'code',
}
ALLOWED_ATTRIBUTES = {
    'a': {'href', 'title'},
    'img': {'src', 'alt', 'title', 'width', 'height'},
    'th': {'colspan', 'rowspan'},
    'td': {'colspan', 'rowspan'},
}


def sanitize(html):
    """Clean user HTML with ammonia (nh3): only safe tags, attributes and URL schemes."""
    if not html:
        return ''
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={'http', 'https', 'mailto', 'tel'},
                     link_rel='noopener noreferrer')


def richtext_node(name, title, **kw):
    """A rich-text schema node whose value is sanitised before it is validated or stored."""
    kw.setdefault('missing', '')
    return colander.SchemaNode(colander.String(), name=name, title=title, preparer=sanitize,
                               widget=deform.widget.RichTextWidget(delayed_load=False, options={'statusbar': False}), **kw)


_BLOCK_END = re.compile(r'</(p|div|li|h[1-6]|tr|blockquote|pre|table|ul|ol)\s*>|<br\s*/?>|<hr\s*/?>',
                        re.IGNORECASE)


def html_to_text(markup):
    """Text of sanitised HTML with one line per block; entities decoded."""
    if not markup:
        return ''
    marked = _BLOCK_END.sub(lambda m: m.group(0) + '\n', markup)
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (re.sub(r'[ \t\u3000\xa0]+', ' ', line).strip() for line in text.splitlines())
    return '\n'.join(line for line in lines if line)
