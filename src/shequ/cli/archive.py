"""Tenant export and import: one tenant with everything below it, as a portable archive.

`shequ export CONFIG_URI /path OUT` writes a zip:

- `manifest.json`: format name and version, source path, tenant kind and title, counts,
  the time, and the SHA-256 of every other member;
- `objects.json`: every persistent object below the tenant (the tenant itself first) as
  `[id, "module:Class", state]`, the state in JSON with tagged values (`{"!ref": n}` for
  another object, `{"!up": k}` for the k-th ancestor outside the export, `{"!tuple": …}`,
  `{"!dict": [[key, value] …]}`, `{"!datetime": iso}`, `{"!bytes": base64}` …);
- `blobs/<id>`: the data of every blob (attachments, document revisions, emblems).

The state is what the objects themselves store, so nothing is left out: workflow states,
revisions and their files, pending edits, the roster, volunteers and their ledgers, audit
logs, settings, local roles (by login). User accounts live at the root and are not
exported (no password hashes leave the database); a local role of a login that does not
exist in the target database grants nothing until `shequ user add` creates that login.

`shequ import CONFIG_URI ARCHIVE /new/parent [--name slug]` checks the manifest (format
and version), every checksum and that every member is listed, before it builds anything.
It instantiates only classes of shequ, persistent, BTrees and ZODB.blob — never what an
archive names beyond them — and calls no code but their `__setstate__`, so an archive is
data, not a pickle. The tenant is added through `tree.ops.add`, so the search journal
and the host names follow; any problem aborts the one transaction and
nothing is written.
"""
import base64
import datetime
import decimal
import hashlib
import importlib
import json
import math
import zipfile

from persistent import Persistent
from ZODB.blob import Blob

from ..clock import utcnow
from ..content import Content
from ..tree import LEVEL, Tenant, tenant_path

FORMAT = 'shequ-tenant-export'
VERSION = 1
ALLOWED_MODULES = ('shequ.', 'persistent.mapping', 'persistent.list', 'BTrees.')
BLOB_CLASS = 'ZODB.blob:Blob'
CHUNK = 1 << 20


class ArchiveError(Exception):
    """An export or import that cannot be done; the message says why, in Chinese."""


def _class_name(cls):
    return '%s:%s' % (cls.__module__, cls.__qualname__)


def _allowed(name):
    module = name.split(':', 1)[0]
    return any(module == m.rstrip('.') or module.startswith(m) for m in ALLOWED_MODULES)


def _resolve(name):
    """The class an archive names, only from the allowed modules."""
    if name == BLOB_CLASS:
        return Blob
    if not isinstance(name, str) or ':' not in name or not _allowed(name):
        raise ArchiveError('归档中有不允许的类型: %r' % (name,))
    module, qualname = name.split(':', 1)
    if any(not part or part.startswith('_') for part in qualname.split('.')):
        raise ArchiveError('归档中有不允许的类型: %s' % name)
    try:
        obj = importlib.import_module(module)
        for part in qualname.split('.'):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise ArchiveError('归档中的类型在本系统中不存在: %s' % name)
    # a class defined in an allowed module, not something it merely imports
    if not isinstance(obj, type) or not _allowed('%s:' % obj.__module__):
        raise ArchiveError('归档中有不允许的类型: %s' % name)
    return obj


# --- export ---

