"""Directness weights tried on top of the neutral prior (given-actor mode, 8-fold CV by article): lead
sentences (index < L) weighted lead_w, the actor near the start of its sentence (<= 2 words before it,
a subject proxy) weighted subj_w, the actor as speaker weighted spk_w. None improved CV; not adopted.
    python train/stance_labels/experiments/directness_weights.py
"""
import itertools
import re
import sys

import numpy as np

sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))
from pathlib import Path

import fit
from collect import cached, load_dev, match_gold
from fit import THRESHOLDS, metrics
from rule import is_speaker

data=cached(Path('/work/cache/stance/presslens_822e487.json')); rows=load_dev()
its={m:match_gold(rows,data[m],m=='given') for m in ('given','discovered')}
gold={m:[g['stance'] for _,g,_ in v] for m,v in its.items()}
folds={m:np.array([i%8 for i,_,_ in v]) for m,v in its.items()}
nsent={m:[data[m][i]['n_sentences'] for i,_,_ in v] for m,v in its.items()}
def sent_groups(a):
    g={}
    for x in a['mentions']: g.setdefault(x['sentence_index'],[]).append(x)
    return g
def subj(x):
    pre=x['sentence'][:x['offset_in_sentence']]
    words=re.findall(r"[A-Za-z']+",pre)
    return len(words)<=2
def make_score(a, n, k, lead_w, L, subj_w, spk_w, use_p=False):
    num=0; den=k
    for si,ms in sent_groups(a).items():
        s=np.mean([x['score'] for x in ms])
        w=1.0
        if si < L: w*=lead_w
        if any(subj(x) for x in ms): w*=subj_w
        if any(is_speaker(x['sentence'],x['offset_in_sentence'],x['offset_in_sentence']+len(x['text'])) for x in ms): w*=spk_w
        num+=w*s; den+=w
    return num/den
def family(grid):
    combos=list(itertools.product(*grid.values()))
    tables={m:np.array([[make_score(a,n,*c) for (_,_,a),n in zip(its[m],nsent[m])] for c in combos]) for m in its}
    return combos,tables
def bestc(table,g,rows):
    gg=np.array([fit.CODE[g[i]] for i in rows]); v=table[:,rows][:,None,None,:]
    pred=np.where(v>THRESHOLDS[None,:,None,None],1,np.where(v<-THRESHOLDS[None,None,:,None],-1,0))
    acc=(pred==gg).mean(-1); f1s=[];pres=[]
    for lab in (-1,0,1):
        tp=((pred==lab)&(gg==lab)).sum(-1); npred=(pred==lab).sum(-1); ng=(gg==lab).sum()
        f1s.append(np.where(npred+ng>0,2*tp/np.maximum(npred+ng,1),0)); pres.append(npred+ng>0)
    f1s=np.array(f1s);pres=np.array(pres); mac=(f1s*pres).sum(0)/np.maximum(pres.sum(0),1)
    obj=np.round(acc+mac,9); return np.unravel_index(np.argmax(obj),obj.shape), obj.max()
def cv(grid,name):
    combos,tables=family(grid)
    oof={m:['']*len(gold[m]) for m in gold}
    for f in range(8):
        (c,i,j),_=bestc(tables['given'],gold['given'],np.flatnonzero(folds['given']!=f))
        for m in gold:
            for t in np.flatnonzero(folds[m]==f):
                v=tables[m][c,t]; oof[m][t]='positive' if v>THRESHOLDS[i] else 'negative' if v<-THRESHOLDS[j] else 'neutral'
    (c,i,j),o=bestc(tables['given'],gold['given'],np.arange(len(gold['given'])))
    r={m:metrics(gold[m],oof[m]) for m in gold}
    print(f"{name:30s} CV given {r['given']['accuracy']:.3f}/{r['given']['macro_f1']:.3f} disc {r['discovered']['accuracy']:.3f}/{r['discovered']['macro_f1']:.3f} | in-sample obj {o:.3f} {combos[c]} {THRESHOLDS[i]} {THRESHOLDS[j]}")
P=[2,4,6,8,10,12,16]
cv(dict(k=P,lw=[1],L=[0],sw=[1],spk=[1]),'prior')
cv(dict(k=P,lw=[1,1.5,2,3],L=[1,2,3],sw=[1],spk=[1]),'prior+lead')
cv(dict(k=P,lw=[1],L=[0],sw=[1,1.5,2,3],spk=[1]),'prior+subject')
cv(dict(k=P,lw=[1],L=[0],sw=[1],spk=[1,0.5,0.25,0]),'prior+speaker')
cv(dict(k=P,lw=[1,2],L=[2],sw=[1,2],spk=[1,0.5]),'prior+lead+subj+spk')
