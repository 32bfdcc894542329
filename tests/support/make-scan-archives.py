#!/usr/bin/python3
"""Build the archives that the scanner tests scan: zip and gzip bombs, deep nesting, many
members, EICAR hidden after a large run of zeros, encrypted zips, and ordinary controls.

Usage: make-scan-archives.py OUTPUT_DIR

Files that already exist in OUTPUT_DIR are kept, so a second run costs nothing. Each file is
written under a temporary name and renamed when complete, so an interrupted run never leaves a
truncated archive behind. Memory use stays at a few MiB: the 1 GiB members are written as one
compressed 1 MiB block repeated, never held in memory.
"""

import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MIB = 1024 * 1024
ZEROS_CHUNK = bytes(MIB)
ZEROS_CHUNKS = 1024  # 1 GiB of zeros per large member
# Members that libclamav must inflate before their size shows are 256 MiB, which is still four
# times the 64 MiB expansion budget of a 1 MB input.
INFLATED_CHUNKS = 256
NESTED_FANOUT = 16  # copies per nesting level: 16 * 16 * 1 GiB = 256 GiB in nested.zip
MANY_FILES = 20000
DEEP_LEVELS = 24
ENCRYPTION_PASSWORD = "chartinsight-test"

METHOD_STORED = 0
METHOD_DEFLATED = 8
DOS_TIME = 0  # 00:00:00
DOS_DATE = (2024 - 1980) << 9 | 1 << 5 | 1  # 2024-01-01


class ZipWriter:
    """A zip writer for members whose compressed bytes the caller provides.

    Python's zipfile compresses every byte it is given, which takes seconds per GiB of zeros.
    This writer takes a ready raw deflate stream instead. Sizes stay below 4 GiB, so no ZIP64
    records are needed.
    """

    def __init__(self, output):
        self.output = output
        self.offset = 0
        self.central = []

    def _write(self, data):
        self.output.write(data)
        self.offset += len(data)

    def add(self, name, chunks, crc, size, method):
        """Add a member. `chunks` yields the compressed bytes, `crc` and `size` describe the
        uncompressed content."""
        encoded = name.encode()
        header_offset = self.offset
        # The compressed size is only known after writing, so the local header is written
        # with the final value by seeking back, as zipfile does on seekable outputs.
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, DOS_TIME, DOS_DATE,
                                crc, 0, size, len(encoded), 0) + encoded)
        compressed_size = 0
        for chunk in chunks:
            self._write(chunk)
            compressed_size += len(chunk)
        end = self.output.tell()
        self.output.seek(header_offset + 18)
        self.output.write(struct.pack("<I", compressed_size))
        self.output.seek(end)
        self.central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, 20, 0, method,
                                        DOS_TIME, DOS_DATE, crc, compressed_size, size,
                                        len(encoded), 0, 0, 0, 0, 0o100644 << 16,
                                        header_offset) + encoded)

    def add_bytes(self, name, data, method=METHOD_DEFLATED):
        if method == METHOD_DEFLATED:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            body = compressor.compress(data) + compressor.flush()
        else:
            body = data
        self.add(name, [body], zlib.crc32(data), len(data), method)

    def close(self):
        start = self.offset
        for record in self.central:
            self._write(record)
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(self.central),
                                len(self.central), self.offset - start, start, 0))


