"""Hostile files for the upload tests, built by hand: small on the wire, expensive or dangerous to open."""

import zlib

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose numbered objects (1, 2, …) are `objects`, with an exact cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def catalog() -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R >>"


def decompression_bomb(expanded: int = 1 << 30) -> bytes:
    """One page whose content stream inflates from about 1 MB to `expanded` bytes (1 GiB). Built cheaply:
    after a full flush a deflate block of zeros does not refer back, so the same block is repeated."""
    block = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(expanded >> 20):
        checksum = zlib.adler32(block, checksum)
    packed = b"\x78\xda" + piece * (expanded >> 20) + compressor.flush() + checksum.to_bytes(4, "big")
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return pdf([catalog(), b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, stream])


def million_pages(count: int = 1_000_000) -> bytes:
    """A page tree listing the same page `count` times (about 6 bytes per page on the wire)."""
    kids = b" ".join([b"3 0 R"] * count)
    return pdf([catalog(), b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count), PAGE])


def deep_page_tree(depth: int = 100_000) -> bytes:
    """Page-tree nodes nested `depth` deep, a page at the bottom."""
    objects = [catalog()]
    for level in range(depth):
        number = level + 2
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (number + 1))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] >>" % (depth + 1))
    return pdf(objects)


def cyclic_page_tree() -> bytes:
    """A page-tree node that is its own kid."""
    return pdf([catalog(), b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", PAGE])


def deep_arrays(depth: int = 200_000) -> bytes:
    """An object of arrays nested `depth` deep (a recursive parser overflows its stack)."""
    nested = b"[" * depth + b"]" * depth
    return pdf([catalog(), b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Junk %s >>" % nested, PAGE])


def lying_encrypted_count() -> bytes:
    """An encrypted PDF whose page count, read unencrypted, is not a number."""
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count (many) >>"
    return pdf([catalog(), pages, PAGE, encrypt], trailer_extra=b"/Encrypt 4 0 R /ID [<00> <00>] ")


def windows_executable() -> bytes:
    """The first bytes of a Windows executable (MZ header), padded."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 496


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
