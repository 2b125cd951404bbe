#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into tests/fuzz/corpus/<target>/.

Seeds must be small for libFuzzer to mutate them well, and real trace files are
megabytes (kallsyms alone), so the trace.dat seeds are built here from the raw page
test vectors: a minimal v6 file (header_page, header_event, the sched_switch format,
one CPU with two real pages), then trace-cmd converts it to v7 zstd and v7 uncompressed
(Debian's trace-cmd has no zlib writer), and `ktr convert` turns it into a .ktr seed. Usage (from the repo root,
after a build): python3 tests/fuzz/make_seeds.py build/dev/app/ktr
"""
import os
import shutil
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = os.path.join(ROOT, "tests", "data", "pages")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def read(name):
    with open(os.path.join(PAGES, name), "rb") as f:
        return f.read()


def v6_file(pages):
    out = bytearray(b"\x17\x08\x44tracing6\0")
    out += struct.pack("<BBI", 0, 8, 4096)  # little endian, long 8, page 4096
    for tag, text in ((b"header_page\0", read("header_page")), (b"header_event\0", read("header_event"))):
        out += tag + struct.pack("<Q", len(text)) + text
    out += struct.pack("<I", 0)  # no ftrace formats
    fmt = read("sched_switch.format")
    out += struct.pack("<I", 1) + b"sched\0" + struct.pack("<I", 1) + struct.pack("<Q", len(fmt)) + fmt
    kallsyms = b"ffffffff81000000 T _stext\n"
    out += struct.pack("<I", len(kallsyms)) + kallsyms
    out += struct.pack("<I", 0)  # printk formats
    cmdlines = b"16700 bash\n21 migration/1\n"
    out += struct.pack("<Q", len(cmdlines)) + cmdlines
    out += struct.pack("<I", 1)  # cpus
    clock = b"[local] global counter\0"
    out += b"options  \0" + struct.pack("<HI", 4, len(clock)) + clock + struct.pack("<H", 0)
    out += b"flyrecord\0"
    table_at = len(out)
    out += bytes(16)
    data_at = (len(out) + 4095) // 4096 * 4096
    out += bytes(data_at - len(out))
    struct.pack_into("<QQ", out, table_at, data_at, len(pages))
    return bytes(out + pages)


def write_seed(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    ktr = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "dev", "app", "ktr")
    page = read("page_cpu1.bin")
    missed = read("page_missed_cpu0.bin")
    tmp = os.path.join(ROOT, "build", "seeds")
    os.makedirs(tmp, exist_ok=True)
    v6 = os.path.join(tmp, "v6.dat")
    with open(v6, "wb") as f:
        f.write(v6_file(page + missed))
    write_seed("tracedat_fuzz", "v6.dat", open(v6, "rb").read())
    for name, args in (("v7-zstd.dat", ["--compression", "zstd"]),
                       ("v7-none.dat", ["--compression", "none"])):
        out = os.path.join(tmp, name)
        subprocess.run(["trace-cmd", "convert", "-i", v6, "-o", out, "--file-version", "7"] + args,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        write_seed("tracedat_fuzz", name, open(out, "rb").read())
    ktr_out = os.path.join(tmp, "seed.ktr")
    subprocess.run([ktr, "convert", v6, ktr_out], check=True, stderr=subprocess.DEVNULL)
    write_seed("ktr_reader_fuzz", "seed.ktr", open(ktr_out, "rb").read())
    # A killed recorder's file: no footer, so the reader rebuilds the index by scanning.
    data = open(ktr_out, "rb").read()
    write_seed("ktr_reader_fuzz", "no-footer.ktr", data[: len(data) - 64])
    # Page decoder: first byte selects the layout (see page_decoder_fuzz.cpp).
    write_seed("page_decoder_fuzz", "le8-sched.bin", b"\0" + page)
    write_seed("page_decoder_fuzz", "le8-missed.bin", b"\0" + missed)


if __name__ == "__main__":
    main()
