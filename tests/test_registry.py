import pytest

from tgnas.errors import UnknownNameError
from tgnas.registry import Registry


def test_register_get_and_glob():
    reg: Registry[int] = Registry("thing")
    reg.add("alpha", 1)

    @reg.register("beta")
    def beta():
        return 2

    assert reg.get("alpha") == 1 and reg.get("beta")() == 2
    assert reg.names() == ["alpha", "beta"] and reg.names("b*") == ["beta"]
    assert "alpha" in reg and len(reg) == 2


def test_duplicate_raises():
    reg: Registry[int] = Registry("thing")
    reg.add("a", 1)
    with pytest.raises(KeyError, match="already registered"):
        reg.add("a", 2)


def test_unknown_name_lists_choices():
    reg: Registry[int] = Registry("proxy")
    reg.add("synflow", 1)
    with pytest.raises(UnknownNameError, match="unknown proxy 'snap'.*synflow"):
        reg.get("snap")
    assert issubclass(UnknownNameError, ValueError)