def zeros_block():
    """Return one MiB of zeros as a raw deflate block ending in a full flush. A full flush
    resets the compressor's history, so the same bytes encode every following MiB too."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(ZEROS_CHUNK) + compressor.flush(zlib.Z_FULL_FLUSH)


def zeros_crc(tail=b"", chunks=ZEROS_CHUNKS):
    crc = 0
    for _ in range(chunks):
        crc = zlib.crc32(ZEROS_CHUNK, crc)
    return zlib.crc32(tail, crc)


def zeros_stream(tail=b"", chunks=ZEROS_CHUNKS):
    """Yield a raw deflate stream of `chunks` MiB of zeros followed by `tail`."""
    block = zeros_block()
    for _ in range(chunks):
        yield block
    # A fresh compressor starts a new block at the byte boundary the full flush left, and its
    # final block ends the stream.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    yield compressor.compress(tail) + compressor.flush()


def add_zeros(writer, name, tail=b""):
    writer.add(name, zeros_stream(tail), zeros_crc(tail), ZEROS_CHUNKS * MIB + len(tail),
               METHOD_DEFLATED)


def bomb_bytes():
    buffer = io.BytesIO()
    writer = ZipWriter(buffer)
    add_zeros(writer, "zeros.bin")
    writer.close()
    return buffer.getvalue()


def write_bomb(output):
    output.write(bomb_bytes())


def write_nested(output):
    bomb = bomb_bytes()
    inner = io.BytesIO()
    writer = ZipWriter(inner)
    for i in range(NESTED_FANOUT):
        writer.add_bytes(f"bomb-{i:02}.zip", bomb)
    writer.close()
    inner_bytes = inner.getvalue()
    writer = ZipWriter(output)
    for i in range(NESTED_FANOUT):
        writer.add_bytes(f"level-{i:02}.zip", inner_bytes)
    writer.close()


def write_many(output):
    writer = ZipWriter(output)
    for i in range(MANY_FILES):
        writer.add_bytes(f"empty-{i:05}.txt", b"", METHOD_STORED)
    writer.close()


def write_tail_same_member(output):
    writer = ZipWriter(output)
    add_zeros(writer, "zeros-then-eicar.bin", EICAR)
    writer.close()


def write_tail_second_member(output):
    writer = ZipWriter(output)
    add_zeros(writer, "zeros.bin")
    writer.add_bytes("eicar.com", EICAR)
    writer.close()


def write_understated(output):
    """Write a zip whose headers declare 1000 bytes for a member of 256 MiB of zeros and EICAR, so
    that only the extracted size shows the expansion."""
    writer = ZipWriter(output)
    writer.add("zeros-then-eicar.bin", zeros_stream(EICAR, INFLATED_CHUNKS),
               zeros_crc(EICAR, INFLATED_CHUNKS), 1000, METHOD_DEFLATED)
    writer.close()


def write_gzip_bomb(output):
    """Write a gzip file of 256 MiB of zeros: gzip has no member list, so nothing declares its size
    before libclamav inflates it."""
    output.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03")
    for chunk in zeros_stream(b"", INFLATED_CHUNKS):
        output.write(chunk)
    output.write(struct.pack("<II", zeros_crc(b"", INFLATED_CHUNKS), INFLATED_CHUNKS * MIB))


def write_deep(output):
    """Write a clean text file inside 24 levels of zips, deeper than the default recursion limit."""
    data = b"Blood pressure within range.\n"
    name = "note.txt"
    for level in range(DEEP_LEVELS):
        buffer = io.BytesIO()
        writer = ZipWriter(buffer)
        writer.add_bytes(name, data)
        writer.close()
        data = buffer.getvalue()
        name = f"level-{level:02}.zip"
    output.write(data)


def write_large_tail(output):
    """Write a 29 MiB zip with EICAR at the end of a deflated member, which only shows when the
    member is extracted. Archives past 8 MiB exercise libclamav's page aging on large inputs."""
    generator = random.Random(13)
    writer = ZipWriter(output)
    writer.add_bytes("scan.bin", generator.randbytes(24 * MIB), METHOD_STORED)
    writer.add_bytes("notes.txt", text_lines(100000) + EICAR)
    writer.add_bytes("more.bin", generator.randbytes(4 * MIB), METHOD_STORED)
    writer.close()


def text_lines(count):
    words = ["chart", "patient", "visit", "dose", "result", "normal", "follow-up", "clinic"]
    generator = random.Random(7)
    return "".join(" ".join(generator.choice(words) for _ in range(12)) + "\n"
                   for _ in range(count)).encode()


def write_ordinary(output):
    """Write a zip of about 5 MiB of mixed content: random bytes do not compress, text does."""
    generator = random.Random(11)
    writer = ZipWriter(output)
    writer.add_bytes("scan.bin", generator.randbytes(4 * MIB))
    writer.add_bytes("notes.txt", text_lines(40000))
    writer.add_bytes("summary.txt", b"Blood pressure within range.\n")
    writer.close()


def write_eicar_zip(output):
    writer = ZipWriter(output)
    writer.add_bytes("readme.txt", b"An ordinary archive with the EICAR test file inside.\n")
    writer.add_bytes("eicar.com", EICAR)
    writer.close()


def minimal_pdf():
    """Return a valid one-page PDF with a line of text and a correct cross-reference table."""
    stream = b"BT /F1 12 Tf 72 720 Td (Lab results: all values within range.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return body


def write_pdf(output):
    output.write(minimal_pdf())


def encrypted_writer(content):
    """Return a writer that stores `content` in a ZipCrypto-encrypted zip, made by Info-ZIP's
    zip because Python's zipfile cannot write encrypted archives."""

    def write(output):
        with tempfile.TemporaryDirectory() as work:
            member = os.path.join(work, "content.txt")
            archive = os.path.join(work, "out.zip")
            with open(member, "wb") as file:
                file.write(content)
            subprocess.run(["zip", "-q", "-j", "-P", ENCRYPTION_PASSWORD, archive, member],
                           check=True)
            with open(archive, "rb") as file:
                shutil.copyfileobj(file, output)

    return write


ARCHIVES = {
    "bomb.zip": write_bomb,
    "nested.zip": write_nested,
    "many.zip": write_many,
    "tail-same-member.zip": write_tail_same_member,
    "tail-second-member.zip": write_tail_second_member,
    "encrypted-eicar.zip": encrypted_writer(EICAR),
    "encrypted-clean.zip": encrypted_writer(b"Blood pressure within range.\n"),
    "understated.zip": write_understated,
    "bomb.gz": write_gzip_bomb,
    "deep.zip": write_deep,
    "large-tail.zip": write_large_tail,
    "ordinary.zip": write_ordinary,
    "eicar.zip": write_eicar_zip,
    "clean.pdf": write_pdf,
}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-scan-archives.py OUTPUT_DIR")
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    if shutil.which("zip") is None:
        sys.exit("make-scan-archives.py: the zip program is missing: apt-get install zip")
    for name, writer in ARCHIVES.items():
        path = os.path.join(directory, name)
        if os.path.exists(path):
            continue
        partial = path + ".partial"
        with open(partial, "wb") as output:
            writer(output)
        os.replace(partial, path)


if __name__ == "__main__":
    main()
