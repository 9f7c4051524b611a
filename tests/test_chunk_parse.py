"""The chunk parse is `parse`, and a family's rule asked of a chunk of many grids gives each
grid what it gives that grid alone (a chunk of one), for many grids at once; so do the
objects' kinds, which both read from `kind_codes`."""

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Reference

import priors
from priors.batch import parse_grids, parse_many
from priors.tables import TableRule, Tables
from priors.testing import conventions, grids
from trainers.data.record_text import board_texts

chunks = st.lists(grids(max_side=14), min_size=1, max_size=8)


@settings(max_examples=150)
@given(gs=chunks, c=conventions())
def test_a_chunk_parses_each_grid_exactly_as_parse_does(gs, c):
    for grid, scene in zip(gs, parse_many(gs, c), strict=True):
        alone = c.parse(grid)
        assert scene == alone and scene.background == alone.background
        assert np.array_equal(scene.labels, alone.labels) and scene.labels.dtype == alone.labels.dtype
        assert np.array_equal(scene.cells_by_color, alone.cells_by_color)


def test_grids_of_every_width_and_height_parse_alike_side_by_side_in_one_chunk():
    rng = np.random.default_rng(3)
    gs = [priors.as_grid(rng.integers(0, 3, (h, w))) for h in (1, 2, 30) for w in (1, 2, 29, 30)]
    for c in (priors.Conventions(4, True), priors.Conventions(8, False, None), priors.Conventions(8, True, 0)):
        for grid, scene in zip(gs, parse_many(gs, c)):
            assert np.array_equal(scene.labels, c.parse(grid).labels)


@settings(max_examples=100)
@given(gs=chunks)
def test_board_texts_are_the_digits_encoding_and_the_json_lists_of_each_grid(gs):
    parsed = parse_grids(gs, priors.Conventions())
    prompts, nested = board_texts(parsed.board, parsed.top, parsed.heights, parsed.widths)
    for grid, prompt, cells in zip(gs, prompts, nested, strict=True):
        assert prompt == json.dumps(priors.encode(grid))[1:-1]
        assert cells == json.dumps(grid.tolist(), separators=(",", ":"))


def _families():
    return {f.id: f for name in ("counting", "area", "colors") for f in priors.load(name).families}


def _chunk_families():
    """The built-in families asked by chunk: counting, area and colors, and the table rules of shapes and objects."""
    tabled = {
        f.id: f for name in ("shapes", "objects") for f in priors.load(name).families if isinstance(f.answer, TableRule)
    }
    return {**_families(), **tabled}


def _table_families():
    """Every family of every installed prior written over chunk tables (the plugins' included)."""
    return {
        f.id: f for name in priors.available() for f in priors.load(name).families if isinstance(f.answer, TableRule)
    }


def test_every_family_of_counting_area_and_colors_is_asked_by_chunk():
    from trainers.data.questions import chunk_rule

    assert all(isinstance(f.answer, TableRule) and chunk_rule(f) is f.answer for f in _families().values())


class _Fixed:
    """A generator stand-in whose every uniform is one chosen value: a chunk's choice and
    each grid's own then see the same numbers, so they must pick the same."""

    def __init__(self, u):
        self.u = u

    def random(self, size=None):
        return self.u if size is None else np.full(size, self.u)


@settings(max_examples=120)
@given(gs=chunks, c=conventions(), u=st.floats(0, 0.999))
def test_each_family_asked_of_a_chunk_asks_each_grid_what_it_asks_the_grid_alone(gs, c, u):
    from trainers.data.questions import ask_table as _ask

    tables = Tables.of_parsed(parse_grids(gs, c))
    scenes = [c.parse(g) for g in gs]
    refs = [Reference(g, c.connectivity, c.univalued, c.background) for g in gs]
    assert {"shapes.kind", "shapes.count", "shapes.longest_line", "objects.describe"} < set(_chunk_families())
    for fid, family in _chunk_families().items():
        asked = _ask(tables, family, family.answer, _Fixed(u))
        for g, scene in enumerate(scenes):
            params = family.params.choose(scene, _Fixed(u))
            answer = None if params is None else family.answer(scene, params)
            assert bool(asked.ok[g]) == (answer is not None), (fid, g)
            if answer is None:
                continue
            assert family.answer.decoded({k: int(v[g]) for k, v in asked.params.items()}) == params, fid
            text = family.answer.texts(tables, asked.value[g : g + 1])[0]
            assert text == answer == refs[g].answer(fid, params), fid


@settings(max_examples=100)
@given(gs=chunks, c=conventions())
def test_the_kinds_of_a_chunks_objects_are_the_reference_kinds_of_each_grids_objects(gs, c):
    from ref_shapes import shape_kind

    kinds = Tables.of_parsed(parse_grids(gs, c)).kinds
    expected = [shape_kind(obj) for g in gs for obj in Reference(g, c.connectivity, c.univalued, c.background).objects]
    assert [priors.kinds.KINDS[k] for k in kinds.tolist()] == expected


@settings(max_examples=60)
@given(gs=chunks, c=conventions())
def test_each_rule_over_a_chunk_answers_every_parameter_value_as_over_each_grid_alone(gs, c):
    """Every value of the parameters, not only the ones a choice draws: a rule must index
    its chunk by grid for any value, as `all_questions` asks it."""
    tables = Tables.of_parsed(parse_grids(gs, c))
    scenes = [c.parse(g) for g in gs]
    assert set(_families()) < set(_table_families())
    for fid, family in _table_families().items():
        for params in family.params.domain(scenes[0]):
            ok, code = family.answer.over(
                tables, {k: np.full(len(gs), v) for k, v in family.answer.encoded(params).items()}
            )
            texts = family.answer.texts(tables, code)
            alone = [family.answer(scene, params) for scene in scenes]
            assert [t if k else None for t, k in zip(texts, ok.tolist())] == alone, (fid, params)


@settings(max_examples=80)
@given(gs=chunks, c=conventions(), yes=st.lists(st.booleans(), min_size=1, max_size=20))
def test_answer_texts_made_for_many_codes_at_once_are_the_quoted_answer_texts(gs, c, yes):
    from trainers.data.questions import answer_texts as _answer_texts

    tables = Tables.of_parsed(parse_grids(gs, c))
    families = _families()
    for fid, values in (
        ("counting.same_count", np.array(yes, dtype=np.int64)),
        ("area.sorted", np.flatnonzero(tables.objects > 0)),
        ("area.sorted", np.arange(len(gs))),
        ("area.max", np.arange(len(gs)) * 997),
    ):
        rule = families[fid].answer
        texts = _answer_texts(rule, tables, values)
        alone = [json.dumps(rule.texts(tables, np.array([v]))[0]) for v in values.tolist()]
        assert list(texts) == alone, fid


@settings(max_examples=40)
@given(gs=chunks, c=conventions(), extra=st.integers(1, 9))
def test_a_board_padded_wider_with_nothing_parses_to_the_same_tables(gs, c, extra):
    from priors.batch import OUT, board_of, parse_board

    board, top, heights, widths = board_of(gs)
    wide = np.concatenate([board, np.full((len(board), extra), OUT, dtype=np.uint8)], axis=1)
    narrow, padded = parse_board(board, top, heights, widths, c), parse_board(wide, top, heights, widths, c)
    assert np.array_equal(narrow.first, padded.first) and np.array_equal(narrow.cells_by_color, padded.cells_by_color)
    assert np.array_equal(narrow.labels, padded.labels[:, : board.shape[1]])
