"""khaldun: political event coding (CAMEO) from news, over libkhaldun.so.

    import khaldun
    coder = khaldun.Coder()                  # the installed images
    coder.code("Iran's foreign minister met Iraq's prime minister in Baghdad.",
               date="2024-04-21")            # -> [ {JSON Lines record}, ... ]
    for ev in coder.code_file("news.jsonl"): ...
    print(coder.explain("Israel struck Gaza."))

khaldun.store reads an event store into pandas; khaldun.dask codes an archive
on a Dask cluster. Thread safety: see khaldun._coder.
"""
from ._errors import KhaldunError, KhaldunWarning
from ._lib import LibraryNotFound, ffi as _ffi, lib as _clib
from ._coder import Coder

__version__ = _ffi.string(_clib.kh_version()).decode()
__all__ = ["Coder", "KhaldunError", "KhaldunWarning", "LibraryNotFound", "__version__"]
