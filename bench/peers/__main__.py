"""``python -m bench.peers [--short]``: measures every peer and writes the "peers" section."""

from __future__ import annotations

import argparse
import asyncio

from bench.peers.run import measure_all
from bench.peers.section import section
from bench.peers.shape import FULL, SHORT, Profile
from bench.report import add_docs_option, write_section


async def run(profile: Profile) -> str:
    return section(await measure_all(profile), profile)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__)
    parser.add_argument("--short", action="store_true", help="a quick run (about two minutes)")
    add_docs_option(parser)
    args = parser.parse_args()
    text = asyncio.run(run(SHORT if args.short else FULL))
    write_section("peers", text, args.docs)
    print(text)


if __name__ == "__main__":
    main()
