"""The shipped rule's errors on the actor-stance dev set, with every mention's probabilities and the
annotators' first reason: what `extra_signals.md` section 3 classifies by cause.
    python train/stance_labels/experiments/errors.py [CACHE] [given|discovered]
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from collect import load_dev, match_gold

cache = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/cache/stance/presslens_31a209f.json")
mode = sys.argv[2] if len(sys.argv) > 2 else "discovered"
data = json.loads(cache.read_text())
for i, g, a in match_gold(load_dev(), data[mode], mode == "given"):
    if g["stance"] == a["label"]:
        continue
    n = len({m["sentence_index"] for m in a["mentions"]})
    print(f"=== {data['articles'][i]} | {g['name']} | agreed {g['stance']} | presslens {a['label']} {a['score']:+.3f} | {n} sentences")
    print("    reason:", g["reasons"][0])
    for m in a["mentions"]:
        neg, neu, pos = m["probabilities"]
        print(f"    [{neg:.2f} {neu:.2f} {pos:.2f}] {m['text']!r}: {m['sentence']}")
