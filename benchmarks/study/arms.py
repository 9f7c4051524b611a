"""Quick arms for (h): the tiny model's shape, the grid layout, the answer trace, at equal
seconds on one thread, outside arc-priors' trainer so that each variable moves alone.

    python benchmarks/study/arms.py NAME [key=value ...]      # e.g. hidden=96 layers=4 inter=384

The chats are the main job's (`arc-priors generate --config MIX --n 300000 --seed 1`, MIX the
main job's mixture without its `train:` section), read from --data (key `data=`). Each arm
trains a freshly built model with the project's tokenizer and the plain loop's recipe
(batches of like length, AdamW, warm-up then cosine decay, loss on the answer), for `steps`
or `time_limit` seconds, whichever ends first, and is then scored on `n_eval` grids of
benchmarks/count_check.py's sampler (seed 777): the first answer token's best digit for bare
answers, greedy decoding and the reply's last integer for traces. Writes OUT/arm_NAME.json.

Keys: arch (llama | gpt2: learned absolute positions), layout (digits | padded: rows filled
with '.' to width 10 | twice: the rows, a blank line, the rows again | columns: the rows, a
blank line, the columns written as rows), init2d (gpt2: position embeddings started as row + column
embeddings), system (brief | none), trace (none | rows: running count of objects by the row
of their first cell | colors: each object as `index colour`, by colour | labels: the grid again,
each cell its object's number, numbered by first cell in reading order, a line a row, or
rows joined by '|' with `labelsep=bar`, as `counting.objects`' worked answer writes it), hidden, layers,
aux (none | colors: a second turn asks colors.distinct about the same grid, also trained |
record: the data file's own later turns | labels: a second turn asks for the label grid, one
line, after the bare count, then the colours turn),
heads, inter, lr, batch, steps, time_limit, threads, n_eval, grid_loss (weight of a second loss, on
the prompt's tokens: the grid read as language), bf16 (autocast matmuls to bfloat16), rope
(llama's rope_theta).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "src")]

import numpy as np  # noqa: E402
import torch  # noqa: E402
from count_check import blob_grid, true_count  # noqa: E402
from scipy import ndimage  # noqa: E402

from trainers.training.plain_loop import learning_rate  # noqa: E402
from trainers.training.tiny_model import build_tiny_tokenizer  # noqa: E402

DEFAULTS = dict(
    arch="llama",
    layout="digits",
    system="brief",
    trace="none",
    init2d=0,
    hidden=128,
    layers=6,
    heads=4,
    inter=512,
    lr=1e-3,
    batch=16,
    steps=2000,
    time_limit=0.0,
    threads=1,
    n_eval=1000,
    eval_seed=777,
    n_train=300000,
    aux="none",
    grid_loss=0.0,
    bf16=0,
    rope=10000.0,
    data="/tmp/exp/train.jsonl",
    out=str(ROOT / "docs" / "study"),
    gen=40,
    labelsep="newline",
)
SYSTEM = "Answer with the value only."
QUESTION = "How many objects are there in the grid?"
EIGHT = np.ones((3, 3), dtype=int)


def options(argv: list[str]) -> dict:
    o = dict(DEFAULTS)
    for pair in argv:
        key, value = pair.split("=", 1)
        if key not in o:
            raise SystemExit(f"arms.py: unknown key {key!r}; known: {', '.join(o)}")
        o[key] = value if isinstance(o[key], str) else type(o[key])(value)
    return o


def prompt(o: dict, rows: list[str]) -> str:
    if o["layout"] == "padded":
        width = max(10, -(-max(map(len, rows)) // 10) * 10)
        rows = [r + "." * (width - len(r)) for r in rows]
    if o["layout"] == "twice":  # the grid again: its second reading sees the whole grid
        rows = rows + [""] + rows
    if o["layout"] == "columns":  # then its columns as rows: cells above and below become neighbours
        rows = rows + [""] + ["".join(col) for col in zip(*rows)]
    head = "<s>" + (f"<|system|>\n{SYSTEM}<|end|>" if o["system"] != "none" else "")
    return f"{head}<|user|>\n" + "\n".join(rows) + f"\n\n{QUESTION}<|end|><|assistant|>\n"


def reply(o: dict, grid, background: int) -> str:
    """The assistant's text: the count, or a trace whose last line is the count (scipy's labels,
    apart from the project's parse)."""
    grid = np.asarray(grid)
    starts, colors = [0] * grid.shape[0], []
    for color in (c for c in range(10) if c != background):
        labels, n = ndimage.label(grid == color, structure=EIGHT)
        colors += [color] * n
        for k in range(1, n + 1):
            starts[int(np.nonzero(labels == k)[0].min())] += 1
    count = len(colors)
    if o["trace"] == "labels":
        text = label_grid(grid, background)
        return (text.replace("\n", "|") if o["labelsep"] == "bar" else text) + f"\n{count}"
    if o["trace"] == "rows":
        return " ".join(map(str, np.cumsum(starts).tolist())) + f"\n{count}"
    if o["trace"] == "colors":
        return "".join(f"{k} {c}\n" for k, c in enumerate(colors, 1)) + str(count)
    return str(count)


