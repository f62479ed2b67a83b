"""Minimal reader for R's XDR serialization format (standard library only).

Enough to read character/integer/logical/double vectors, lists, data frames
and attributes from `.rda` files (gzip, "RDX2"/"RDX3" header) and from R
lazy-load databases (`.rdx` index + `.rdb` blobs, each blob a 4-byte length
followed by zlib data).  Used by build_story_corpus.py to read the Jane Austen
and tidytext book texts from their Debian R packages.
"""
import gzip
import struct
import zlib

NA_INT = -2147483648


class RObj:
    def __init__(self, kind, value, attrs=None):
        self.kind, self.value, self.attrs = kind, value, attrs or {}

    def __repr__(self):
        return f"RObj({self.kind}, {str(self.value)[:60]}, attrs={list(self.attrs)})"


class Reader:
    def __init__(self, data):
        self.d, self.i, self.refs = data, 0, []

    def int(self):
        v = struct.unpack_from(">i", self.d, self.i)[0]
        self.i += 4
        return v

    def header(self):
        fmt = self.d[:2]
        if fmt != b"X\n":
            raise ValueError("only XDR format supported")
        self.i = 2
        version = self.int()
        self.int()
        self.int()
        if version == 3:
            n = self.int()
            self.i += n  # native encoding name
        return self

    def pairlist_to_dict(self, obj):
        out = {}
        while obj is not None and obj.kind == "pairlist":
            tag, val, obj = obj.value
            out[tag] = val
        return out

    def item(self):
        flags = self.int()
        t = flags & 0xFF
        has_attr = bool(flags & (1 << 9))
        has_tag = bool(flags & (1 << 10))
        if t == 254:  # NILVALUE
            return None
        if t in (242, 253, 252, 251, 250):  # empty env, global env, unbound, missing arg, base namespace
            return RObj("special", t)
        if t == 255:  # REFSXP
            idx = flags >> 8
            if idx == 0:
                idx = self.int()
            return self.refs[idx - 1]
        if t == 1:  # SYMSXP
            name = self.item()
            sym = RObj("sym", name)
            self.refs.append(sym)
            return sym
        if t == 9:  # CHARSXP
            n = self.int()
            if n == -1:
                return None
            s = self.d[self.i:self.i + n]
            self.i += n
            return s.decode("utf-8", "replace") if flags & (1 << 15 | 1 << 14 | 1 << 13 | 1 << 12 | 1 << 3 | 0) or True else s
        if t in (2, 6, 17, 5):  # LISTSXP, LANGSXP, DOTSXP, PROMSXP-ish pairlists
            attrs = self.pairlist_to_dict(self.item()) if has_attr else {}
            tag = self.item() if has_tag else None
            tagname = tag.value if isinstance(tag, RObj) and tag.kind == "sym" else None
            car = self.item()
            cdr = self.item()
            return RObj("pairlist", (tagname, car, cdr), attrs)
        if t == 4:  # ENVSXP
            env = RObj("env", None)
            self.refs.append(env)
            self.int()  # locked
            enclos, frame, hashtab, attr = self.item(), self.item(), self.item(), self.item()
            env.value = (frame, hashtab)
            return env
        if t in (10, 13):  # LGLSXP, INTSXP
            n = self.int()
            v = list(struct.unpack_from(f">{n}i", self.d, self.i))
            self.i += 4 * n
            obj = RObj("int", v)
        elif t == 14:  # REALSXP
            n = self.int()
            v = list(struct.unpack_from(f">{n}d", self.d, self.i))
            self.i += 8 * n
            obj = RObj("real", v)
        elif t == 16:  # STRSXP
            n = self.int()
            obj = RObj("str", [self.item() for _ in range(n)])
        elif t in (19, 20):  # VECSXP, EXPRSXP
            n = self.int()
            obj = RObj("list", [self.item() for _ in range(n)])
        elif t == 238:  # ALTREP_SXP
            info = self.item()
            state = self.item()
            attr = self.item()
            cls = info.value[1].value if info is not None else None
            obj = self.altrep(cls, state)
            if attr is not None:
                obj.attrs = self.pairlist_to_dict(attr)
            return obj
        else:
            raise ValueError(f"unsupported SEXP type {t} at {self.i}")
        if has_attr:
            obj.attrs = self.pairlist_to_dict(self.item())
        return obj

    def altrep(self, cls, state):
        if cls == "compact_intseq":
            n, start, step = state.value
            return RObj("int", [int(start + k * step) for k in range(int(n))])
        if cls == "compact_realseq":
            n, start, step = state.value
            return RObj("real", [start + k * step for k in range(int(n))])
        if cls in ("wrap_integer", "wrap_string", "wrap_real", "wrap_logical", "wrap_list"):
            return state.value[1] if state.kind == "pairlist" else state.value[0]
        if cls == "deferred_string":
            return state.value[1] if False else RObj("str", [str(x) for x in state.value[1].value])
        raise ValueError(f"unsupported ALTREP class {cls}")


def read_rda(path):
    """Returns {name: RObj} from a save()d .rda file."""
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if not data.startswith(b"RDX"):
        raise ValueError("not an RDX file")
    data = data[5:]
    r = Reader(data).header()
    return r.pairlist_to_dict(r.item())


def unserialize(data):
    r = Reader(data).header()
    return r.item()


def read_lazyload(rdx_path, rdb_path):
    """Returns {name: RObj} from an R lazy-load database (data/Rdata.rdx/.rdb)."""
    idx = unserialize(zlib.decompress(open(rdx_path, "rb").read()[0:], 15 + 32))
    names = idx.attrs["names"].value
    variables = idx.value[names.index("variables")]
    var_names = variables.attrs["names"].value
    rdb = open(rdb_path, "rb").read()
    out = {}
    for name, pos in zip(var_names, variables.value):
        off, ln = (int(x) for x in pos.value)
        blob = rdb[off:off + ln]
        out[name] = unserialize(zlib.decompress(blob[4:]))
    return out


def data_frame(obj):
    """Data frame RObj -> {column: list}; factors decoded to their labels."""
    cols = obj.attrs["names"].value
    out = {}
    for name, col in zip(cols, obj.value):
        v = col.value
        levels = col.attrs.get("levels")
        if levels is not None:
            v = [levels.value[k - 1] if k != NA_INT else None for k in v]
        out[name] = v
    return out
