"""Activities: the page, sign-up and cancel (no overbooking: `model.Places`), attendance
and hours, and the anonymous sign-up count."""
from decimal import Decimal

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..clock import local
from ..content.views import workflow_box
from ..i18n import _, flash
from . import VolunteerActivity
from . import ledger
from .common import audit, own_volunteer, team_title
from .model import ACTIVE, get_register


def _activity_values(context, request):
    section = context.__parent__
    volunteer = own_volunteer(request, section)
    now = ledger.now()
    return {'item': context, 'section': section, 'volunteer': volunteer,
            'signed_up': volunteer is not None and volunteer.number in context.signups,
            'open': context.deadline is not None and now < context.deadline,
            'free': context.seats.free(), 'team': team_title(section, context.team),
            'staff': request.has_permission('edit', context),
            'can_sign_up': request.has_permission('volunteer', context)}


@view_config(context=VolunteerActivity, renderer='templates/activity.pt', permission='view')
def activity_view(context, request):
    values = _activity_values(context, request)
    values['workflow'] = workflow_box(context, request)
    return values


def _signup_change(context, request):
    section = context.__parent__
    volunteer = own_volunteer(request, section)
    if volunteer is None:
        flash(request, _('Only volunteers registered here can sign up.'))
        return None
    if not context.is_public():
        raise HTTPNotFound()
    if context.deadline is None or ledger.now() >= context.deadline:
        flash(request, _('Sign-up for this activity has closed.'))
        return None
    return volunteer


@view_config(context=VolunteerActivity, name='signup', request_method='POST',
             permission='volunteer')
def signup_view(context, request):
    """Take a place; concurrent sign-ups never overbook (see `model.Places`)."""
    volunteer = _signup_change(context, request)
    if volunteer is not None:
        if volunteer.status != ACTIVE:
            flash(request, _('Your volunteer record is not active.'))
        elif volunteer.number in context.signups:
            flash(request, _('You have signed up already.'))
        elif not context.seats.take():
            flash(request, _('The activity is full.'))
        else:
            context.signups[volunteer.number] = ledger.now()
            flash(request, _('You have signed up.'))
    return HTTPFound(request.resource_url(context))


@view_config(context=VolunteerActivity, name='cancel', request_method='POST',
             permission='volunteer')
def cancel_view(context, request):
    """Give a place back before the deadline."""
    volunteer = _signup_change(context, request)
    if volunteer is not None:
        if volunteer.number not in context.signups:
            flash(request, _('You have not signed up.'))
        else:
            del context.signups[volunteer.number]
            context.seats.give_back()
            flash(request, _('Your sign-up is cancelled.'))
    return HTTPFound(request.resource_url(context))


def _parse_hours(text):
    try:
        value = Decimal((text or '').strip())
    except ArithmeticError:
        return None
    if not value.is_finite() or value <= 0 or value > 24:
        return None
    return int(value * 60)


@view_config(context=VolunteerActivity, name='signups', renderer='templates/signups.pt',
             permission='edit')
def signups_view(context, request):
    """Staff: who signed up; mark attendance and hours (appended to the ledger)."""
    section = context.__parent__
    register = get_register(section, create=request.method == 'POST')
    errors = {}
    if request.method == 'POST':
        days = ledger.publicity_days(section)
        chosen = [n for n in request.POST.getall('present') if n in context.signups
                  and n not in context.attendance]
        recorded = []
        for number in chosen:
            minutes = _parse_hours(request.POST.get('hours-' + number))
            if minutes is None:
                errors[number] = request.localizer.translate(
                    _('Enter hours between 0 and 24.'))
        volunteers = {n: register.get(n) for n in chosen}
        if not errors:
            for number in chosen:
                volunteer = volunteers[number]
                if volunteer is None:
                    continue
                minutes = _parse_hours(request.POST.get('hours-' + number))
                entry = ledger.record_service(
                    register, volunteer, minutes, local(context.starts).date(), days,
                    request.authenticated_userid, request.resource_path(context).rstrip('/'),
                    context.title)
                context.attendance[number] = (minutes, entry['id'], request.authenticated_userid,
                                              entry['recorded'])
                recorded.append(number)
            if recorded:
                audit(section, request, 'volunteer-hours',
                      request.resource_path(context).rstrip('/'),
                      '%s：%s' % (context.title, ', '.join(recorded)))
            flash(request, _('Attendance recorded for ${n} volunteers.',
                             mapping={'n': len(recorded)}))
            return HTTPFound(request.resource_url(context, '@@signups'))
        request.response.status = 400
    rows = []
    for number, when in context.signups.items():
        volunteer = register.get(number) if register is not None else None
        if volunteer is None:
            continue
        rows.append({'volunteer': volunteer, 'signed': when,
                     'attended': context.attendance.get(number)})
    return {'item': context, 'rows': rows, 'errors': errors, 'hours': ledger.hours,
            'default_hours': ledger.hours(context.duration_minutes or 60)}




@view_config(context=VolunteerActivity, name='signups.json', renderer='json',
             permission='view')
def signups_json(context, request):
    """Places and sign-up count only: no volunteer is named in a JSON answer."""
    return {'title': context.title, 'places': context.places, 'free': context.seats.free(),
            'signed_up': len(context.signups)}
