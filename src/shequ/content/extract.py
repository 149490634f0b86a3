"""Text of attached PDF, DOCX and XLSX files, so search can find what is inside them.

An uploaded file is hostile until proven otherwise: a 573 KB DOCX once unpacked to
gigabytes. Extraction is therefore a bounded step. It runs in a child process of its own
(this file run as a script, importing nothing of the app) with a cap on its address space
and CPU time and a wall-clock timeout after which it is killed; inside it, a DOCX or XLSX
is refused before it is opened when its zip members declare too much data or too high a
compression ratio, a PDF is read up to MAX_PDF_PAGES pages, and the text is cut at
MAX_TEXT characters. A refusal never blocks the upload: the file is stored, and the
attachment records why its text is not in the search index.

Only the standard library is imported at module level, so the child starts quickly and
the module can run as a script (`python -I extract.py KIND …`).
"""
import io
import json
import logging
import os
import signal
import subprocess
import sys
import zipfile
from typing import NamedTuple

log = logging.getLogger(__name__)

MAX_TEXT = 200_000                  # characters of text kept per file
MAX_PDF_PAGES = 500                 # pages of a PDF read
MAX_ROWS = 100_000                  # rows of a workbook read
MAX_MEMBERS = 5_000                 # members of a DOCX/XLSX zip
MAX_UNZIPPED = 100 * 1024 * 1024    # declared uncompressed bytes of all members together
MAX_RATIO = 100                     # uncompressed/compressed of a member …
RATIO_FLOOR = 1024 * 1024           # … bigger than this
TIME_LIMIT = 15                     # seconds of wall time before the child is killed
CPU_LIMIT = 15                      # seconds of CPU time of the child
MEMORY_LIMIT = 1024 * 1024 * 1024   # bytes of address space of the child

# why a file's text was not extracted
TOO_LARGE, TIMEOUT, MEMORY, UNREADABLE = 'too_large', 'timeout', 'memory', 'unreadable'
ZIP_KINDS = ('docx', 'xlsx')


class Extraction(NamedTuple):
    """The text of a file, and why there is none (`refused`, None when all went well)."""
    text: str
    refused: str | None = None


class Refused(Exception):
    """The file is not read; `reason` is one of TOO_LARGE, TIMEOUT, MEMORY, UNREADABLE."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# --- inside the child ------------------------------------------------------------------

def check_zip(data):
    """Refuse a zip whose members declare too much data or compress too well (a bomb).

    Python's zipfile never inflates a member past its declared size (a lie ends in a
    CRC error), so the declared sizes bound what the readers below can unpack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise Refused(UNREADABLE)
    if len(members) > MAX_MEMBERS:
        raise Refused(TOO_LARGE)
    total = 0
    for info in members:
        total += info.file_size
        if total > MAX_UNZIPPED:
            raise Refused(TOO_LARGE)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(TOO_LARGE)


class _Text:
    """Collects pieces of text up to `limit` characters; `full` once it has enough."""

    def __init__(self, limit):
        self.limit, self.size, self.parts = limit, 0, []

    def add(self, piece):
        if piece and not self.full:
            self.parts.append(piece)
            self.size += len(piece) + 1
        return not self.full

    @property
    def full(self):
        return self.size >= self.limit

    def value(self):
        return '\n'.join(self.parts)[:self.limit]


def _pdf(data, out):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or not out.add(page.extract_text() or ''):
            break


def _docx(data, out):
    import docx
    doc = docx.Document(io.BytesIO(data))
    for paragraph in doc.paragraphs:
        if not out.add(paragraph.text):
            return
    for table in doc.tables:
        for row in table.rows:
            if not out.add(' '.join(cell.text for cell in row.cells)):
                return


def _xlsx(data, out):
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            rows += 1
            if rows > MAX_ROWS or not out.add(' '.join(str(v) for v in row if v is not None)):
                return


EXTRACTORS = {'pdf': _pdf, 'docx': _docx, 'xlsx': _xlsx}


