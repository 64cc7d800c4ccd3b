"""Checks for uploaded documents (scans, stamped forms): size and type judged by content,
never by the file name the browser sends."""

from django.conf import settings

from .errors import ServiceError

SIGNATURES = (
    (b"%PDF-", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png", "image/png"),
    (b"\xff\xd8\xff", ".jpg", "image/jpeg"),
)
CONTENT_TYPES = {ext: ctype for _, ext, ctype in SIGNATURES}


def human_size(size):
    """1536 → "1.5 KB", 10485760 → "10 MB": sizes as people read them."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} 字节"


def max_document_bytes():
    return getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CONTENT_TYPES.update(OFFICE_TYPES)


def _office_extension(uploaded):
    """.docx or .xlsx when the upload is a real Office Open XML file, else None."""
    import zipfile

    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return ".docx"
    if "xl/workbook.xml" in names and "xl/vbaProject.bin" not in names:
        return ".xlsx"
    return None


def check_attachment(uploaded):
    """Like check_document, and also Word (.docx) and Excel (.xlsx) files: for notices and downloads."""
    limit = max_document_bytes()
    if 0 < uploaded.size <= limit:
        extension = _office_extension(uploaded)
        if extension:
            return extension
    try:
        return check_document(uploaded)
    except ServiceError as exc:
        if "只能上传" in exc.message:
            raise ServiceError(
                "附件只能是 PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG 文件（按文件内容判断，改扩展名无效）。"
            ) from exc
        raise


def check_document(uploaded):
    """Return the extension (.pdf/.png/.jpg) of a PDF, PNG or JPEG upload; ServiceError otherwise."""
    limit = max_document_bytes()
    if uploaded.size == 0:
        raise ServiceError("上传的文件是空的，请重新选择。")
    if uploaded.size > limit:
        raise ServiceError(
            f"文件过大（{human_size(uploaded.size)}），不能超过 {human_size(limit)}。"
            "扫描时可选择较低的分辨率（如 150 dpi）。"
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for magic, extension, _ in SIGNATURES:
        if head.startswith(magic):
            return extension
    raise ServiceError("只能上传 PDF、JPG 或 PNG 格式的盖章扫描件（按文件内容判断，改扩展名无效）。")
