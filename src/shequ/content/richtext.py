"""Rich text is stored sanitised: no scripts, event handlers or javascript: links."""
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
                               widget=deform.widget.RichTextWidget(delayed_load=False), **kw)
