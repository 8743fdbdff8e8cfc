"""Show how newsgraph reads a text: sentences, parse, entities, facts.

    python scripts/explain.py "BYD and KG Mobility are in talks ..." [--published 2025-01-01]
    python scripts/explain.py --file page.txt [--headline]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsgraph.extract import extract
from newsgraph.model import Document
from newsgraph.nlp.annotate import annotate
from newsgraph.resolve import resolve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("text", nargs="?")
    parser.add_argument("--file")
    parser.add_argument("--published")
    parser.add_argument("--headline", action="store_true")
    parser.add_argument("--parse", action="store_true", help="print the dependency parse")
    args = parser.parse_args()
    text = Path(args.file).read_text() if args.file else args.text
    kind = "headline" if args.headline else "article"
    doc = Document(Document.make_id(text), "explain", kind, text, published=args.published)
    annotation = annotate(doc)
    if args.parse:
        for sent in annotation.doc.sents:
            print(" ".join(f"{t.text}/{t.tag_}/{t.dep_}<{t.head.i}>:{t.i}" for t in sent))
    resolution = resolve(annotation)
    for entity in resolution.entities:
        forms = sorted({m.text for m in entity.mentions})
        country = entity.country or ""
        print(f"{entity.id:>4} {entity.type:<10} {entity.name!r:<32} {country} {forms}")
    names = {e.id: e.name for e in resolution.entities}
    found = extract(resolution)
    names.update({e.id: e.name for e in found.entities})
    for fact in found.facts:
        data = fact.to_json()
        data["args"] = {k: [names.get(x, x) for x in v] if isinstance(v, list) else names.get(v, v)
                        for k, v in data["args"].items()}
        data.pop("evidence")
        print(json.dumps(data, ensure_ascii=False))


if __name__ == "__main__":
    main()