def label_grid(grid, background: int) -> str:
    """The grid again with each cell replaced by its object's number, objects numbered by their
    first cell in reading order: each cell's label is a neighbour's label already written, or
    the next number, so every step looks at the cells around it."""
    out = np.zeros(grid.shape, dtype=int)
    firsts = []
    for color in (c for c in range(10) if c != background):
        labels, n = ndimage.label(grid == color, structure=EIGHT)
        for k in range(1, n + 1):
            cells = labels == k
            firsts.append((int(np.flatnonzero(cells).min()), cells))
    for number, (_, cells) in enumerate(sorted(firsts, key=lambda f: f[0]), 1):
        out[cells] = number
    glyph = ".123456789abcdefghijklmnopqrstuvwxyz"
    return "\n".join("".join(glyph[v] for v in row) for row in out.tolist())


def build_model(o: dict, tok):
    if o["arch"] == "llama":
        from transformers import LlamaConfig, LlamaForCausalLM

        return LlamaForCausalLM(
            LlamaConfig(
                vocab_size=len(tok),
                hidden_size=o["hidden"],
                intermediate_size=o["inter"],
                num_hidden_layers=o["layers"],
                num_attention_heads=o["heads"],
                num_key_value_heads=o["heads"],
                head_dim=o["hidden"] // o["heads"],
                max_position_embeddings=4096,
                rope_theta=o["rope"],
                tie_word_embeddings=True,
                pad_token_id=tok.pad_token_id,
                use_cache=False,
            )
        )
    from transformers import GPT2Config, GPT2LMHeadModel

    model = GPT2LMHeadModel(
        GPT2Config(
            vocab_size=len(tok),
            n_embd=o["hidden"],
            n_layer=o["layers"],
            n_head=o["heads"],
            n_inner=o["inter"],
            n_positions=1024,
            resid_pdrop=0,
            embd_pdrop=0,
            attn_pdrop=0,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
            pad_token_id=tok.pad_token_id,
            use_cache=False,
        )
    )
    if o["init2d"]:
        offset = len(tok(prompt(o, ["0"]).split("0\n")[0], add_special_tokens=False)["input_ids"])
        g = torch.Generator().manual_seed(1)
        rows, cols = torch.randn(10, o["hidden"], generator=g) * 0.02, torch.randn(11, o["hidden"], generator=g) * 0.02
        with torch.no_grad():
            for p in range(offset, offset + 110):
                model.transformer.wpe.weight[p] = rows[(p - offset) // 11] + cols[(p - offset) % 11]
    return model


AUX = "How many different colors are there in the grid, not counting the background?"
LABELS = "Number each cell by its object."


def batches(o: dict, prompts: list, answers: list, pad: int, masks: list):
    rng, order, size = random.Random(0), list(range(len(prompts))), o["batch"]
    while True:
        rng.shuffle(order)
        for start in range(0, len(order) - 64 * size + 1, 64 * size):
            window = sorted(order[start : start + 64 * size], key=lambda i: len(prompts[i]) + len(answers[i]))
            groups = [window[j : j + size] for j in range(0, len(window), size)]
            rng.shuffle(groups)
            for group in groups:
                seqs = [prompts[i] + answers[i] for i in group]
                width = max(map(len, seqs))
                yield (
                    torch.tensor([s + [pad] * (width - len(s)) for s in seqs]),
                    torch.tensor(
                        [
                            [-100] * len(prompts[i])
                            + [t if m else -100 for t, m in zip(answers[i], masks[i])]
                            + [-100] * (width - len(s))
                            for i, s in zip(group, seqs)
                        ]
                    ),
                    torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs]),
                    torch.tensor([[-100] + prompts[i][1:] + [-100] * (width - len(prompts[i])) for i in group]),
                )


