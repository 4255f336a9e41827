"""Mention-input variants on the actor-stance dev set (given-actor mode): the neighbouring sentence as
context (next, previous, both), the span marked with < >, and averages with the plain reading; each
scored at article level by the neutral-prior rule with 8-fold CV by article. Not adopted.
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/context_actor_stance.py
Model outputs cached in /work/cache/stance/ctx.pkl."""
import os
import pickle
import sys

import numpy as np

sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))
from pathlib import Path

from collect import article_text, load_dev, usable_alias

import presslens

cache=Path('/work/cache/stance/ctx.pkl')
if cache.exists():
    out=pickle.load(open(cache,'rb'))
else:
    pipe=presslens.Pipeline(os.environ['PRESSLENS_MODELS'],threads=1)
    rows=load_dev()
    out=[]  # per article: {actor: [(sent_idx, score_base, score_next, score_prev, score_angle, score_prevnext)]}
    T=[];S={'base':[], 'next':[], 'prev':[], 'angle':[], 'both':[]}; keys=[]
    for r in rows:
        actors={a['name']:[x for x in a['aliases'] if usable_alias(x) and x!=a['name']] for a in r['actors']}
        an=pipe.analyze(article_text(r['article']),actors)
        sents=[s.text for s in an.sentences]
        for a in an.actors:
            for j,m in enumerate(a.mentions):
                si=m.sentence_index; s=sents[si]
                off=m.start-an.sentences[si].start
                prev=sents[si-1]+' ' if si>0 else ''
                nxt=' '+sents[si+1] if si+1<len(sents) else ''
                T.append(m.text); keys.append((r['article'],a.name,si,m.score))
                S['base'].append(s); S['next'].append(s+nxt); S['prev'].append(prev+s); S['both'].append(prev+s+nxt)
                S['angle'].append(s[:off]+'< '+s[off:off+len(m.text)]+' >'+s[off+len(m.text):])
    probs={k:pipe.target_sentiment(T,v) for k,v in S.items()}
    out={'keys':keys,'probs':probs}
    pickle.dump(out,open(cache,'wb'))
keys=out['keys']; probs=out['probs']
print(len(keys), 'mentions; base matches pipeline score:', np.allclose([k[3] for k in keys], probs['base'][:,2]-probs['base'][:,0], atol=1e-4))
import fit
from fit import THRESHOLDS, metrics

rows=load_dev(); arts=[r['article'] for r in rows]
items=[]
for r in rows:
    for g in r['actors']:
        if g['agreed']: items.append((arts.index(r['article']),g['name'],g['stance']))
def bestc(table,g,rows):
    gg=np.array([fit.CODE[g[i]] for i in rows]); v=table[:,rows][:,None,None,:]
    pred=np.where(v>THRESHOLDS[None,:,None,None],1,np.where(v<-THRESHOLDS[None,None,:,None],-1,0))
    acc=(pred==gg).mean(-1); f1s=[];pres=[]
    for lab in (-1,0,1):
        tp=((pred==lab)&(gg==lab)).sum(-1); npred=(pred==lab).sum(-1); ng=(gg==lab).sum()
        f1s.append(np.where(npred+ng>0,2*tp/np.maximum(npred+ng,1),0)); pres.append(npred+ng>0)
    f1s=np.array(f1s);pres=np.array(pres); mac=(f1s*pres).sum(0)/np.maximum(pres.sum(0),1)
    obj=np.round(acc+mac,9); return np.unravel_index(np.argmax(obj),obj.shape), obj.max()


def evaluate(variant_scores, name):
    by={}
    for k,s in zip(keys,variant_scores): by.setdefault((k[0],k[1]),{}).setdefault(k[2],[]).append(s)
    it=[(i,n,st) for i,n,st in items if (arts[i],n) in by]
    gold=[st for _,_,st in it]; folds=np.array([i%8 for i,_,_ in it])
    P=[2,4,6,8,10,12,16]
    table=np.array([[sum(np.mean(v) for v in by[(arts[i],n)].values())/(len(by[(arts[i],n)])+k) for i,n,_ in it] for k in P])
    oof=['']*len(gold)
    for f in range(8):
        (c,a,b),_=bestc(table,gold,np.flatnonzero(folds!=f))
        for t in np.flatnonzero(folds==f):
            v=table[c,t]; oof[t]='positive' if v>THRESHOLDS[a] else 'negative' if v<-THRESHOLDS[b] else 'neutral'
    m=metrics(gold,oof); (c,a,b),o=bestc(table,gold,np.arange(len(gold)))
    print(f"{name:12s} n={len(gold)} CV acc {m['accuracy']:.3f} f1 {m['macro_f1']:.3f} | in-sample obj {o:.3f} k={P[c]} {THRESHOLDS[a]} {THRESHOLDS[b]}")
pass
for k,p in probs.items(): evaluate(p[:,2]-p[:,0], k)
evaluate((probs['base'][:,2]-probs['base'][:,0]+probs['angle'][:,2]-probs['angle'][:,0])/2,'base+angle')
evaluate((probs['base'][:,2]-probs['base'][:,0]+probs['next'][:,2]-probs['next'][:,0])/2,'base+next')
evaluate((probs['base'][:,2]-probs['base'][:,0]+probs['prev'][:,2]-probs['prev'][:,0])/2,'base+prev')
