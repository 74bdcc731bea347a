"""How noticegen's dataclasses are made: as the standard library makes them, without
compiling their methods at every start.

``dataclasses.dataclass`` writes each class's ``__init__``, ``__repr__`` and ``__eq__``
(and, for a frozen class, ``__setattr__``, ``__delattr__`` and ``__hash__``) as source
text and compiles it when the module is imported: 0.3 to 0.7 ms a class, which was
about half of what ``noticegen check`` spent importing its own modules (docs/performance.md).
scripts/generate.py writes those methods out once, as Python, in
``noticegen/_generated/classes.py``; this ``dataclass`` takes them from there when they
were made from exactly the fields the class has now, and otherwise leaves the class to
the standard library, so a class changed without generating again is still right, only
slower to import (the test that holds the generated code up to date then fails).
tests/test_classes.py holds every class to what the standard library makes of it.
"""

from __future__ import annotations

import dataclasses
import reprlib
from dataclasses import field  # noqa: F401  (the one ``field``: modules import both from here)

_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
            "__lt__", "__le__", "__gt__", "__ge__")
"""What dataclasses may write into a class; a class that writes one itself is left to it."""


def dataclass(cls=None, /, *, frozen: bool = False, order: bool = False):
    """``dataclasses.dataclass`` with only the options noticegen uses, the methods taken
    from the generated code when it matches the class."""
    def wrap(cls):
        return _made(cls, frozen, order)

    return wrap if cls is None else wrap(cls)


def _made(cls, frozen: bool, order: bool):
    made = _generated_for(cls)
    if made is None or not _simple(cls) or made[0] != spec_of(cls, frozen, order):
        return dataclasses.dataclass(cls, frozen=frozen, order=order)
    # the standard library reads the fields and sets the defaults; it writes no method
    cls = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    fields = dataclasses.fields(cls)
    defaults = {f.name: f.default for f in fields if f.default is not dataclasses.MISSING}
    factories = {f.name: f.default_factory for f in fields if f.default_factory is not dataclasses.MISSING}
    for name, method in made[1](cls, defaults, factories, _FACTORY, object, dataclasses.FrozenInstanceError,
                                reprlib.recursive_repr).items():
        if method is not None:
            method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, name, method)
    params = cls.__dataclass_params__
    params.init = params.repr = params.eq = True
    params.order, params.frozen = order, frozen
    return cls


def _simple(cls) -> bool:
    """A class the generated methods are written for: documented, its own methods not
    among those dataclasses writes, no ``__post_init__``, no dataclass above it."""
    own = cls.__dict__
    return (bool(own.get("__doc__")) and not any(name in own for name in _METHODS)
            and "__post_init__" not in own and "__slots__" not in own
            and not any(hasattr(base, "__dataclass_fields__") for base in cls.__mro__[1:]))


class _Factory:
    """The default of a parameter whose field has a default factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def spec_of(cls, frozen: bool, order: bool) -> str:
    """What the generated methods depend on, read from the class as written (before
    dataclasses turns it into one): its fields in order, with how each is initialised,
    shown and compared, and whether the class is frozen or ordered; '' for a class the
    generated methods are not written for."""
    parts = [cls.__qualname__, f"frozen={int(frozen)} order={int(order)}"]
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if not isinstance(annotation, str) or any(word in annotation for word in ("ClassVar", "InitVar", "KW_ONLY")):
            return ""
        value = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(value, dataclasses.Field):
            if value.kw_only is True or value.hash is not None:
                return ""
            flags = (value.init, value.repr, value.compare)
            default = ("=" if value.default is not dataclasses.MISSING
                       else "()" if value.default_factory is not dataclasses.MISSING else "")
        else:
            flags = (True, True, True)
            default = "" if value is dataclasses.MISSING else "="
        parts.append(name + ":" + "".join(mark if flag else "-" for mark, flag in zip("irc", flags)) + default)
    return "|".join(parts)


def _generated_for(cls):
    """The generated (spec, factory) for ``cls``, or None."""
    try:
        from noticegen._generated import classes
    except ImportError:
        return None
    return classes.CLASSES.get(f"{cls.__module__}.{cls.__qualname__}")


def generated(cls) -> bool:
    """Whether ``cls`` was made with the generated methods (tests/test_classes.py)."""
    init = cls.__dict__.get("__init__")
    return init is not None and init.__code__.co_filename.endswith(("_generated/classes.py",
                                                                   "_generated\\classes.py"))
