"""Translation string factory and locale negotiation for shequ."""
from pyramid.i18n import TranslationString, TranslationStringFactory

_ = TranslationStringFactory('shequ')

LOCALES = ('zh_CN', 'en')
DEFAULT_LOCALE = 'zh_CN'


def locale_negotiator(request):
    """Pick the locale from `_LOCALE_` (param or cookie), falling back to Chinese."""
    name = request.params.get('_LOCALE_') or request.cookies.get('_LOCALE_')
    if name in LOCALES:
        return name
    return request.registry.settings.get('pyramid.default_locale_name', DEFAULT_LOCALE)


def remember_locale(event):
    """A `_LOCALE_` parameter sticks: keep it in a cookie for later pages."""
    name = event.request.params.get('_LOCALE_') if event.request.method == 'GET' else None
    if name in LOCALES and event.request.cookies.get('_LOCALE_') != name:
        event.response.set_cookie('_LOCALE_', name, max_age=365 * 86400, samesite='Lax',
                                  httponly=True)


class TemplateTranslate:
    """The templates' translate function (pyramid_chameleon's, by `ChameleonTranslate`),
    remembering what it answered for a message without a mapping, per locale.

    The catalogues are read once at start-up, so a message without a mapping always gets
    the same answer in a locale; a page's template text asks for some 30 of them. A
    message with a mapping, or whose falsy `default` Chameleon uses as a marker compared
    by identity, is always translated afresh.
    """

    MAX_ENTRIES = 5000

    def __init__(self):
        from pyramid_chameleon.localization import translator
        from translationstring import ChameleonTranslate
        self._translate = ChameleonTranslate(translator)
        self._known = {}

    def __call__(self, msgid, domain=None, mapping=None, context=None,
                 target_language=None, default=None):
        from pyramid.threadlocal import get_current_request
        key = None
        if not mapping:
            if type(msgid) is str:
                if default is None or default:
                    key = (msgid, domain, context, default)
            elif isinstance(msgid, TranslationString) and not msgid.mapping:
                if msgid.default is None or msgid.default:
                    key = ('ts', str(msgid), msgid.domain, msgid.context, msgid.default)
        if key is not None:
            request = get_current_request()
            if request is None:
                key = None
            else:
                key = (request.localizer.locale_name, target_language) + key
                known = self._known.get(key)
                if known is not None:
                    return known
        result = self._translate(msgid, domain, mapping, context, target_language, default)
        if key is not None and type(result) is str and len(self._known) < self.MAX_ENTRIES:
            self._known[key] = result
        return result

    def known(self, request, msg):
        """`request.localizer.translate(msg)` of a translation string without a mapping."""
        if msg.default is not None and not msg.default:
            return request.localizer.translate(msg)
        key = (request.localizer.locale_name, 'request', str(msg), msg.domain, msg.context,
               msg.default)
        result = self._known.get(key)
        if result is None:
            result = request.localizer.translate(msg)
            if type(result) is str and len(self._known) < self.MAX_ENTRIES:
                self._known[key] = result
        return result


def translate(request, msg):
    """`request.localizer.translate(msg)`, through the templates' memo when `msg` is a
    translation string without a mapping (titles, section labels, menu entries)."""
    if isinstance(msg, TranslationString) and not msg.mapping:
        from pyramid_chameleon.interfaces import IChameleonTranslate
        memo = request.registry.queryUtility(IChameleonTranslate)
        if isinstance(memo, TemplateTranslate):
            return memo.known(request, msg)
    return request.localizer.translate(msg)


def _register_template_translate(registry):
    from pyramid_chameleon.interfaces import IChameleonTranslate
    if registry.queryUtility(IChameleonTranslate) is not None:
        registry.registerUtility(TemplateTranslate(), IChameleonTranslate)


def includeme(config):
    """Register the translation directories, the negotiator and the templates' translate
    function (after pyramid_chameleon's own, which it replaces)."""
    from pyramid.events import NewResponse
    config.add_translation_dirs('colander:locale', 'deform:locale', 'shequ:locale')
    config.set_locale_negotiator(locale_negotiator)
    config.add_subscriber(remember_locale, NewResponse)
    config.action(None, callable=_register_template_translate, args=(config.registry,),
                  order=1001)


def flash(request, message):
    """Queue a message for the next page, translated now (the session keeps plain text)."""
    request.session.flash(request.localizer.translate(message))
