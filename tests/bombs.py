"""Word files built in tests, among them a DOCX whose text unpacks to hundreds of megabytes."""
import functools
import io
import zipfile

import docx

PARAGRAPH = '<w:p><w:r><w:t>炸弹</w:t></w:r></w:p>'.encode('utf-8')


def make_docx(*paragraphs):
    """A Word document with `paragraphs`."""
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=None)
def docx_bomb(megabytes=400):
    """A real DOCX whose word/document.xml declares `megabytes` MB (a few hundred KB zipped)."""
    plain = io.BytesIO(make_docx('正常的第一段'))
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED,
                                                         compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != 'word/document.xml':
                dst.writestr(info, src.read(info))
                continue
            xml = src.read(info)
            head, tail = xml.split(b'<w:body>')
            block = PARAGRAPH * (1024 * 1024 // len(PARAGRAPH))
            with dst.open('word/document.xml', 'w', force_zip64=True) as f:
                f.write(head + b'<w:body>')
                for _ in range(megabytes):
                    f.write(block)
                f.write(tail)
    return out.getvalue()
