"""Text of attached PDF, DOCX and XLSX files, so search can find what is inside them."""
import io
import logging

log = logging.getLogger(__name__)
MAX_TEXT = 200_000


def _pdf(data):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(data))
    return '\n'.join((page.extract_text() or '') for page in reader.pages)


def _docx(data):
    import docx
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(' '.join(cell.text for cell in row.cells))
    return '\n'.join(parts)


def _xlsx(data):
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.append(' '.join(str(v) for v in row if v is not None))
    return '\n'.join(parts)


EXTRACTORS = {'pdf': _pdf, 'docx': _docx, 'xlsx': _xlsx}


def extract_text(filename, data):
    """Plain text of a PDF/DOCX/XLSX file ('' for other kinds or unreadable files)."""
    ext = filename.rsplit('.', 1)[-1].lower() if '.' in filename else ''
    func = EXTRACTORS.get(ext)
    if func is None:
        return ''
    try:
        return func(data)[:MAX_TEXT]
    except Exception:  # a broken file must not block the upload; search just misses it
        log.warning('could not extract text from %s', filename, exc_info=True)
        return ''
