"""Notifications by e-mail through pyramid_mailer; off by default, then only logged.

`shequ.mail.enabled = true` sends through the SMTP server of the `mail.*` settings
(pyramid_mailer's `mail.host`, `mail.port`, `mail.username`, `mail.password`,
`mail.tls`, `mail.default_sender`), joined to the transaction: a message is sent only
if the change that caused it commits. Staff are reached at the tenant's contact e-mail.
"""
import logging

from pyramid.settings import asbool

from ..clock import fmt
from ..tree import effective_setting

log = logging.getLogger(__name__)


def enabled(registry):
    return asbool((getattr(registry, 'settings', None) or {}).get('shequ.mail.enabled',
                                                                  False))


def send(registry, recipients, subject, body):
    """Send (or, when mail is off, log) one message; never raises for a bad address."""
    recipients = [r for r in recipients if r and '@' in r]
    if not recipients:
        log.info('no recipient for: %s', subject)
        return False
    if not enabled(registry):
        log.info('mail (disabled) to %s: %s\n%s', ', '.join(recipients), subject, body)
        return False
    from pyramid_mailer import get_mailer
    from pyramid_mailer.message import Message
    get_mailer(registry).send(Message(subject=subject, recipients=recipients, body=body))
    return True


def staff_address(tenant):
    contact = effective_setting(tenant, 'contact') or {}
    return contact.get('email', '')


def new_request(registry, tenant, item):
    send(registry, [staff_address(tenant)], '新诉求 %s' % item.number,
         '%s 收到新的居民诉求 %s（%s），请在 %s 前办结。' % (
             tenant.title, item.number, item.category, fmt(item.deadline)))


def replied(registry, item):
    send(registry, [item.email], '您的诉求 %s 已办结' % item.number,
         '您的诉求 %s 已答复：\n\n%s\n\n请凭编号和手机号查看并评价。' % (item.number, item.reply))


def reopened(registry, tenant, item):
    send(registry, [staff_address(tenant)], '诉求 %s 评价不满意，已重新打开' % item.number,
         '居民对诉求 %s 的办理结果不满意，请审核人员复核。' % item.number)


def overdue(registry, tenant, item):
    return send(registry, [staff_address(tenant)], '诉求 %s 已超期' % item.number,
                '诉求 %s 办理期限为 %s，现已超期，请负责人 %s 和审核人员尽快处理。' % (
                    item.number, fmt(item.deadline), item.owner_name or '（尚未受理）'))


def includeme(config):
    """Make the mailer when mail is enabled (pyramid_mailer reads the `mail.` settings)."""
    if enabled(config.registry):
        config.include('pyramid_mailer')
