"""Mention-input variants (the stance model called differently), measured two ways; not adopted.
NewsMTSC dev: the mention span marked in the sentence with a pair of characters, and the average of
the plain and marked readings. Run from the repository root:
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/mark_span_newsmtsc.py
Model outputs are cached under /work/cache/stance/mtsc/."""
import os
import sys

import numpy as np

sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[3] / 'bench'))
from pathlib import Path

import presslens
from newsmtsc import accuracy, load, macro_f1, polarity

pipe=presslens.Pipeline(os.environ['PRESSLENS_MODELS'],threads=1)
labels=pipe.stance_labels
D=Path('/work/shared/data/newsmtsc')
def run(tag, targets, sents):
    f=Path(f'/work/cache/stance/mtsc/{tag}.npy')
    if f.exists(): return np.load(f)
    p=pipe.target_sentiment(targets,sents); np.save(f,p); return p
MARKS={'base':None,'brackets':('[',']'),'angle':('<','>'),'star':('*','*'),'hash':('#','#'),'pipe':('|','|')}
for name in ('dev_mt','dev_rw'):
    rows=load(D/f'{name}.jsonl'); gold=[r['polarity'] for r in rows]
    res={}
    for mk,m in MARKS.items():
        sents=[r['sentence'] if m is None else r['sentence'][:r['from']]+m[0]+' '+r['sentence'][r['from']:r['to']]+' '+m[1]+r['sentence'][r['to']:] for r in rows]
        p=run(f'{name}_{mk}',[r['mention'] for r in rows],sents); res[mk]=p
        pr=polarity(p,labels); print(name,mk,f"acc {accuracy(gold,pr):.4f} f1 {macro_f1(gold,pr):.4f}")
    for mk in MARKS:
        if mk=='base': continue
        p=(res['base']+res[mk])/2; pr=polarity(p,labels); print(name,'avg base+'+mk,f"acc {accuracy(gold,pr):.4f} f1 {macro_f1(gold,pr):.4f}")
