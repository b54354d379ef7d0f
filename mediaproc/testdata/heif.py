#!/usr/bin/env python3
"""Edits the boxes of a HEIF file that heif-enc wrote (ftyp, meta, mdat), for
generate.sh: libheif 1.15's heif-enc writes neither rotation nor mirroring.

  heif.py transform IN OUT irot=N imir=A ...  adds irot/imir properties to the primary
                                              item, in the order given
  heif.py ispe IN OUT WxH                     rewrites the primary item's ispe (a bomb)
  heif.py primary IN OUT ID                   makes item ID the primary one (pitm)
  heif.py grid OUT COLS WxH TILE.avif ...     puts single-picture AVIFs (of one size,
                                              from heif-enc) together as the tiles of a
                                              grid of COLS columns whose output is WxH
"""
import struct
import sys


def boxes(data):
    i, out = 0, []
    while i < len(data):
        size, typ = struct.unpack(">I4s", data[i:i + 8])
        if size == 0:
            size = len(data) - i
        out.append((typ.decode(), data[i + 8:i + size]))
        i += size
    return out


def box(typ, body):
    return struct.pack(">I4s", 8 + len(body), typ.encode()) + body


def full(version, flags, body):
    return struct.pack(">I", version << 24 | flags) + body


def primary(meta):
    for typ, body in boxes(meta[4:]):
        if typ == "pitm":
            return struct.unpack(">H", body[4:6])[0]
    raise SystemExit("no pitm")


def patch_iloc(body, delta):
    """Moves the absolute offsets of iloc (construction method 0) by delta."""
    b = bytearray(body)
    version = b[0]
    off_size, len_size = b[4] >> 4, b[4] & 15
    base_size, index_size = b[5] >> 4, (b[5] & 15 if version in (1, 2) else 0)
    fmt = {0: None, 4: ">I", 8: ">Q"}
    i = 6
    if version < 2:
        count = struct.unpack(">H", b[i:i + 2])[0]; i += 2
    else:
        count = struct.unpack(">I", b[i:i + 4])[0]; i += 4
    for _ in range(count):
        i += 2 if version < 2 else 4
        method = 0
        if version in (1, 2):
            method = struct.unpack(">H", b[i:i + 2])[0] & 15; i += 2
        i += 2  # data reference index
        base_at = i
        base = struct.unpack(fmt[base_size], b[i:i + base_size])[0] if base_size else 0
        i += base_size
        extents = struct.unpack(">H", b[i:i + 2])[0]; i += 2
        if method == 0 and base_size and base:
            struct.pack_into(fmt[base_size], b, base_at, base + delta)
        for _ in range(extents):
            i += index_size
            if method == 0 and not (base_size and base):
                off = struct.unpack(fmt[off_size], b[i:i + off_size])[0]
                struct.pack_into(fmt[off_size], b, i, off + delta)
            i += off_size + len_size
    return bytes(b)


def edit_meta(meta, ipco_add, ispe=None):
    """Returns meta with the properties ipco_add appended and associated, in order, to
    the primary item (or its ispe replaced by ispe), and its size change."""
    item = primary(meta)
    parts = []
    for typ, body in boxes(meta[4:]):
        if typ == "iprp":
            inner = []
            props = boxes(body)
            ipco = [p for p in props if p[0] == "ipco"][0][1]
            n = len(boxes(ipco))
            if ispe:
                ipco = b"".join(box("ispe", full(0, 0, struct.pack(">II", *ispe))) if t == "ispe" else box(t, bd)
                                for t, bd in boxes(ipco))
            ipco += b"".join(ipco_add)
            for t, bd in props:
                if t == "ipco":
                    inner.append(box("ipco", ipco))
                elif t == "ipma":
                    inner.append(box("ipma", add_assoc(bd, item, range(n + 1, n + 1 + len(ipco_add)))))
                else:
                    inner.append(box(t, bd))
            body = b"".join(inner)
        parts.append((typ, body))
    return parts


def add_assoc(ipma, item, indexes):
    version, flags = ipma[0], struct.unpack(">I", ipma[:4])[0] & 0xffffff
    assert version == 0 and flags & 1 == 0
    count = struct.unpack(">I", ipma[4:8])[0]
    i, out = 8, [ipma[:8]]
    for _ in range(count):
        iid, k = struct.unpack(">HB", ipma[i:i + 3])
        assoc = ipma[i + 3:i + 3 + k]
        i += 3 + k
        if iid == item:
            assoc += bytes(0x80 | x for x in indexes)  # essential, as transformations are
        out.append(struct.pack(">HB", iid, len(assoc)) + assoc)
    return b"".join(out)


def rewrite(src, dst, ipco_add, ispe=None):
    data = open(src, "rb").read()
    top = boxes(data)
    meta = [b for t, b in top if t == "meta"][0]
    parts = edit_meta(meta, ipco_add, ispe)
    new_len = 12 + sum(8 + len(b) for _, b in parts)
    delta = new_len - (8 + len(meta))
    meta_body = meta[:4] + b"".join(box(t, patch_iloc(b, delta) if t == "iloc" else b) for t, b in parts)
    out = b"".join(box("meta", meta_body) if t == "meta" else box(t, b) for t, b in top)
    open(dst, "wb").write(out)


