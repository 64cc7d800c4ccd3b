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


def max_document_bytes():
    return getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def check_document(uploaded):
    """Return the extension (.pdf/.png/.jpg) of a PDF, PNG or JPEG upload; ServiceError otherwise."""
    limit = max_document_bytes()
    if uploaded.size == 0:
        raise ServiceError("上传的文件是空的，请重新选择。")
    if uploaded.size > limit:
        raise ServiceError(
            f"文件过大（{uploaded.size / 1024 / 1024:.1f} MB），不能超过 {limit // (1024 * 1024)} MB。"
            "扫描时可选择较低的分辨率（如 150 dpi）。"
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for magic, extension, _ in SIGNATURES:
        if head.startswith(magic):
            return extension
    raise ServiceError("只能上传 PDF、JPG 或 PNG 格式的盖章扫描件（按文件内容判断，改扩展名无效）。")
