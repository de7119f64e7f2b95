import pytest

from persona_probe.errors import PersonaProbeError
from persona_probe.residual import layer_of, parse_layers, resid_post


def test_all_lists_and_ranges():
    assert parse_layers("all", 4) == [0, 1, 2, 3]
    assert parse_layers("0,2", 4) == [0, 2]
    assert parse_layers("1-3", 4) == [1, 2, 3]
    assert parse_layers("3,0-1,1", 30) == [0, 1, 3]
    assert parse_layers("-1", 30) == [29]
    assert parse_layers([5, 2], 30) == [2, 5]


@pytest.mark.parametrize("spec, needle", [
    ("30", "layer 30 is out of range"),
    ("-31", "out of range"),
    ("5-2", "backwards"),
    ("a,b", "cannot read"),
    ("", "selects no layers"),
])
def test_bad_layers_name_the_problem(spec, needle):
    with pytest.raises(PersonaProbeError, match=needle):
        parse_layers(spec, 30)


def test_hook_names_round_trip():
    assert resid_post(7) == "blocks.7.hook_resid_post"
    assert layer_of(resid_post(7)) == 7
    with pytest.raises(PersonaProbeError):
        layer_of("blocks.7.hook_mlp_out")