def train(o: dict, model, stream) -> dict:
    optimizer = torch.optim.AdamW(model.parameters(), lr=o["lr"], weight_decay=0.0)
    started, tokens, chats, steps = time.time(), 0, 0, o["steps"]
    for step in range(steps):
        done = (time.time() - started) / o["time_limit"] if o["time_limit"] else 0.0
        if done >= 1:
            break
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, steps, o["lr"], done)
        ids, labels, mask, prompt_labels = next(stream)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(o["bf16"])):
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
        flat = logits[:, :-1].reshape(-1, logits.shape[-1])
        loss = torch.nn.functional.cross_entropy(flat, labels[:, 1:].reshape(-1), ignore_index=-100)
        if o["grid_loss"]:
            loss = loss + o["grid_loss"] * torch.nn.functional.cross_entropy(
                flat, prompt_labels[:, 1:].reshape(-1), ignore_index=-100
            )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        tokens, chats = tokens + int(mask.sum()), chats + len(ids)
        if (step + 1) % 100 == 0:
            print(f"step {step + 1} loss {float(loss):.3f} chats {chats} {time.time() - started:.0f}s", flush=True)
    seconds = time.time() - started
    return {"steps": step + 1, "chats": chats, "seconds": seconds, "tokens_per_s": tokens / seconds}


@torch.no_grad()
def answers_of(o: dict, model, tok, grids) -> list[int]:
    model.eval()
    digits = [tok.convert_tokens_to_ids(str(d)) for d in range(10)]
    found = []
    encoded = [
        tok(prompt(o, ["".join(map(str, row)) for row in g.tolist()]), add_special_tokens=False)["input_ids"]
        for g in grids
    ]
    for j in range(0, len(encoded), 64):
        chunk = encoded[j : j + 64]
        width = max(map(len, chunk))
        ids = torch.tensor([[tok.pad_token_id] * (width - len(s)) + s for s in chunk])  # left-padded
        mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in chunk])
        positions = (mask.cumsum(1) - 1).clamp(min=0)
        if o["trace"] == "none":
            found += (
                model(input_ids=ids, attention_mask=mask, position_ids=positions)
                .logits[:, -1, digits]
                .argmax(-1)
                .tolist()
            )
            continue
        out, alive = [[] for _ in chunk], [True] * len(chunk)
        for _ in range(o["gen"]):
            nxt = model(input_ids=ids, attention_mask=mask, position_ids=positions).logits[:, -1].argmax(-1)
            for r, t in enumerate(nxt.tolist()):
                alive[r] = alive[r] and t != tok.eos_token_id
                if alive[r]:
                    out[r].append(t)
            if not any(alive):
                break
            ids, mask = torch.cat([ids, nxt[:, None]], 1), torch.cat([mask, torch.ones_like(nxt)[:, None]], 1)
            positions = torch.cat([positions, positions[:, -1:] + 1], 1)
        for r in out:
            numbers = re.findall(r"\d+", tok.decode(r))
            found.append(int(numbers[-1]) if numbers else -1)
    return found


