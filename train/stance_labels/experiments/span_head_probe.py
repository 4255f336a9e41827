"""Target-aware head on the embedding model's token states (issue 18, session 3): for each NewsMTSC
mention, the MiniLM (minilm-l6-v2) hidden states of its sentence are pooled three ways (all tokens;
the mention's word pieces; the word pieces within 6 of the mention), a logistic regression is trained
on NewsMTSC train and mixed with the stance model (P ~ P_stance * P_head^beta) on dev_mt / dev_rw.
Results in extra_signals.md section 4. Not adopted. Needs scikit-learn (not a presslens dependency).
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/span_head_probe.py
"""
import os
import json, numpy as np, onnxruntime as ort, time
from tokenizers import Tokenizer
M=os.environ['PRESSLENS_MODELS']+'/minilm-l6-v2/'
tok=Tokenizer.from_file(M+'tokenizer.json'); tok.no_padding(); tok.enable_truncation(256)
so=ort.SessionOptions(); so.intra_op_num_threads=2
sess=ort.InferenceSession(M+'model.onnx',so)
D=os.environ['PRESSLENS_MODELS']+'/../data/newsmtsc/'
def feats(split):
    rows=[json.loads(l) for l in open(D+split+'.jsonl')]
    by={}
    for i,r in enumerate(rows): by.setdefault(r['sentence'],[]).append(i)
    F=np.zeros((len(rows),384*3),np.float32)
    sents=list(by)
    t=time.time()
    for b in range(0,len(sents),32):
        batch=sents[b:b+32]; encs=[tok.encode(s) for s in batch]; L=max(len(e.ids) for e in encs)
        ids=np.zeros((len(encs),L),np.int64); am=np.zeros_like(ids)
        for j,e in enumerate(encs): ids[j,:len(e.ids)]=e.ids; am[j,:len(e.ids)]=1
        H=sess.run(None,{'input_ids':ids,'attention_mask':am,'token_type_ids':np.zeros_like(ids)})[0]
        for j,(s,e) in enumerate(zip(batch,encs)):
            n=len(e.ids); h=H[j,:n]; mean=h.mean(0)
            for i in by[s]:
                r=rows[i]; a,z=r['from'],r['to']
                span=[k for k,(o0,o1) in enumerate(e.offsets) if o1>o0 and o0<z and o1>a and k>0 and k<n-1]
                sp=h[span].mean(0) if span else mean
                # context window: tokens within 5 of the span, excluding the span
                if span:
                    lo,hi=max(1,span[0]-6),min(n-1,span[-1]+7); ctx=[k for k in range(lo,hi) if k not in span]
                    cx=h[ctx].mean(0) if ctx else mean
                else: cx=mean
                F[i]=np.concatenate([mean,sp,cx])
    print(split,time.time()-t)
    return F,np.array([r['polarity']+1 for r in rows])
out={s:feats(s) for s in ['train','dev_mt','dev_rw']}
d={**{f'{s}_X':v[0] for s,v in out.items()},**{f'{s}_y':v[1] for s,v in out.items()}}
import presslens
pipe=presslens.Pipeline(os.environ['PRESSLENS_MODELS'],threads=2)
ps={}
for s in ['dev_mt','dev_rw']:
    rows=[json.loads(l) for l in open(D+s+'.jsonl')]; ps[s]=pipe.target_sentiment([r['mention'] for r in rows],[r['sentence'] for r in rows])
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
for name,sl in [('mean',slice(0,384)),('span',slice(384,768)),('mean+span',slice(0,768)),('all',slice(0,1152))]:
    for C in [0.3,1,3]:
        m=LogisticRegression(C=C,max_iter=5000).fit(d['train_X'][:,sl],d['train_y'])
        res=[]
        for s in ['dev_mt','dev_rw']:
            X=d[f'{s}_X'][:,sl]; y=d[f'{s}_y']; pt=m.predict_proba(X)
            res.append('%.3f'%f1_score(y,pt.argmax(1),average='macro'))
            for beta in [0.25,0.5,1.0]:
                z=np.log(ps[s])+beta*np.log(pt); res.append('%.3f'%f1_score(y,z.argmax(1),average='macro'))
        print(name,C,'mt alone/b.25/.5/1:',res[:4],' rw:',res[4:])
