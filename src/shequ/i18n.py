"""Translation string factory and locale negotiation for shequ."""
from pyramid.i18n import TranslationStringFactory

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


def includeme(config):
    """Register the translation directories and the negotiator."""
    from pyramid.events import NewResponse
    config.add_translation_dirs('colander:locale', 'deform:locale', 'shequ:locale')
    config.set_locale_negotiator(locale_negotiator)
    config.add_subscriber(remember_locale, NewResponse)


def flash(request, message):
    """Queue a message for the next page, translated now (the session keeps plain text)."""
    request.session.flash(request.localizer.translate(message))