def main(argv: list[str]) -> None:
    name, o = argv[0], options(argv[1:])
    torch.set_num_threads(o["threads"])
    torch.manual_seed(0)
    tok = build_tiny_tokenizer()
    prompts, replies, grids_seen, backgrounds, later = [], [], [], [], []
    with open(o["data"]) as f:
        for i, line in enumerate(f):
            if i == o["n_train"]:
                break
            record = json.loads(line)
            if o["aux"] == "record" and not record["messages"][1]["content"].endswith(QUESTION):
                continue  # a chat whose first question is not the count
            later.append(record["messages"][3:])
            meta = record["metadata"]
            text = reply(o, meta["grids"][0], meta["backgrounds"][0])
            assert text.split("\n")[-1] == record["messages"][2]["content"], (
                text,
                record,
            )  # scipy agrees with the project
            prompts.append(prompt(o, record["messages"][1]["content"].split("\n\n")[0].split("\n")))
            replies.append(text + "<|end|>")
            grids_seen.append(meta["grids"][0])
            backgrounds.append(meta["backgrounds"][0])
    prompts = tok(prompts, add_special_tokens=False)["input_ids"]
    replies = tok(replies, add_special_tokens=False)["input_ids"]
    masks = [[True] * len(r) for r in replies]
    if o["aux"] == "record":  # every later turn of the data file's chats, as generated
        for r, m, turns in zip(replies, masks, later):
            for question, answer in zip(*[iter(t["content"] for t in turns)] * 2):
                turn = tok(f"<|user|>\n{question}<|end|><|assistant|>\n", add_special_tokens=False)["input_ids"]
                extra = tok(f"{answer}<|end|>", add_special_tokens=False)["input_ids"]
                r += turn + extra
                m += [False] * len(turn) + [True] * len(extra)
    if o["aux"] == "labels":
        turn = tok(f"<|user|>\n{LABELS}<|end|><|assistant|>\n", add_special_tokens=False)["input_ids"]
        for r, m, g, b in zip(replies, masks, grids_seen, backgrounds):
            extra = tok(label_grid(np.asarray(g), b).replace("\n", "|") + "<|end|>", add_special_tokens=False)[
                "input_ids"
            ]
            r += turn + extra
            m += [False] * len(turn) + [True] * len(extra)
    if o["aux"] in ("colors", "labels"):
        turn = tok(f"<|user|>\n{AUX}<|end|><|assistant|>\n", add_special_tokens=False)["input_ids"]
        for r, m, g, b in zip(replies, masks, grids_seen, backgrounds):
            extra = tok(f"{len(set(np.asarray(g).ravel().tolist()) - {b})}<|end|>", add_special_tokens=False)[
                "input_ids"
            ]
            r += turn + extra
            m += [False] * len(turn) + [True] * len(extra)
    model = build_model(o, tok)
    trained = train(o, model, batches(o, prompts, replies, tok.pad_token_id, masks))
    rng = np.random.default_rng(o["eval_seed"])
    grids = [blob_grid(rng) for _ in range(o["n_eval"])]
    truth = [true_count(g) for g in grids]
    said = answers_of(o, model, tok, grids)
    right = [a == t for a, t in zip(said, truth)]
    result = {
        "name": name,
        "options": o,
        "parameters": sum(p.numel() for p in model.parameters()),
        **trained,
        "prompt_tokens": float(np.mean([len(p) for p in prompts])),
        "exact": float(np.mean(right)),
        "within_one": float(np.mean([abs(a - t) <= 1 for a, t in zip(said, truth)])),
        "most_common": Counter(truth).most_common(1)[0][1] / len(truth),
        "exact_by_count": {c: float(np.mean([r for r, t in zip(right, truth) if t == c])) for c in sorted(set(truth))},
    }
    Path(o["out"]).mkdir(parents=True, exist_ok=True)
    (Path(o["out"]) / f"arm_{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: result[k] for k in ("name", "exact", "within_one", "chats", "seconds")}))


if __name__ == "__main__":
    main(sys.argv[1:])
