"""A photo or a drawn signature sent from the technician's page, stored as a private File of the job.

Accepted by what the bytes are, not by what the caller says: PNG, JPEG, GIF or WebP, recognised from their first
bytes, and stored under a name the server makes (`<job>-<stem>.<extension of the real type>`). A file that claims
to be an image and is not, or a name like `x.shtml`, never reaches the site's files as something a browser would
run.
"""

import base64
import re

import frappe

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# First bytes -> (type, extension).
SIGNATURES = (
	(b"\x89PNG\r\n\x1a\n", "png"),
	(b"\xff\xd8\xff", "jpg"),
	(b"GIF87a", "gif"),
	(b"GIF89a", "gif"),
)


class NotAnImage(ValueError):
	pass


class TooLarge(ValueError):
	pass


def image_extension(content: bytes) -> str | None:
	for magic, ext in SIGNATURES:
		if content.startswith(magic):
			return ext
	if len(content) > 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
		return "webp"
	return None


def decode_image(data_url: str) -> tuple[bytes, str]:
	"""The bytes of a `data:image/...;base64,` URL and the extension of what they really are."""
	header, _sep, encoded = (data_url or "").partition(",")
	if not header.startswith("data:image/") or ";base64" not in header:
		raise NotAnImage
	try:
		content = base64.b64decode(encoded, validate=True)
	except ValueError:
		raise NotAnImage from None
	if not content or len(content) > MAX_UPLOAD_BYTES:
		raise TooLarge
	ext = image_extension(content)
	if not ext:
		raise NotAnImage
	return content, ext


def store_image(job: str, filename: str, data_url: str) -> str:
	"""Save the image as a private File attached to the job; its file_url."""
	content, ext = decode_image(data_url)
	stem = re.sub(r"[^A-Za-z0-9_-]", "", (filename or "").rsplit(".", 1)[0])[:60] or "photo"
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{job}-{stem}.{ext}",
			"content": content,
			"is_private": 1,
			"attached_to_doctype": "Dispatch Job",
			"attached_to_name": job,
		}
	).insert(ignore_permissions=True)
	return file.file_url
