"""Time and peak memory of `analyze` on one long sentence with one given actor per 28 characters
(issue 21: the cost used to grow with the square of the sentence length).

    python bench/long_sentence.py [--sizes 14 28 54 108] [--threads 2]

Each size runs in a fresh process, so peak RSS (ru_maxrss) is that size's alone; the table gives
the growth of peak RSS over the process after loading the models and a warm-up call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import presslens
kb, threads = int(sys.argv[1]), int(sys.argv[2])
p = presslens.Pipeline(threads=threads)
p.analyze("Warm up the models, Zq0000 said.", actors=["Zq0000"])
# One given actor per 28 bytes of text.
unit = "and Zq{:04d} said this is ok, "
assert len(unit.format(0)) == 28
n = kb * 1000 // 28
names = [f"Zq{i:04d}" for i in range(n)]
sentence = "".join(unit.format(i) for i in range(n)) + "end."
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = p.analyze(sentence, actors=names)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
mentions = sum(a.mention_count for a in result.actors)
print(json.dumps({"kb": len(sentence) / 1000, "actors": n, "mentions": mentions, "seconds": seconds, "peak_rss_mb": peak / 1024, "growth_mb": (peak - base) / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[14, 28, 54, 108], help="sentence sizes in KB")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print("| sentence KB | actors | mentions | seconds | peak RSS MB | RSS growth MB |")
    print("|---|---|---|---|---|---|")
    for kb in args.sizes:
        run = subprocess.run([sys.executable, "-c", CHILD, str(kb), str(args.threads)], capture_output=True, text=True, check=True)
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(f"| {r['kb']:.1f} | {r['actors']} | {r['mentions']} | {r['seconds']:.2f} | {r['peak_rss_mb']:.0f} | {r['growth_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
