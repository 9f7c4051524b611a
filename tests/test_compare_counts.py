"""Why a two-grid dataset asks `compare.more_objects` a hundred times as often as
`compare.changed_cells` (issue 22): the mixing rule tries a prior's families alike, and
changed_cells is well-posed only on pairs of the same size. The compare page says so."""

from pathlib import Path

import priors
from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights

PAGE = Path(__file__).resolve().parents[1] / "docs" / "priors" / "compare.md"


def test_changed_cells_is_asked_only_of_pairs_of_one_size_so_it_is_rare():
    builder = ChatBuilder(ChatConfig(priors=parse_weights("compare"), grids_per_chat=2, seed=0))
    counts, pairs, same = {}, 0, 0
    for i in range(400):
        record = builder.record(i)
        a, b = record["metadata"]["grids"]
        shared = (len(a), len(a[0])) == (len(b), len(b[0]))
        pairs, same = pairs + 1, same + shared
        for qa in record["metadata"]["qas"]:
            counts[qa["family"]] = counts.get(qa["family"], 0) + 1
            assert qa["family"] != "compare.changed_cells" or shared
    assert same < pairs / 5 and counts.get("compare.changed_cells", 0) <= same
    assert counts["compare.more_objects"] > 5 * counts.get("compare.changed_cells", 0)


def test_the_compare_page_explains_its_family_counts():
    notes = priors.load("compare").notes
    assert "compare.changed_cells" in notes and "same size" in notes and "mixing rule" in notes
    assert "## Notes\n\n" + notes in PAGE.read_text()
