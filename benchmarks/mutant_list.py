"""The mutants `benchmarks/mutants.py` runs: each a plausible one-line bug, and the tests that
must catch it. Kept apart from the runner so that the list reads as a table (docs/testing.md
prints it) and a test can check its form without running anything.

Why these tests and no others: a mutant runs against the tests of the code it touches only,
which keeps the run short and says which test guards which line: the narrow test written
for the rule, and the prior's reference test beside it.
"""

from __future__ import annotations

import attrs

CATEGORIES = ("answers", "choosers", "keep", "samplers", "chunk-parse", "records", "compare", "plugins")

C_TESTS = "plugins/arc-priors-containment/tests"
S_TESTS = "plugins/arc-priors-symmetry/tests"
LAWS = "tests/test_param_laws.py"
SAMPLER_LAWS = "tests/test_sampler_laws.py"
COMPARE = ("tests/test_compare_reference.py",)
CHUNK = tuple(
    f"tests/test_chunk_parse.py::{t}"
    for t in (
        "test_a_chunk_parses_each_grid_exactly_as_parse_does",
        "test_grids_of_every_width_and_height_parse_alike_side_by_side_in_one_chunk",
        "test_a_board_padded_wider_with_nothing_parses_to_the_same_tables",
    )
)
ENGINE_LAW = ("tests/test_engine.py::test_array_records_follow_the_per_record_distributions",)
COLORS = (
    "tests/test_answers.py::test_every_question_a_prior_can_ask_has_the_reference_answer[colors]",
    "tests/test_answers.py::test_sampled_questions_have_the_reference_answer[colors]",
)
HAND = ("tests/test_worked.py::test_hand_worked_traces",)
COUNTING = ("tests/test_answers.py::test_every_question_a_prior_can_ask_has_the_reference_answer[counting]",)
AREA = ("tests/test_answers.py::test_every_question_a_prior_can_ask_has_the_reference_answer[area]",)
TABLES = (
    "tests/test_chunk_parse.py::test_each_family_asked_of_a_chunk_asks_each_grid_what_it_asks_the_grid_alone",
    "tests/test_chunk_parse.py::test_each_rule_over_a_chunk_answers_every_parameter_value_as_over_each_grid_alone",
)
KINDS = (
    "tests/test_shapes.py::test_a_kind_depends_on_the_cells_alone_and_matches_the_reference",
    "tests/test_shapes.py::test_squares_and_rectangles_together_are_the_filled_boxes_at_least_two_wide_and_tall",
)


@attrs.frozen
class Mutant:
    id: str
    category: str = attrs.field(validator=attrs.validators.in_(CATEGORIES))
    file: str
    old: str
    """Exact text that occurs once in `file`."""
    new: str
    tests: tuple[str, ...] = attrs.field(converter=tuple)
    description: str


