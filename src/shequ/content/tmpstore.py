"""Uploads waiting for a form to be sent again, kept in a folder every worker process shares.

deform keeps a file that came with a form that failed validation in a "tmpstore" (a mapping
of uid → upload dict, plus `preview_url`), so the resident need not choose it again. A
store in process memory is not seen by the next request when it lands on another worker,
and holds every pending file in RAM; this one keeps each upload as a file on disk.

Each entry belongs to an owner (the tenant and the user who sent it, see
`attachments.upload_owner`): the store a form gets is `store.for_owner(owner)`, which
neither finds nor overwrites another owner's entries, so a uid learnt from someone else's
page attaches nothing. Uids come from `secrets` (`SecureFileUploadWidget`).
"""
import copy
import hashlib
import json
import os
import tempfile
import time

DEFAULT_MAX_AGE = 3600          # seconds a pending upload is kept
DEFAULT_MAX_TOTAL_MB = 1024     # the whole folder
COPY_CHUNK = 1 << 16
META, DATA = '.json', '.data'
FIELDS = ('uid', 'filename', 'mimetype', 'size')
UID_BYTES = 18                  # a uid is 24 URL-safe characters from `secrets`


class FileUploadTempStore:
    """deform's `FileUploadTempStore` interface over files in `directory`.

    Each entry is two files named by the SHA-256 of its owner and uid (so no uid, whatever
    a browser posts, can name a path, nor another owner's entry): the bytes (at most `max_entry_bytes`, enough for the upload
    validator to see that a bigger file is too big) and a JSON of its name, type and size.
    Entries older than `max_age` seconds are gone; each write first drops them, then the
    oldest entries while the folder would exceed `max_total_bytes`.
    """

    def __init__(self, directory, max_entry_bytes, max_total_bytes=DEFAULT_MAX_TOTAL_MB << 20,
                 max_age=DEFAULT_MAX_AGE):
        self.directory = os.path.abspath(directory)
        self.max_entry_bytes = max_entry_bytes
        self.max_total_bytes = max_total_bytes
        self.max_age = max_age
        self.owner = ''

    def for_owner(self, owner):
        """The same folder seen by `owner` (any string): only its own entries exist there."""
        view = copy.copy(self)
        view.owner = owner
        return view

    # --- the mapping deform uses ---

    def __setitem__(self, key, value):
        base = self._base(key)
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        data_tmp = self._copy(value.get('fp'))
        size = os.path.getsize(data_tmp)
        try:
            self.cleanup(room=size)
            meta = {name: value.get(name) for name in FIELDS}
            meta['uid'] = key
            meta['owner'] = self.owner
            meta_tmp = self._write_json(meta)
            os.replace(data_tmp, base + DATA)
            os.replace(meta_tmp, base + META)  # the entry exists once its JSON does
        except BaseException:
            _remove(data_tmp)
            raise

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def get(self, key, default=None):
        base = self._base(key, strict=False)
        if base is None or self._expired(base):
            return default
        try:
            with open(base + META, encoding='utf-8') as f:
                meta = json.load(f)
            if meta.get('owner', '') != self.owner or meta.get('uid') != key:
                return default
            fp = open(base + DATA, 'rb')
        except (OSError, ValueError):
            return default
        value = {name: meta.get(name) for name in FIELDS}
        value.update(fp=fp, preview_url=self.preview_url(key))
        return value

    def __contains__(self, key):
        base = self._base(key, strict=False)
        return base is not None and os.path.exists(base + META) and not self._expired(base)

    def __delitem__(self, key):
        base = self._base(key)
        if not os.path.exists(base + META):
            raise KeyError(key)
        _remove(base + META)
        _remove(base + DATA)

    def preview_url(self, uid):
        return None

    # --- housekeeping ---

    def cleanup(self, room=0, now=None):
        """Drop expired entries, then the oldest ones until `room` more bytes fit the cap."""
        now = time.time() if now is None else now
        entries = []
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return
        for name in names:
            path = os.path.join(self.directory, name)
            if name.endswith(META):
                base = path[:-len(META)]
                try:
                    mtime = os.path.getmtime(path)
                except OSError:
                    continue  # another process removed it meanwhile
                try:
                    size = os.path.getsize(base + DATA)
                except OSError:
                    size = 0
                if now - mtime > self.max_age:
                    _remove(path)
                    _remove(base + DATA)
                else:
                    entries.append((mtime, size, base))
            elif name.startswith('.tmp-') or name.endswith(DATA):
                try:  # leftovers of a crashed write, or data without its JSON
                    stale = now - os.path.getmtime(path) > self.max_age
                except OSError:
                    continue
                if stale:
                    _remove(path)
        total = sum(size for _mtime, size, _base in entries)
        for _mtime, size, base in sorted(entries):
            if total + room <= self.max_total_bytes:
                break
            _remove(base + META)
            _remove(base + DATA)
            total -= size

    # --- helpers ---

    def _base(self, key, strict=True):
        """The entry's path without suffix: any string is a safe key, being hashed."""
        if not isinstance(key, str):
            if strict:
                raise KeyError(key)
            return None
        name = key if not self.owner else '%s\0%s' % (self.owner, key)
        digest = hashlib.sha256(name.encode('utf-8')).hexdigest()
        return os.path.join(self.directory, digest)

    def _expired(self, base):
        try:
            return time.time() - os.path.getmtime(base + META) > self.max_age
        except OSError:
            return True

    def _copy(self, fp):
        """The upload's first `max_entry_bytes` bytes in a temporary file of the folder."""
        fd, path = tempfile.mkstemp(prefix='.tmp-', dir=self.directory)
        try:
            with os.fdopen(fd, 'wb') as out:
                if fp is not None:
                    if hasattr(fp, 'seek'):
                        fp.seek(0)
                    left = self.max_entry_bytes
                    while left > 0:
                        chunk = fp.read(min(COPY_CHUNK, left))
                        if not chunk:
                            break
                        out.write(chunk)
                        left -= len(chunk)
                    if hasattr(fp, 'seek'):
                        fp.seek(0)
        except BaseException:
            _remove(path)
            raise
        return path

    def _write_json(self, meta):
        fd, path = tempfile.mkstemp(prefix='.tmp-', dir=self.directory)
        with os.fdopen(fd, 'w', encoding='utf-8') as out:
            json.dump(meta, out, ensure_ascii=False)
        return path


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def upload_tmp_dir(settings):
    """`shequ.upload_tmp_dir`, else `uploads` beside the search index folder (`var/uploads`)."""
    if settings.get('shequ.upload_tmp_dir'):
        return settings['shequ.upload_tmp_dir']
    index_dir = settings.get('shequ.index_dir')
    if index_dir:
        return os.path.join(os.path.dirname(os.path.abspath(index_dir.rstrip('/\\'))), 'uploads')
    return os.path.join(os.path.abspath('var'), 'uploads')


def make_tmpstore(settings, max_entry_bytes):
    """The store the settings describe (folder, total cap in MB, age in seconds)."""
    return FileUploadTempStore(
        upload_tmp_dir(settings), max_entry_bytes,
        max_total_bytes=int(float(settings.get('shequ.upload_tmp_max_mb',
                                               DEFAULT_MAX_TOTAL_MB)) * 1024 * 1024),
        max_age=int(settings.get('shequ.upload_tmp_max_age', DEFAULT_MAX_AGE)))