def item_data(data, meta):
    """The coded bytes of item 1 of a file heif-enc wrote (one extent, absolute)."""
    for typ, body in boxes(meta[4:]):
        if typ == "iloc":
            version, sizes = body[0], body[4:6]
            assert version == 0 and sizes == b"\x44\x40"  # offsets, lengths, base: 32 bits
            item, _, base, extents, off, length = struct.unpack(">HHIHII", body[8:26])
            assert item == 1 and extents == 1
            return data[base + off:base + off + length]
    raise SystemExit("no iloc")


def properties(meta):
    for typ, body in boxes(meta[4:]):
        if typ == "iprp":
            return dict(boxes([b for t, b in boxes(body) if t == "ipco"][0]))
    raise SystemExit("no iprp")


def grid(dst, cols, size, tiles):
    coded, props = [], None
    for path in tiles:
        data = open(path, "rb").read()
        meta = [b for t, b in boxes(data) if t == "meta"][0]
        coded.append(item_data(data, meta))
        props = props or properties(meta)
    n, rows, (w, h) = len(tiles), len(tiles) // cols, size
    gid = n + 1
    ftyp = box("ftyp", b"avif" + b"\0\0\0\0" + b"avifmif1miaf")
    hdlr = box("hdlr", full(0, 0, b"\0\0\0\0pict" + b"\0" * 12 + b"\0"))
    pitm = box("pitm", full(0, 0, struct.pack(">H", gid)))
    infe = [box("infe", full(2, 1, struct.pack(">HH", i, 0) + b"av01\0")) for i in range(1, n + 1)]
    infe.append(box("infe", full(2, 0, struct.pack(">HH", gid, 0) + b"grid\0")))
    iinf = box("iinf", full(0, 0, struct.pack(">H", len(infe)) + b"".join(infe)))
    iref = box("iref", full(0, 0, box("dimg", struct.pack(">HH", gid, n) + b"".join(struct.pack(">H", i) for i in range(1, n + 1)))))
    # ipco: 1 av1C, 2 the tiles' ispe, 3 the grid's ispe, 4 colr
    ipco = box("ipco", box("av1C", props["av1C"]) + box("ispe", props["ispe"]) +
               box("ispe", full(0, 0, struct.pack(">II", w, h))) + box("colr", props["colr"]))
    assoc = [struct.pack(">HB", i, 3) + bytes([0x81, 0x02, 0x84]) for i in range(1, n + 1)]
    assoc.append(struct.pack(">HB", gid, 2) + bytes([0x03, 0x84]))
    ipma = box("ipma", full(0, 0, struct.pack(">I", len(assoc)) + b"".join(assoc)))
    iprp = box("iprp", ipco + ipma)
    idat = box("idat", struct.pack(">BBBBHH", 0, 0, rows - 1, cols - 1, w, h))

    def iloc(start):
        entries, at = [], start
        for c in coded:
            entries.append(struct.pack(">HHHHII", len(entries) + 1, 0, 0, 1, at, len(c)))
            at += len(c)
        entries.append(struct.pack(">HHHHII", gid, 1, 0, 1, 0, 8))
        return box("iloc", full(1, 0, bytes([0x44, 0x00]) + struct.pack(">H", len(entries)) + b"".join(entries)))

    def meta(start):
        return box("meta", full(0, 0, hdlr + pitm + iloc(start) + iinf + iref + iprp + idat))

    start = len(ftyp) + len(meta(0)) + 8
    open(dst, "wb").write(ftyp + meta(start) + box("mdat", b"".join(coded)))


def set_primary(src, dst, item):
    data = open(src, "rb").read()
    out = []
    for t, b in boxes(data):
        if t == "meta":
            b = b[:4] + b"".join(box("pitm", full(0, 0, struct.pack(">H", item))) if tt == "pitm" else box(tt, bb)
                                 for tt, bb in boxes(b[4:]))
        out.append(box(t, b))
    open(dst, "wb").write(b"".join(out))


def main():
    if sys.argv[1] == "grid":
        w, h = sys.argv[4].split("x")
        grid(sys.argv[2], int(sys.argv[3]), (int(w), int(h)), sys.argv[5:])
        return
    cmd, src, dst = sys.argv[1:4]
    if cmd == "transform":
        add = []
        for arg in sys.argv[4:]:
            name, value = arg.split("=")
            add.append(box(name, bytes([int(value)])))
        rewrite(src, dst, add)
    elif cmd == "ispe":
        w, h = sys.argv[4].split("x")
        rewrite(src, dst, [], (int(w), int(h)))
    elif cmd == "primary":
        set_primary(src, dst, int(sys.argv[4]))


main()
