"""Service-record certificates (志愿服务记录证明): choose a period, preview, issue (a unique
number), print on A4 with a QR code to the public verification page (masked details)."""
import datetime

from pypinyin import Style, lazy_pinyin
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from ..clock import local
from ..i18n import _
from ..content.qr import qr_png, qr_svg
from ..tree import Section, effective_setting, find_tenant
from . import SECTION
from . import ledger
from .model import Certificate, get_register, insert_numbered, mask_id, mask_name
from .pages import CertificatePage, VolunteerPage
from .common import audit, may_see_private, team_title


def certificate_prefix(tenant):
    """Initials of the tenant's name, e.g. 幸福社区 → XFSQ."""
    letters = ''.join(p[:1] for p in lazy_pinyin(tenant.title or '', style=Style.FIRST_LETTER,
                                                   errors='ignore')).upper()
    letters = ''.join(c for c in letters if 'A' <= c <= 'Z')[:6]
    return letters or (tenant.__name__ or 'SQ')[:2].upper()


def _date(text):
    try:
        return datetime.date.fromisoformat((text or '').strip())
    except ValueError:
        return None


def _period(request, now):
    today = local(now).date()
    first = _date(request.params.get('from')) or today.replace(month=1, day=1)
    last = _date(request.params.get('to')) or today
    error = None
    if request.params.get('from') and _date(request.params.get('from')) is None or \
            request.params.get('to') and _date(request.params.get('to')) is None:
        error = _('Enter dates as YYYY-MM-DD.')
    elif last < first:
        error = _('The end of the period must not be before its start.')
    elif last > today:
        last = today
    return first, last, error


@view_config(context=VolunteerPage, name='certificate', renderer='templates/certificate.pt',
             permission='view')
def certificate_view(context, request):
    """Choose a period and preview (GET), then issue (POST): for the volunteer or staff."""
    if not may_see_private(request, context):
        raise HTTPForbidden()
    volunteer = context.volunteer
    now = ledger.now()
    first, last, error = _period(request, now)
    minutes, rows = ledger.in_period(volunteer, first, last, now)
    if request.method == 'POST' and error is None:
        if minutes <= 0:
            error = _('No counted service hours in this period.')
        else:
            certificate = issue(context, request, first, last, minutes, rows)
            return HTTPFound(request.resource_url(context.section, 'c', certificate.number))
    if error:
        request.response.status = 400
    return {'page': context, 'volunteer': volunteer, 'first': first, 'last': last,
            'rows': rows, 'minutes': minutes, 'hours': ledger.hours,
            'error': error}


def issue(page, request, first, last, minutes, rows):
    """Store a new certificate under a number no other transaction can take."""
    section = page.section
    register = page.register
    tenant = find_tenant(section)
    volunteer = page.volunteer
    year = local(ledger.now()).year
    prefix = certificate_prefix(tenant)
    contact = effective_setting(tenant, 'contact') or {}

    def make(number):
        return Certificate(number, volunteer.number, volunteer.name, volunteer.id_number,
                           (first, last), minutes, rows, request.authenticated_userid,
                           tenant.title, dict(contact))
    certificate = insert_numbered(register.certificates, register.certificate_count,
                                  lambda n: '%s%d-%06d' % (prefix, year, n), make)
    audit(section, request, 'volunteer-certificate',
          request.resource_path(section, 'c', certificate.number),
          '%s %s' % (certificate.number, volunteer.number))
    return certificate


def verify_url(request, section, number):
    return request.resource_url(section, '@@verify', query={'no': number})


@view_config(context=CertificatePage, renderer='templates/certificate_print.pt',
             permission='view')
def certificate_print(context, request):
    """The certificate on A4: for the volunteer it names and for staff."""
    certificate = context.certificate
    section = context.section
    register = get_register(section)
    volunteer = register.get(certificate.volunteer_number)
    login = request.authenticated_userid
    if not request.has_permission('edit', section) and not (
            login and volunteer is not None and volunteer.login == login):
        raise HTTPForbidden()
    url = verify_url(request, section, certificate.number)
    return {'certificate': certificate, 'masked_id': mask_id(certificate.id_number),
            'qr': qr_svg(url), 'verify': url, 'hours': ledger.hours,
            'issued': local(certificate.issued).date(),
            'qr_png': request.resource_url(section, '@@verify-qr.png',
                                           query={'no': certificate.number}),
            'team': team_title(section, getattr(volunteer, 'team', '')),
            'fmt_date': lambda d: '%d年%d月%d日' % (d.year, d.month, d.day)}


@view_config(context=Section, section=SECTION, name='verify-qr.png', permission='view')
def verify_qr_png(context, request):
    """The QR code of a certificate's verification page (for scanners and tests)."""
    number = (request.params.get('no') or '').strip()[:40]
    register = get_register(context)
    if register is None or number not in register.certificates:
        raise HTTPNotFound()
    return Response(body=qr_png(verify_url(request, context, number), scale=6),
                    content_type='image/png', cache_control='public, max-age=86400')


@view_config(context=Section, section=SECTION, name='verify', renderer='templates/verify.pt',
             permission='view')
def verify_view(context, request):
    """Public: does this certificate exist? Masked details only; an unknown number says so."""
    number = (request.params.get('no') or '').strip()[:40]
    register = get_register(context)
    certificate = register.certificates.get(number) if register is not None and number \
        else None
    if certificate is None:
        request.response.status = 404 if number else 200
        return {'number': number, 'certificate': None}
    return {'number': number, 'certificate': certificate,
            'name': mask_name(certificate.name), 'masked_id': mask_id(certificate.id_number),
            'hours': ledger.hours, 'fmt_date': lambda d: d.isoformat()}
