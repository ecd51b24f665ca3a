"""What a customer's upload is, told by its first bytes whatever its name says: only PDF, PNG, JPEG and TIFF files
of at most ``MAX_FILE_BYTES`` are kept (the formats a dispute's evidence comes in)."""

MAX_FILE_BYTES = 10 * 1024 * 1024
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def upload_type(raw):
    """``application/pdf`` or the image type of the file's first bytes; None for any other file."""
    if b"%PDF-" in raw[:1024]:  # a PDF reader takes a header after a little junk
        return "application/pdf"
    return next((mimetype for signature, mimetype in SIGNATURES if raw.startswith(signature)), None)