M = Mutant
MUTANTS = (
    # --- answer rules --------------------------------------------------------------------------
    M(
        "colors-least-is-most",
        "answers",
        "src/priors/builtin/colors.py",
        "return _extreme_color(t, -1)",
        "return _extreme_color(t, +1)",
        COLORS,
        "colors.least answers with the most used colour (sign not flipped)",
    ),
    M(
        "colors-background-counted",
        "answers",
        "src/priors/tables.py",
        "return (self.color_counts > 0) & self.not_background",
        "return self.color_counts > 0",
        COLORS,
        "the foreground tally keeps the background colour (distinct, most, least count it)",
    ),
    M(
        "counting-same-count-one-absent",
        "answers",
        "src/priors/builtin/counting.py",
        "return (a > 0) & (b > 0), a == b",
        "return (a > 0) | (b > 0), a == b",
        (
            "tests/test_counting_more.py::test_same_count_says_yes_exactly_when_counting_color_gives_both_the_same_number",
            *COUNTING,
        ),
        "counting.same_count is asked when only one of its two colours has objects",
    ),
    M(
        "area-same-size-counts-itself",
        "answers",
        "src/priors/tables.py",
        "return (counts[where] - 1).reshape(-1)",
        "return counts[where].reshape(-1)",
        (
            "tests/test_counting_more.py::test_same_size_counts_the_other_entries_of_sorted_areas_equal_to_that_objects_area",
            *HAND,
            *AREA,
        ),
        "area.same_size counts the named object among the 'other' objects of its area",
    ),
    M(
        "area-smallest-colour-is-largest",
        "answers",
        "src/priors/builtin/area.py",
        "return _color_of_unique(t, -1)",
        "return _color_of_unique(t, 1)",
        (*HAND, *AREA),
        "area.min_color names the colour of the biggest object",
    ),
    M(
        "kinds-square-when-wider",
        "answers",
        "src/priors/tables.py",
        "filled & (h == w), filled,",
        "filled & (h <= w), filled,",
        KINDS,
        "a filled box wider than tall is called a square",
    ),
    M(
        "kinds-anti-diagonal-not-a-line",
        "answers",
        "src/priors/tables.py",
        "((on(dr == dc) == area) | (on(dr + dc == w[owner] - 1) == area))",
        "(on(dr == dc) == area)",
        KINDS,
        "an anti-diagonal line is classified 'other'",
    ),
    M(
        "kinds-colour-of-two-objects-named",
        "answers",
        "src/priors/tables.py",
        "named = (self.per_color == 1) &",
        "named = (self.per_color >= 1) &",
        ("tests/test_shapes.py::test_a_colour_with_two_objects_or_a_multicolour_object_names_no_object",),
        "'the object of colour c' names one of two objects that hold c",
    ),
    M(
        "zones-one-zone-asked",
        "answers",
        "src/priors/builtin/zones.py",
        "_zones(key, shape, c).count >= 2",
        "_zones(key, shape, c).count >= 1",
        ("tests/test_zones.py",),
        "a colour whose lines make a single zone is asked about",
    ),
    M(
        "zones-position-by-rows",
        "answers",
        "src/priors/builtin/zones.py",
        "divmod(best, zones.cols)",
        "divmod(best, zones.rows)",
        ("tests/test_zones.py",),
        "zones.most splits the zone index by the number of rows, not columns",
    ),
    M(
        "objects-five-not-described",
        "answers",
        "src/priors/builtin/objects.py",
        "(t.objects <= MAX_DESCRIBED)",
        "(t.objects < MAX_DESCRIBED)",
        (
            "tests/test_objects.py::test_a_grid_without_objects_or_with_too_many_is_not_described",
            "tests/test_objects.py::test_the_sampler_draws_describable_scenes_of_every_kind",
        ),
        "a scene of exactly MAX_DESCRIBED objects is never described",
    ),
    # --- parameter choosers --------------------------------------------------------------------
    M(
        "colour-last-never-drawn",
        "choosers",
        "src/priors/tables.py",
        "kth(pool, (u * size).astype(np.int64))",
        "kth(pool, (u * (size - 1)).astype(np.int64))",
        (LAWS,),
        "a uniform choice never draws the last entry of its pool",
    ),
    M(
        "colour-absent-rate-inverted",
        "choosers",
        "src/priors/questions.py",
        "((u < self.absent_rate) | (t.foreground_colors == 0))",
        "((u >= self.absent_rate) | (t.foreground_colors == 0))",
        (LAWS,),
        "absent colours are drawn at 1 - absent_rate",
    ),
    M(
        "colour-no-absent-fallback",
        "choosers",
        "src/priors/questions.py",
        "((u < self.absent_rate) | (t.foreground_colors == 0))",
        "(u < self.absent_rate)",
        (LAWS,),
        "with no colour present, ColorParam often chooses nothing instead of an absent colour",
    ),
    M(
        "sole-colour-multicolour-named",
        "choosers",
        "src/priors/tables.py",
        "named = (self.per_color == 1) & self.pure[index] if len(self.areas) else self.per_color == 1",
        "named = self.per_color == 1",
        (LAWS,),
        "SoleColorParam draws a colour whose only object holds other colours too",
    ),
    M(
        "pair-with-itself",
        "choosers",
        "src/priors/builtin/counting.py",
        "for b in range(a + 1, COLORS)",
        "for b in range(a, COLORS)",
        (LAWS,),
        "ColorPairParam may pair a colour with itself (a trivially equal pair)",
    ),
    M(
        "kind-first-object-only",
        "choosers",
        "src/priors/builtin/shapes.py",
        "counted[np.minimum(t.first[:-1] + column, len(counted) - 1)]",
        "counted[np.minimum(t.first[:-1], len(counted) - 1)]",
        (LAWS,),
        "KindParam draws the kind of the scene's first counted object only, not of a random one",
    ),
    M(
        "zone-target-background",
        "choosers",
        "src/priors/builtin/zones.py",
        "if held[t] and t != scene.background]",
        "if held[t]]",
        (LAWS,),
        "TargetParam draws the background as a target (never asked, so other targets are under-drawn)",
    ),
    # --- keep thinning -------------------------------------------------------------------------
    M(
        "keep-inverted",
        "keep",
        "src/priors/prior.py",
        "rng.random() >= family.keep.get(",
        "rng.random() < family.keep.get(",
        (LAWS,),
        "keep is applied as the chance of dropping, not of asking",
    ),
    M(
        "keep-drops-unlisted",
        "keep",
        "src/priors/prior.py",
        "family.keep.get(question.answer, 1.0)",
        "family.keep.get(question.answer, 0.0)",
        (LAWS,),
        "answers that keep does not list are never asked",
    ),
    M(
        "keep-keyed-by-question",
        "keep",
        "src/priors/prior.py",
        "family.keep.get(question.answer,",
        "family.keep.get(question.question,",
        (LAWS,),
        "keep looks up the question text, so no answer is ever thinned",
    ),
    M(
        "array-keep-inverted",
        "keep",
        "src/priors/tables.py",
        "rate[code == rule.code(answer)] = p",
        "rate[code == rule.code(answer)] = 1 - p",
        ENGINE_LAW,
        "the chunk tables keep a listed answer at 1 - rate",
    ),
    M(
        "array-keep-yes-no-swapped",
        "keep",
        "src/priors/tables.py",
        '{"yes": 1, "no": 0}.get(answer)',
        '{"yes": 0, "no": 1}.get(answer)',
        ENGINE_LAW,
        "the chunk tables thin 'yes' where keep names 'no'",
    ),
    # --- samplers and noise --------------------------------------------------------------------
    M(
        "noise-never-0",
        "samplers",
        "src/priors/settings.py",
        "rng.integers(0, 10, int(hit.sum())",
        "rng.integers(1, 10, int(hit.sum())",
        (f"{SAMPLER_LAWS}::test_noisy_recolours_each_cell_at_its_rate_to_any_of_the_ten_colours",),
        "Noisy never paints colour 0",
    ),
    M(
        "chunk-noise-never-0",
        "samplers",
        "src/generators/fast.py",
        "rng.integers(0, COLORS, int(hit.sum())",
        "rng.integers(1, COLORS, int(hit.sum())",
        (
            f"{SAMPLER_LAWS}::test_the_chunk_samplers_noise_follows_noisys_law_and_leaves_cells_outside_the_grid",
            f"{SAMPLER_LAWS}::test_the_chunk_draw_of_a_noisy_prior_recolours_by_the_same_law",
        ),
        "the chunk samplers' noise never paints colour 0",
    ),
    M(
        "last-column-never-tried",
        "samplers",
        "src/generators/placement.py",
        "top, left = int(u * rows), int(v * cols)",
        "top, left = int(u * rows), int(v * (cols - 1))",
        (
            "tests/test_placement.py",
            f"{SAMPLER_LAWS}::test_shapes_touch_each_edge_at_the_rate_plain_uniform_placement_implies",
        ),
        "placement's random tries never pick the last column",
    ),
    M(
        "chunk-last-column-never-tried",
        "samplers",
        "src/generators/placement.py",
        "(u[:, 1] * spots_w).astype(np.int64)",
        "(u[:, 1] * (spots_w - 1)).astype(np.int64)",
        (
            f"{SAMPLER_LAWS}::test_free_spots_with_random_tries_are_uniform_over_the_free_spots",
            "tests/test_fast_place.py",
        ),
        "the chunk placement's random tries never pick the last column",
    ),
    M(
        "halo-wrong-connectivity",
        "samplers",
        "src/generators/placement.py",
        "if connectivity == 8:",
        "if connectivity == 4:",
        ("tests/test_placement.py",),
        "halos grow under the other connectivity, so 8-apart shapes touch at corners",
    ),
    M(
        "largest-side-never-drawn",
        "samplers",
        "src/generators/policies.py",
        "np.arange(self.min_side, self.max_side + 1)",
        "np.arange(self.min_side, self.max_side)",
        (f"{SAMPLER_LAWS}::test_each_level_of_a_scene_prior_draws_every_side_and_object_count_in_its_bounds",),
        "SizeCurriculum never draws max_side",
    ),
    M(
        "max-objects-never-wanted",
        "samplers",
        "src/generators/fast.py",
        "(high - low + 1)",
        "(high - low)",
        (f"{SAMPLER_LAWS}::test_each_level_of_a_scene_prior_draws_every_side_and_object_count_in_its_bounds",),
        "SceneSampler never asks for max_objects shapes",
    ),
    M(
        "separate-under-4",
        "samplers",
        "src/generators/fast.py",
        "[x.connectivity if x.separate else 0 for x in samplers]",
        "[4 if x.separate else 0 for x in samplers]",
        ("tests/test_invariants.py::test_when_the_sampler_promises_separation_its_intent_is_the_parsed_scene",),
        "shapes promised apart under 8-connectivity are kept apart under 4 only",
    ),
    M(
        "noise-dropped",
        "samplers",
        "src/priors/settings.py",
        "return Noisy(sampler, settings.noise) if settings.noise else sampler",
        "return sampler",
        ("tests/test_prior_levels.py::test_configured_noise_recolours_about_that_share_of_the_cells_and_nothing_else",),
        "settings with noise draw grids without it",
    ),
    # --- the chunk parse -----------------------------------------------------------------------
    M(
        "chunk-grids-touch",
        "chunk-parse",
        "src/priors/batch.py",
        "np.cumsum(heights + 1)[:-1]",
        "np.cumsum(heights)[:-1]",
        CHUNK,
        "grids are stacked without a row of nothing between them, so objects join across grids",
    ),
    M(
        "chunk-new-object-ge",
        "chunk-parse",
        "src/priors/batch.py",
        "new = found > np.maximum.accumulate(np.concatenate([[0], found[:-1]]))\n    per_grid",
        "new = found >= np.maximum.accumulate(np.concatenate([[0], found[:-1]]))\n    per_grid",
        CHUNK,
        "every cell repeating the running maximum label starts a new object",
    ),
    M(
        "chunk-ignores-connectivity",
        "chunk-parse",
        "src/priors/batch.py",
        "label(foreground, STRUCTURE[conventions.connectivity])",
        "label(foreground, STRUCTURE[8])",
        CHUNK,
        "the chunk parse labels with 8-connectivity whatever the conventions say",
    ),
    M(
        "chunk-one-mixed-grid-unsplit",
        "chunk-parse",
        "src/priors/batch.py",
        "if len(mixed):",
        "if len(mixed) > 1:",
        CHUNK,
        "a chunk with a single multicolour-object grid is not split by colour under univalued",
    ),
    M(
        "chunk-background-ties-high",
        "chunk-parse",
        "src/priors/batch.py",
        "return color_counts.argmax(axis=1)",
        "return OUT - 1 - color_counts[:, ::-1].argmax(axis=1)",
        CHUNK,
        "a tie for the most common colour goes to the highest colour, not the lowest as parse does",
    ),
    M(
        "table-kth-off-by-one",
        "chunk-parse",
        "src/priors/tables.py",
        "np.cumsum(mask, axis=1) > k[:, None]",
        "np.cumsum(mask, axis=1) >= k[:, None]",
        (LAWS, *ENGINE_LAW),
        "the k-th choice of a pool never reaches its last entry",
    ),
    M(
        "table-per-colour-grids-overlap",
        "chunk-parse",
        "src/priors/tables.py",
        "keys = (self.owner[:, None] * COLORS + np.arange(COLORS))",
        "keys = (self.owner[:, None] * (COLORS - 1) + np.arange(COLORS))",
        TABLES,
        "objects per colour of a chunk's later grids land in the rows of earlier ones (a chunk of one is unaffected)",
    ),
    # --- the record writer ---------------------------------------------------------------------
    M(
        "qa-question-answer-swapped",
        "records",
        "src/trainers/data/schema.py",
        '"question": question,\n        "answer": answer,',
        '"question": answer,\n        "answer": question,',
        ("tests/test_worked_answers.py::test_a_worked_dataset_keeps_both_texts_and_says_the_worked_one",),
        "a record's question and answer fields are written the wrong way round",
    ),
    M(
        "check-worked-last-line-unchecked",
        "records",
        "src/trainers/data/schema.py",
        '(not isinstance(worked, str) or final_line(worked) != qa["answer"].strip())',
        "not isinstance(worked, str)",
        ("tests/test_worked_answers.py::test_a_bare_record_reads_as_before_and_a_bad_worked_field_is_named",),
        "check_record accepts a worked answer whose last line is not the answer",
    ),
    M(
        "grpo-prompt-without-question",
        "records",
        "src/trainers/data/schema.py",
        "messages[: u + 1]",
        "messages[:u]",
        ("tests/test_schema.py::test_grpo_rows_hold_a_prompt_ending_with_its_question_and_the_gold_answer",),
        "a GRPO row's prompt stops before its own question",
    ),
    M(
        "metadata-seed-index-swapped",
        "records",
        "src/trainers/data/schema.py",
        'METADATA = ("seed", "index",',
        'METADATA = ("index", "seed",',
        ("tests/test_chats.py::test_a_chat_is_system_then_grid_and_question_then_alternating_answers",),
        "records label the seed as the index and the index as the seed",
    ),
    M(
        "board-text-escape-reversed",
        "records",
        "src/trainers/data/record_text.py",
        'ord("\\\\"), ord("n")',
        'ord("n"), ord("\\\\")',
        ("tests/test_chunk_parse.py::test_board_texts_are_the_digits_encoding_and_the_json_lists_of_each_grid",),
        "the chunk writer's row separator is written n\\ instead of \\n",
    ),
    # --- compare -------------------------------------------------------------------------------
    M(
        "compare-same-size-by-cell-count",
        "compare",
        "src/priors/builtin/compare.py",
        "scenes[0].shape == scenes[1].shape",
        "scenes[0].grid.size == scenes[1].grid.size",
        COMPARE,
        "compare.same_size compares cell counts, not shapes (3x4 = 2x6)",
    ),
    M(
        "compare-names-the-smaller",
        "compare",
        "src/priors/builtin/compare.py",
        "scenes[0].name if a > b else",
        "scenes[0].name if a < b else",
        COMPARE,
        "more_objects and more_colors name the grid with fewer",
    ),
    M(
        "compare-tie-named",
        "compare",
        "src/priors/builtin/compare.py",
        "    if a == b:\n        return None\n",
        "",
        COMPARE,
        "a tie is answered with the second grid instead of not being asked",
    ),
    M(
        "compare-colours-without-background",
        "compare",
        "src/priors/builtin/compare.py",
        "enumerate(scene.color_counts) if n)",
        "enumerate(scene.color_counts) if n and c != scene.background)",
        COMPARE,
        "compare's colours leave out the background the questions say is included",
    ),
    M(
        "compare-changed-rows",
        "compare",
        "src/priors/builtin/compare.py",
        "np.count_nonzero(a != b)",
        "np.count_nonzero((a != b).any(axis=1))",
        COMPARE,
        "compare.changed_cells counts rows that differ, not cells",
    ),
    # --- both plugins --------------------------------------------------------------------------
    M(
        "containment-enclosure-filter-skipped",
        "plugins",
        "plugins/arc-priors-containment/src/arc_priors_containment/__init__.py",
        "if index is not None and could_enclose(scene, index):",
        "if index is not None:",
        (
            f"{LAWS}::test_outline_color_draws_only_colours_that_could_enclose_something_and_each_alike",
            f"{LAWS}::test_outline_color_law_on_containment_grids_against_the_plain_filter",
        ),
        "OutlineColor draws colours of objects that could enclose nothing",
    ),
    M(
        "containment-inside-through-corners",
        "plugins",
        "plugins/arc-priors-containment/src/arc_priors_containment/__init__.py",
        "label(scene.labels != wall + 1, _CROSS)",
        "label(scene.labels != wall + 1, np.ones((3, 3), dtype=bool))",
        (C_TESTS,),
        "the flood to the border passes through an outline's diagonal steps (8-connected)",
    ),
    M(
        "containment-right-border-forgotten",
        "plugins",
        "plugins/arc-priors-containment/src/arc_priors_containment/__init__.py",
        "(regions[0], regions[-1], regions[:, 0], regions[:, -1])",
        "(regions[0], regions[-1], regions[:, 0])",
        (C_TESTS,),
        "regions touching only the right border count as enclosed",
    ),
    M(
        "containment-partly-inside-counts",
        "plugins",
        "plugins/arc-priors-containment/src/arc_priors_containment/__init__.py",
        "np.flatnonzero(cut_off == np.asarray(scene.areas))",
        "np.flatnonzero(cut_off > 0)",
        (C_TESTS,),
        "an object with some cells cut off counts as inside",
    ),
    M(
        "containment-nested-outline-named",
        "plugins",
        "plugins/arc-priors-containment/src/arc_priors_containment/__init__.py",
        "if len(found) != 1 or",
        "if len(found) < 1 or",
        (C_TESTS,),
        "enclosing_color answers for an object inside two outlines, naming the first",
    ),
    M(
        "symmetry-anti-diagonal-is-transpose",
        "plugins",
        "plugins/arc-priors-symmetry/src/arc_priors_symmetry/__init__.py",
        'anti_diagonal = _symmetric_under("anti_transpose", square_only=True)',
        'anti_diagonal = _symmetric_under("transpose", square_only=True)',
        (S_TESTS,),
        "symmetry.anti_diagonal tests the main diagonal (a copy-paste slip)",
    ),
    M(
        "symmetry-quarter-turn-on-any-grid",
        "plugins",
        "plugins/arc-priors-symmetry/src/arc_priors_symmetry/__init__.py",
        'rotation_90 = _symmetric_under("rot90", square_only=True)',
        'rotation_90 = _symmetric_under("rot90")',
        (S_TESTS,),
        "symmetry.rotation_90 is asked of grids that are not square",
    ),
    M(
        "symmetry-breaking-limit-off-by-one",
        "plugins",
        "plugins/arc-priors-symmetry/src/arc_priors_symmetry/__init__.py",
        "differing <= MAX_BREAKING",
        "differing < MAX_BREAKING",
        (S_TESTS,),
        "breaking_cells is not asked when exactly MAX_BREAKING pairs differ",
    ),
    M(
        "table-turn-on-non-square",
        "plugins",
        "src/priors/tables.py",
        "return same & (self.cells.heights == self.cells.widths) if",
        "return same if",
        (S_TESTS,),
        "a transform that changes a non-square grid's shape counts as leaving it unchanged",
    ),
    M(
        "table-anti-transpose-is-transpose",
        "plugins",
        "src/priors/tables.py",
        '"anti_transpose": lambda h, w, r, k: (h - 1 - k, w - 1 - r)',
        '"anti_transpose": lambda h, w, r, k: (k, r)',
        (S_TESTS,),
        "the chunk tables' anti-transpose brings the colours of the main diagonal's reflection",
    ),
    M(
        "symmetry-multicolour-object-named",
        "plugins",
        "plugins/arc-priors-symmetry/src/arc_priors_symmetry/__init__.py",
        "if len(holders) != 1 or np.count_nonzero(scene.cells_by_color[holders[0]]) != 1:",
        "if len(holders) != 1:",
        (S_TESTS,),
        "object_left_right is asked about a multicolour object",
    ),
)
