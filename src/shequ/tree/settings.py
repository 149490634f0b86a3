"""The tenant settings schema: what a tenant may set, validated wherever settings come in.

Settings inherit down the tree (`effective_setting`). The tenant-tree file's `settings`
key is validated here, so a quoted "false" is false and a misspelt key is refused rather
than silently ignored.
"""
import colander

TRUE = ('true', 'yes', 'on', '1', '是')
FALSE = ('false', 'no', 'off', '0', '否', '')


class StrictBoolean(colander.Boolean):
    """true/false (or 是/否); anything else is an error, not a truthy string."""

    def __init__(self):
        super().__init__(false_choices=FALSE, true_choices=TRUE)

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, bool):
            return cstruct
        if cstruct is not colander.null and not isinstance(cstruct, str):
            raise colander.Invalid(node, '必须是 true 或 false')
        return super().deserialize(node, cstruct)


class NumberText(colander.String):
    """Text that a file may also write as a bare number (a phone number: `phone: 12345`)."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, int) and not isinstance(cstruct, bool):
            cstruct = str(cstruct)
        return super().deserialize(node, cstruct)


def _text(name, max_length=200, typ=colander.String):
    return colander.SchemaNode(typ(), name=name, missing=colander.drop,
                               validator=colander.Length(max=max_length))


class ContactSchema(colander.MappingSchema):
    """How residents reach the tenant's office."""

    def __init__(self, *args, **kw):
        kw.setdefault('typ', colander.Mapping(unknown='raise'))
        super().__init__(*args, **kw)

    address = _text('address')
    phone = _text('phone', 60, NumberText)
    hours = _text('hours')
    email = colander.SchemaNode(colander.String(), missing=colander.drop,
                                validator=colander.Email())
    hotline = _text('hotline', 60, NumberText)


class SettingsSchema(colander.MappingSchema):
    """Every tenant setting; each is optional (absent means: inherit)."""

    contact = ContactSchema(missing=colander.drop)
    theme = colander.SchemaNode(colander.String(), missing=colander.drop,
                                validator=colander.Regex(r'^[a-z0-9-]{1,40}$'))
    require_review = colander.SchemaNode(StrictBoolean(), missing=colander.drop)
    sections = colander.SchemaNode(colander.List(), missing=colander.drop)
    volunteer_publicity_days = colander.SchemaNode(colander.Integer(), missing=colander.drop,
                                                   validator=colander.Range(0, 30))

    def __init__(self, *args, **kw):
        kw.setdefault('typ', colander.Mapping(unknown='raise'))
        super().__init__(*args, **kw)