class Exporter:
    """Walks the objects below a tenant and encodes their states."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.ancestors = {}
        node, up = tenant.__parent__, 1
        while node is not None:
            self.ancestors[id(node)] = up
            node, up = getattr(node, '__parent__', None), up + 1
        self.ids = {}           # id(obj) -> archive id
        self.queue = []
        self.blobs = []         # (archive id, blob)

    def ref(self, obj):
        if id(obj) in self.ancestors:
            return {'!up': self.ancestors[id(obj)]}
        key = id(obj)
        if key not in self.ids:
            self.ids[key] = len(self.ids)
            self.queue.append(obj)
        return {'!ref': self.ids[key]}

    def encode(self, value):
        """A JSON value for `value`, tagged where JSON would lose its type."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {'!float': repr(value)}
        if isinstance(value, (Persistent, Blob)):
            return self.ref(value)
        if type(value) is list:
            return [self.encode(v) for v in value]
        if type(value) is tuple:
            return {'!tuple': [self.encode(v) for v in value]}
        if type(value) is dict:
            return {'!dict': [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if type(value) in (set, frozenset):
            return {'!' + type(value).__name__: [self.encode(v) for v in value]}
        if isinstance(value, bytes):
            return {'!bytes': base64.b64encode(value).decode('ascii')}
        if isinstance(value, datetime.datetime):
            return {'!datetime': value.isoformat()}
        if isinstance(value, datetime.date):
            return {'!date': value.isoformat()}
        if isinstance(value, datetime.time):
            return {'!time': value.isoformat()}
        if isinstance(value, datetime.timedelta):
            return {'!timedelta': [value.days, value.seconds, value.microseconds]}
        if isinstance(value, decimal.Decimal):
            return {'!decimal': str(value)}
        name = _class_name(type(value))
        if _allowed(name) and hasattr(value, '__dict__'):
            return {'!object': name, 'state': self.encode(dict(value.__dict__))}
        raise ArchiveError('无法导出的数据类型: %s' % name)

    def objects(self, tick=lambda: None):
        """Yield [id, class, state] of every object below the tenant, the tenant first."""
        self.ref(self.tenant)
        done = 0
        while done < len(self.queue):
            obj = self.queue[done]
            oid = self.ids[id(obj)]
            done += 1
            tick()
            if isinstance(obj, Blob):
                self.blobs.append((oid, obj))
                yield [oid, BLOB_CLASS, None]
                continue
            name = _class_name(type(obj))
            if not _allowed(name):
                raise ArchiveError('无法导出的数据类型: %s' % name)
            yield [oid, name, self.encode(obj.__getstate__())]


def count(tenant):
    """Tenants and content items below (and including) `tenant`."""
    from ..tree import walk_tenants
    tenants = [tenant] + list(walk_tenants(tenant))
    items = sum(1 for t in tenants for s in t.sections() for v in s.values()
                if isinstance(v, Content))
    return len(tenants), items


def export_tenant(tenant, out, progress=None):
    """Write `tenant` and everything below it to the zip `out`; returns the manifest."""
    exporter = Exporter(tenant)
    tick = progress.update if progress is not None else (lambda *a: None)
    records = list(exporter.objects(lambda: tick(1)))
    files = {}
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        body = json.dumps(records, ensure_ascii=False, separators=(',', ':')).encode('utf-8')
        archive.writestr('objects.json', body)
        files['objects.json'] = hashlib.sha256(body).hexdigest()
        for oid, blob in exporter.blobs:
            name = 'blobs/%d' % oid
            digest = hashlib.sha256()
            with blob.open('r') as src, archive.open(name, 'w') as dst:
                for chunk in iter(lambda: src.read(CHUNK), b''):
                    digest.update(chunk)
                    dst.write(chunk)
            files[name] = digest.hexdigest()
        tenants, items = count(tenant)
        manifest = {'format': FORMAT, 'version': VERSION, 'source': tenant_path(tenant),
                    'name': tenant.__name__, 'kind': tenant.kind, 'title': tenant.title,
                    'exported': utcnow().isoformat(),
                    'counts': {'tenants': tenants, 'items': items, 'objects': len(records),
                               'blobs': len(exporter.blobs)},
                    'files': files}
        archive.writestr('manifest.json', json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


# --- import ---

class Blobs:
    """The blob members of a verified archive, read one at a time (never all in memory)."""

    def __init__(self, path, names):
        self.path = path
        self.names = frozenset(names)

    def copy(self, name, dst):
        """Copy the member `name` into the open file `dst`."""
        if name not in self.names:
            raise ArchiveError('缺少文件 %s' % name)
        with zipfile.ZipFile(self.path) as archive, archive.open(name) as src:
            for chunk in iter(lambda: src.read(CHUNK), b''):
                dst.write(chunk)


def _digest(archive, name):
    digest = hashlib.sha256()
    with archive.open(name) as src:
        for chunk in iter(lambda: src.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


def read_archive(path):
    """(manifest, records, blobs) of a verified archive; ArchiveError if damaged or foreign.

    Every member is checked against the manifest's checksum before anything is built.
    """
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ArchiveError('找不到归档文件: %s' % path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError('归档文件已损坏或不是 zip 文件 (%s)' % exc)
    try:
        try:
            manifest = json.loads(archive.read('manifest.json').decode('utf-8'))
        except KeyError:
            raise ArchiveError('归档中没有 manifest.json：不是 shequ 单位导出文件')
        if not isinstance(manifest, dict) or manifest.get('format') != FORMAT:
            raise ArchiveError('不是 shequ 单位导出文件 (格式: %r)' % (
                manifest.get('format') if isinstance(manifest, dict) else None,))
        if manifest.get('version') != VERSION:
            raise ArchiveError('不支持的导出格式版本 %r (本系统读取版本 %d)'
                               % (manifest.get('version'), VERSION))
        files = manifest.get('files')
        members = set(archive.namelist()) - {'manifest.json'}
        if not isinstance(files, dict) or set(files) != members or 'objects.json' not in files:
            raise ArchiveError('归档内容与清单不符 (文件缺失或多余)')
        for name, expected in files.items():
            if _digest(archive, name) != expected:
                raise ArchiveError('校验和不符: %s 已损坏' % name)
        records = json.loads(archive.read('objects.json').decode('utf-8'))
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            UnicodeDecodeError, KeyError) as exc:     # a truncated or altered member
        raise ArchiveError('归档文件已损坏 (%s: %s)' % (type(exc).__name__, str(exc)[:200]))
    finally:
        archive.close()
    if not isinstance(records, list) or not records:
        raise ArchiveError('归档中没有数据')
    return manifest, records, Blobs(path, (n for n in files if n.startswith('blobs/')))


class Importer:
    """Rebuilds the objects of an archive below `parent` (no event sent: the caller adds)."""

    def __init__(self, parent, records, blobs):
        self.lineage = []
        node = parent
        while node is not None:
            self.lineage.append(node)
            node = getattr(node, '__parent__', None)
        self.records = records
        self.blobs = blobs
        self.objects = {}

    def decode(self, value):
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 2 and '!object' in value:
            cls = _resolve(value['!object'])
            obj = cls.__new__(cls)
            obj.__dict__.update(self.decode(value['state']))
            return obj
        if len(value) != 1:
            raise ArchiveError('无法读取的数据: %s' % str(value)[:80])
        (tag, data), = value.items()
        if tag == '!ref':
            if data not in self.objects:
                raise ArchiveError('引用了不存在的对象 %r' % (data,))
            return self.objects[data]
        if tag == '!up':
            if not isinstance(data, int) or not 1 <= data <= len(self.lineage):
                raise ArchiveError('引用了导出范围以外的对象')
            return self.lineage[data - 1]
        decoders = {
            '!tuple': lambda d: tuple(self.decode(v) for v in d),
            '!dict': lambda d: {self.decode(k): self.decode(v) for k, v in d},
            '!set': lambda d: set(self.decode(v) for v in d),
            '!frozenset': lambda d: frozenset(self.decode(v) for v in d),
            '!float': float,
            '!bytes': base64.b64decode,
            '!datetime': datetime.datetime.fromisoformat,
            '!date': datetime.date.fromisoformat,
            '!time': datetime.time.fromisoformat,
            '!timedelta': lambda d: datetime.timedelta(*d),
            '!decimal': decimal.Decimal,
        }
        if tag not in decoders:
            raise ArchiveError('无法读取的数据标记: %s' % tag)
        return decoders[tag](data)

    def build(self, tick=lambda: None):
        """The exported tenant, rebuilt; ArchiveError if any record is malformed."""
        try:
            for oid, name, _state in self.records:
                cls = _resolve(name)
                if not issubclass(cls, (Persistent, Blob)):     # records are stored objects
                    raise ArchiveError('归档中有不允许的类型: %s' % name)
                if oid in self.objects or not isinstance(oid, int):
                    raise ArchiveError('对象编号重复或无效: %r' % (oid,))
                if cls is Blob:
                    blob = Blob()
                    with blob.open('w') as f:
                        self.blobs.copy('blobs/%d' % oid, f)
                    self.objects[oid] = blob
                else:
                    self.objects[oid] = cls.__new__(cls)
            # deepest first: a BTree's buckets have their state before the tree
            for oid, name, state in reversed(self.records):
                tick()
                if name != BLOB_CLASS:
                    self.objects[oid].__setstate__(self.decode(state))
        except ArchiveError:
            raise
        except (TypeError, ValueError, AttributeError, KeyError, zipfile.BadZipFile,
                OSError) as exc:
            raise ArchiveError('归档数据无效 (%s: %s)' % (type(exc).__name__, str(exc)[:200]))
        tenant = self.objects[self.records[0][0]]
        if not isinstance(tenant, Tenant):
            raise ArchiveError('归档的第一个对象不是单位')
        return tenant


def import_tenant(parent, manifest, records, blobs, name=None, registry=None, progress=None):
    """Add the archived tenant below `parent` (as `name`, default its own); returns it."""
    from ..tree import SLUG_RE
    from ..tree.ops import add
    name = name or manifest.get('name')
    if not isinstance(name, str) or not SLUG_RE.match(name):
        raise ArchiveError('单位名称无效: %r (只能使用小写字母、数字和连字符)' % (name,))
    if name in parent:
        raise ArchiveError('%s 下已有名为 %s 的单位或栏目' % (tenant_path(parent) or '/', name))
    parent_level = LEVEL.get(getattr(parent, 'kind', None), 0)
    if LEVEL.get(manifest.get('kind'), 0) <= parent_level:
        raise ArchiveError('%s 类单位不能放在 %s 之下' % (manifest.get('kind'),
                                                         tenant_path(parent) or '/'))
    tick = progress.update if progress is not None else (lambda *a: None)
    tenant = Importer(parent, records, blobs).build(lambda: tick(1))
    if tenant.kind != manifest.get('kind'):
        raise ArchiveError('清单与数据不符')
    tenant.__parent__ = None
    add(parent, name, tenant, registry)
    return tenant
