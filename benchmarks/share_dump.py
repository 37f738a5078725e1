"""Every topic's index share of a fact base, field by field, to prove a change to share
building leaves them byte for byte the same: dump them with the old code, then compare.

    python -m benchmarks.share_dump FOLDER before.pkl                  # with the old code
    python -m benchmarks.share_dump FOLDER after.pkl --against before.pkl
"""

from __future__ import annotations

import argparse
import pickle
import sys
from array import array
from dataclasses import fields
from pathlib import Path

from bot.index import TopicShare, share_builder
from bot.lexicon import load_lexicon
from bot.loader import load_knowledge


def plain(share: TopicShare) -> dict[str, object]:
    """A share's fields but its topic, arrays as their type code and bytes."""
    found = {}
    for field in fields(TopicShare):
        if field.name != "topic":
            value = getattr(share, field.name)
            found[field.name] = (
                (value.typecode, value.tobytes()) if isinstance(value, array) else value
            )
    return found


def dump(folder: Path) -> dict[str, dict[str, object]]:
    """The shares of every topic, built one after another as a build does; a fresh builder
    for some of them must give the same (nothing leaks from one topic to the next)."""
    topics = list(load_knowledge(folder).topics.values())
    lexicon = load_lexicon()
    share = share_builder(lexicon)
    shares = {topic.id: plain(share(topic)) for topic in topics}
    for topic in topics[:: max(1, len(topics) // 40)]:
        assert plain(share_builder(lexicon)(topic)) == shares[topic.id], topic.id
    return shares


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--against", type=Path, help="shares dumped before the change")
    args = parser.parse_args()
    shares = dump(args.folder)
    args.out.write_bytes(pickle.dumps(shares, protocol=5))
    if args.against is None:
        print(f"{len(shares)} shares dumped to {args.out}")
        return 0
    before = pickle.loads(args.against.read_bytes())
    differ = [(t, f) for t in before for f in before[t] if before[t][f] != shares.get(t, {}).get(f)]
    print(
        f"{len(before)} shares before, {len(shares)} now, {len(differ)} fields differ", differ[:5]
    )
    return 1 if differ or list(before) != list(shares) else 0


if __name__ == "__main__":
    sys.exit(main())
