"""noticegen's dataclasses are what the standard library makes of them: each made with
the methods scripts/generate.py wrote for it (so importing noticegen compiles none), and
each behaving as the class ``dataclasses.dataclass`` makes from the same fields; a class
changed without generating again is made by the standard library, and is still right."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re

import pytest

import noticegen
from noticegen import classes


def _all_classes() -> list[type]:
    found = {}
    for module in pkgutil.walk_packages(noticegen.__path__, "noticegen."):
        if module.name == "noticegen.__main__" or module.name.startswith("noticegen._generated"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if inspect.isclass(value) and dataclasses.is_dataclass(value) and value.__module__.startswith("noticegen"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


CLASSES = _all_classes()


def test_every_dataclass_is_made_with_its_generated_methods():
    assert len(CLASSES) > 60
    assert [c.__qualname__ for c in CLASSES if not classes.generated(c)] == []


class _Value:
    """A field value that is equal to, and ordered like, another made with the same number."""

    def __init__(self, number: int):
        self.number = number

    def __eq__(self, other):
        return isinstance(other, _Value) and self.number == other.number

    def __lt__(self, other):
        return self.number < other.number

    def __le__(self, other):
        return self.number <= other.number

    def __gt__(self, other):
        return self.number > other.number

    def __ge__(self, other):
        return self.number >= other.number

    def __hash__(self):
        return hash(self.number)

    def __repr__(self):
        return f"V{self.number}"


def _standard(cls: type) -> type:
    """The class the standard library makes from the same fields, flags and name."""
    params = cls.__dataclass_params__
    fields = []
    for f in dataclasses.fields(cls):
        options = {"init": f.init, "repr": f.repr, "compare": f.compare}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        fields.append((f.name, f.type, dataclasses.field(**options)))
    made = dataclasses.make_dataclass(cls.__name__, fields, frozen=params.frozen, order=params.order,
                                      namespace={"__qualname__": cls.__qualname__})
    made.__qualname__ = cls.__qualname__
    return made


def _shown(value) -> str:
    """repr() without the addresses of objects made afresh for each instance."""
    return re.sub(r" (?:at|object at) 0x[0-9a-f]+", "", repr(value))


def _outcome(compute):
    """What ``compute`` gives, or the error it raises (a value of a default's type
    compared with a test value, say)."""
    try:
        return compute()
    except (TypeError, AttributeError) as exc:
        return type(exc).__name__


def _hashed(instance):
    try:
        return hash(instance)
    except TypeError as exc:
        return str(exc)


def _copy(instance, **changes):
    """Another instance made with the same values (a factory's too), but for ``changes``."""
    values = {f.name: getattr(instance, f.name) for f in dataclasses.fields(instance) if f.init}
    return type(instance)(**{**values, **changes})


def _pair(cls: type, standard: type, start: int, give_defaults: bool):
    """An instance of each, made with the same arguments."""
    arguments = {}
    for number, f in enumerate(dataclasses.fields(cls), start=start):
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        if f.init and (give_defaults or not has_default):
            arguments[f.name] = _Value(number)
    return cls(**arguments), standard(**arguments)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_each_class_behaves_as_the_standard_librarys(cls):
    standard = _standard(cls)
    ours_params, their_params = cls.__dataclass_params__, standard.__dataclass_params__
    for flag in ("init", "repr", "eq", "order", "frozen", "unsafe_hash"):
        assert getattr(ours_params, flag) == getattr(their_params, flag), flag
    assert [f.name for f in dataclasses.fields(cls)] == [f.name for f in dataclasses.fields(standard)]
    assert cls.__match_args__ == standard.__match_args__
    ours_signature = inspect.signature(cls.__init__)
    their_signature = inspect.signature(standard.__init__)
    assert [(p.name, p.kind, repr(p.default)) for p in ours_signature.parameters.values()] == \
        [(p.name, p.kind, repr(p.default)) for p in their_signature.parameters.values()]
    assert (cls.__hash__ is None) == (standard.__hash__ is None)
    for give_defaults in (False, True):
        one, their_one = _pair(cls, standard, 1, give_defaults)
        other, their_other = _pair(cls, standard, 100, give_defaults)
        assert _shown(one) == _shown(their_one)
        for f in dataclasses.fields(cls):  # a factory's value (a lock, say) compared by how it shows
            assert _shown(getattr(one, f.name)) == _shown(getattr(their_one, f.name)), f.name
        assert (one == _copy(one)) == (their_one == _copy(their_one))
        assert (one == other) == (their_one == their_other)
        for f in dataclasses.fields(cls):  # one field different at a time
            if f.init:
                changed, their_changed = _copy(one, **{f.name: _Value(999)}), _copy(their_one, **{f.name: _Value(999)})
                assert (one == changed) == (their_one == their_changed), f.name
                if ours_params.order:
                    assert _outcome(lambda: one < changed) == _outcome(lambda: their_one < their_changed), f.name
                    assert _outcome(lambda: changed <= one) == _outcome(lambda: their_changed <= their_one), f.name
        assert one.__eq__(object()) is NotImplemented
        if ours_params.frozen:
            assert _hashed(one) == _hashed(their_one)  # a frozen class with a dict field has none
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(one, dataclasses.fields(cls)[0].name, None)
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(one, dataclasses.fields(cls)[0].name)
        if ours_params.order:
            assert (one < other) == (their_one < their_other)
            assert (other >= one) == (their_other >= their_one)


def test_a_factory_gives_each_instance_its_own_value():
    from noticegen.rules.check import CheckResult

    first, second = CheckResult([], None, None), CheckResult([], None, None)
    first.files.add("datamap/organisation.yaml")
    assert second.files == set() and first.schools is not second.schools


def test_a_class_changed_without_generating_again_is_made_by_the_standard_library():
    """Same module and name as a generated class, one field more: the generated methods
    do not fit it, so dataclasses writes them; the class is right, if slower to import."""
    body = {"__module__": "noticegen.problems", "__qualname__": "Location", "__doc__": "Changed.",
            "__annotations__": {"path": "str", "line": "int", "column": "int", "note": "str"},
            "line": 1, "column": 1, "note": ""}
    changed = classes.dataclass(type("Location", (), body), frozen=True, order=True)
    assert not classes.generated(changed)
    made = changed("a.yaml", 2, 3, "x")
    assert repr(made) == "Location(path='a.yaml', line=2, column=3, note='x')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.path = "b.yaml"
    # the class as shipped is generated, and gives the same answers for its own fields
    from noticegen.problems import Location

    assert classes.generated(Location) and repr(Location("a.yaml", 2, 3)) == "Location(path='a.yaml', line=2, column=3)"


def test_a_class_with_no_docstring_or_its_own_methods_is_left_to_the_standard_library():
    plain = classes.dataclass(type("Plain", (), {"__module__": "noticegen.problems", "__qualname__": "Location",
                                                 "__annotations__": {"path": "str"}}))
    own = classes.dataclass(type("Own", (), {"__module__": "noticegen.problems", "__qualname__": "Location",
                                             "__doc__": "Own.", "__annotations__": {"path": "str"},
                                             "__repr__": lambda self: "mine"}))
    assert not classes.generated(plain) and not classes.generated(own)
    assert repr(own("x")) == "mine" and plain("x") == plain("x")