def _near_cap(memory):
    """Whether this process came close to its address-space cap (half of it resident).

    libxml2 reports a failed allocation as a syntax error, not a MemoryError, so a
    failure near the cap is counted as running out of memory.
    """
    if not memory:
        return False
    return _peak_resident() >= memory // 2


def _peak_resident():
    """Bytes of this process's peak resident set since it started its program.

    /proc's VmHWM belongs to the address space exec made; getrusage's ru_maxrss survives
    execve, so a child started by a big parent would seem near its cap from the start.
    """
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def extract_here(kind, data, limit=MAX_TEXT, memory=None):
    """Text of `data` read as `kind` in this process (the child); raises Refused.

    `memory` is the address-space cap the process runs under, if any.
    """
    if kind in ZIP_KINDS:
        check_zip(data)
    out = _Text(limit)
    try:
        EXTRACTORS[kind](data, out)
    except MemoryError:
        raise Refused(MEMORY)
    except Refused:
        raise
    except Exception:  # a broken file, or one that needed more memory than it may have
        if _near_cap(memory):
            raise Refused(MEMORY)
        if not out.parts:  # what was read before a later part broke is kept
            raise Refused(UNREADABLE)
    return out.value()


def _limit(memory, cpu):
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def child_main(argv):
    """`extract.py KIND MEMORY CPU LIMIT`: the file on stdin, JSON on stdout."""
    kind, memory, cpu, limit = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    _limit(memory, cpu)
    data = sys.stdin.buffer.read()
    try:
        result = {'text': extract_here(kind, data, limit, memory)}
    except Refused as exc:
        result = {'refused': exc.reason}
    except MemoryError:
        result = {'refused': MEMORY}
    sys.stdout.write(json.dumps(result))
    return 0


# --- in the app ------------------------------------------------------------------------

def file_kind(filename):
    """'pdf', 'docx' or 'xlsx' for a file whose text can be extracted, else ''."""
    ext = filename.rsplit('.', 1)[-1].lower() if '.' in (filename or '') else ''
    return ext if ext in EXTRACTORS else ''


def _outcome(proc):
    """The Extraction a finished child reported (or what its death says)."""
    if proc.returncode == 0:
        try:
            result = json.loads(proc.stdout.decode('utf-8'))
            return Extraction(result.get('text', ''), result.get('refused'))
        except ValueError:
            pass
    stderr = proc.stderr.decode('utf-8', 'replace')
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return Extraction('', TIMEOUT)
    if 'MemoryError' in stderr:
        return Extraction('', MEMORY)
    log.warning('text extraction ended with code %s: %s', proc.returncode, stderr[-2000:])
    return Extraction('', UNREADABLE)


def extract(filename, data, timeout=TIME_LIMIT, memory=MEMORY_LIMIT, cpu=CPU_LIMIT):
    """The text of a PDF/DOCX/XLSX file, extracted in a bounded child process.

    Files of other kinds have no text (and no refusal). Never raises.
    """
    kind = file_kind(filename)
    if not kind:
        return Extraction('')
    command = [sys.executable, '-I', os.path.abspath(__file__), kind, str(memory), str(cpu),
               str(MAX_TEXT)]
    try:
        proc = subprocess.run(command, input=data, capture_output=True, timeout=timeout,
                              close_fds=True)
    except subprocess.TimeoutExpired:
        log.warning('text extraction of %s timed out after %s s', filename, timeout)
        return Extraction('', TIMEOUT)
    except OSError:
        log.error('could not start text extraction of %s', filename, exc_info=True)
        return Extraction('', UNREADABLE)
    result = _outcome(proc)
    if result.refused:
        log.warning('text of %s not extracted: %s', filename, result.refused)
    return result


def extract_text(filename, data):
    """Plain text of a PDF/DOCX/XLSX file ('' for other kinds or unreadable files)."""
    return extract(filename, data).text


if __name__ == '__main__':
    sys.exit(child_main(sys.argv[1:]))
