#!/usr/bin/env python3
"""
OFFLINE EXPERIMENT — not part of the build, not run by npm test, not a project dependency.

How much could a combiner that weighs field interactions gain over the shipped additive model,
with the same comparators? Fits gradient-boosted trees (LightGBM) on the candidate pairs of the
training population (seed 1001) exported by export-pairs.ts and compares them on the benchmark's
population (seed 7) with the shipped model's probabilities (docs/matching.md, "How much a combiner
with interactions could gain").

  python3 -m venv /tmp/lgb && /tmp/lgb/bin/pip install lightgbm numpy pandas
  node -r @swc-node/register bench/matching/export-pairs.ts --seed 1001 --size 10000 --out /tmp/x-train10k
  node -r @swc-node/register bench/matching/export-pairs.ts --seed 7 --size 10000 --out /tmp/x-test10k
  /tmp/lgb/bin/python bench/matching/interactions.py --train /tmp/x-train10k --test /tmp/x-test10k [--interactions] [--residuals]

Models compared (all fitted on the training export, same-child vs anything else, rows weighted by
the exporter's importance weights):
  shipped      the probabilities the engine gave (kinlink-fs-*): the reference
  additive     depth-1 trees (stumps): a free function of each input, summed — no interactions
  gbdt         trees of up to 31 leaves: interactions between any inputs
Inputs: the 13 field levels (categorical), their 13 term-frequency adjustments, the prior, the
population, and the one-to-one stage's inputs (log2 odds of the pair alone, the rivals' summed
odds). Metrics as run.ts counts them, over the exported rows: precision/recall at 0.5 (a pair is
proposed when either direction reaches it), recall at precision 0.97, top-5 recall (child ↔ sought
candidates of records with a partner; far negatives the exporter dropped are assumed below the
top 5), Brier (importance-weighted).
"""
import argparse
import json
import sys

import numpy as np
import pandas as pd
import lightgbm as lgb

FIELDS = ['name.first', 'name.rest', 'birth', 'sex', 'origin', 'separation.place', 'separation.date',
          'mother', 'father', 'siblings', 'cross-sibling', 'languages', 'nationality']
LEVELS = {
    'name.first': ['exact', 'variant', 'jw92', 'nickname', 'swapped', 'phonetic', 'elsewhere', 'jw85', 'jw70', 'none'],
    'name.rest': ['all2', 'all1', 'some', 'fuzzy', 'none', 'via-father'],
    'birth': ['exact', 'dm-swap', 'ym', 'y', 'y1', 'y2', 'y4', 'far', 'e0', 'e1', 'e2', 'e4', 'efar'],
    'sex': ['agree', 'disagree'],
    'origin': ['exact', 'admin2', 'admin1', 'country', 'text', 'text-disagree', 'disagree'],
    'separation.place': ['exact', 'admin2', 'admin1', 'country', 'text', 'text-disagree', 'disagree'],
    'separation.date': ['d7', 'd31', 'd92', 'd365', 'far'],
    'mother': ['full', 'first', 'fuzzy', 'disagree'],
    'father': ['full', 'first', 'fuzzy', 'disagree'],
    'siblings': ['agree', 'disagree'],
    'cross-sibling': ['listed', 'not-listed'],
    'languages': ['agree', 'disagree'],
    'nationality': ['agree', 'disagree'],
}
KINDS = {'child-sought': 0, 'duplicate-child': 1, 'same-sought-child': 2}


def logit2(p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log2(p / (1 - p))


def load(prefix):
    df = pd.read_csv(prefix + '.csv', dtype={'qid': str, 'oid': str, 'qculture': str, 'oculture': str})
    truth = json.load(open(prefix + '.truth.json'))
    return df, truth


def features(df):
    X = pd.DataFrame(index=df.index)
    for f in FIELDS:
        # a missing field (-1) stays a category of its own: "no date of birth" is information
        X['L_' + f] = df['L_' + f].astype(int) + 1
        X['T_' + f] = df['T_' + f]
    X['prior'] = df['prior']
    X['log2population'] = np.log2(df['population'])
    X['kind'] = df['kind'].map(KINDS)
    X['alone'] = logit2(df['pAlone'].values)
    X['rivals'] = np.log2(1 + df['rivals'].values)
    return X


CATEGORICAL = ['L_' + f for f in FIELDS] + ['kind']


def pair_keys(df):
    a, b = df['qid'].values, df['oid'].values
    return np.where(a < b, np.char.add(np.char.add(a.astype(str), '|'), b.astype(str)),
                    np.char.add(np.char.add(b.astype(str), '|'), a.astype(str)))


def evaluate(df, truth, p, proposable, name):
    """metrics as run.ts counts them; p = P(same child) per row, proposable = row may be proposed"""
    y = (df['label'].values == 1)
    w = df['w'].values
    true_keys = {(a + '|' + b) if a < b else (b + '|' + a) for a, b, _ in truth['truePairs']}
    keys = df['_key'].values
    best = pd.Series(np.where(proposable, p, -1.0)).groupby(keys).max()
    prop = best[best >= 0.5]
    tp = sum(1 for k in prop.index if k in true_keys)
    precision = tp / max(1, len(prop))
    recall = tp / len(true_keys)
    # recall at precision ≥ 0.97: the lowest threshold whose proposals keep that precision
    s = best[best >= 0].sort_values(ascending=False)
    hit = np.cumsum([k in true_keys for k in s.index])
    n = np.arange(1, len(s) + 1)
    ok = np.where(hit / n >= 0.97)[0]
    r97 = hit[ok[-1]] / len(true_keys) if len(ok) else 0.0
    t97 = s.values[ok[-1]] if len(ok) else float('nan')
    # top-5: child ↔ sought candidates of records with a partner on the other side
    top5set = set(truth['top5Records'])
    cs = df[(df['kind'] == 'child-sought').values & proposable & df['qid'].isin(top5set).values]
    cs = cs.assign(_p=p[cs.index])
    ranked = cs.sort_values(['qid', '_p'], ascending=[True, False]).groupby('qid').head(5)
    hits = ranked.groupby('qid')['label'].apply(lambda l: (l == 1).any())
    top5 = hits.sum() / len(top5set)
    brier = np.sum(w * (p - y) ** 2) / np.sum(w)
    # run.ts's brierRelevant: the pairs the model gives ≥ 0.05, and every true pair
    rel = (p >= 0.05) | y
    brier_rel = np.sum((w * (p - y) ** 2)[rel]) / np.sum(w[rel])
    out = dict(model=name, precision=round(100 * precision, 2), recall=round(100 * recall, 2), proposed=len(prop),
               recallAtP97=round(100 * r97, 2), thresholdAtP97=round(float(t97), 4), top5=round(100 * top5, 2), brier=round(brier, 5), brierRelevant=round(brier_rel, 4))
    print(json.dumps(out))
    return out


def fit(Xtr, ytr, wtr, depth1, rounds, seed=1):
    params = dict(objective='binary', learning_rate=0.05, num_leaves=2 if depth1 else 31, max_depth=1 if depth1 else -1,
                  min_data_in_leaf=50, feature_fraction=0.9, bagging_fraction=0.8, bagging_freq=1, lambda_l2=1.0,
                  cat_smooth=10, verbose=-1, seed=seed, num_threads=1)
    ds = lgb.Dataset(Xtr, ytr, weight=wtr, categorical_feature=CATEGORICAL, free_raw_data=False)
    return lgb.train(params, ds, num_boost_round=rounds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--train', required=True)
    ap.add_argument('--test', required=True, action='append')
    ap.add_argument('--rounds', type=int, default=600)
    ap.add_argument('--interactions', action='store_true', help='rank field pairs by how much the trees use them together')
    ap.add_argument('--residuals', action='store_true', help='where the trees still err on the test export')
    ap.add_argument('--save', help='write the trees\' test predictions to this .npy file')
    args = ap.parse_args()
    tr, _ = load(args.train)
    Xtr, ytr, wtr = features(tr), (tr['label'].values == 1).astype(int), tr['w'].values
    print(f'train: {len(tr)} rows, {ytr.sum()} same-child', file=sys.stderr)
    add = fit(Xtr, ytr, wtr, True, args.rounds * 3)
    gb = fit(Xtr, ytr, wtr, False, args.rounds)
    for test in args.test:
        te, truth = load(test)
        te['_key'] = pair_keys(te)
        Xte = features(te)
        print(f'== {test}: {len(te)} rows, {len(truth["truePairs"])} true pairs, {len(truth["top5Records"])} top-5 records', file=sys.stderr)
        # the shipped model proposes same-child results only (a pair it calls siblings is not proposed)
        shipped = evaluate(te, truth, te['pSame'].values, (te['resultKind'] != 'possible-sibling').values, 'shipped')
        all_rows = np.ones(len(te), bool)
        pa = add.predict(Xte)
        pg = gb.predict(Xte)
        evaluate(te, truth, pa, all_rows, 'additive (stumps)')
        evaluate(te, truth, pg, all_rows, 'gbdt (interactions)')
        if args.save:
            np.save(args.save, pg)
        if args.residuals:
            residuals(te, pg)
    if args.interactions:
        interactions(gb, Xtr)


def residuals(te, p):
    """where the trees' errors at 0.5 concentrate: missed true pairs and false proposals by culture and missing fields"""
    y = te['label'].values == 1
    miss = y & (p < 0.5)
    fp = ~y & (p >= 0.5)
    print(f'rows: {y.sum()} same-child, {miss.sum()} below 0.5, {fp.sum()} others at ≥ 0.5 ({(fp & (te["label"].values == 2)).sum()} siblings)')
    cult = te['qculture'].values
    for c in sorted(set(cult)):
        m = cult == c
        print(f'  {c:12s} same {int((y & m).sum()):6d}  missed {int((miss & m).sum()):5d} ({100 * (miss & m).sum() / max(1, (y & m).sum()):5.1f} %)  false {int((fp & m).sum()):4d}')
    for f in FIELDS:
        lv = te['L_' + f].values
        mm = miss & (lv < 0)
        print(f'  missed with {f:17s} missing: {int(mm.sum()):5d} ({100 * mm.sum() / max(1, miss.sum()):5.1f} % of missed; {100 * (y & (lv < 0)).sum() / max(1, y.sum()):5.1f} % of same-child rows)')
    # level profile of the missed: the most common (first name, rest, birth) levels
    def lvname(f, v):
        return 'missing' if v < 0 else LEVELS[f][v]
    prof = pd.Series([f'{lvname("name.first", a)}/{lvname("name.rest", b)}/{lvname("birth", c)}' for a, b, c in
                      te.loc[miss, ['L_name.first', 'L_name.rest', 'L_birth']].values]).value_counts().head(15)
    print('  missed by first/rest/birth level:\n' + prof.to_string())


def interactions(gb, X):
    """Field pairs the trees split on along one path, weighted by the child split's gain; then
    SHAP-style check: for each pair, variance of the trees' output not explained by the two
    fields' separate contributions is not computed (LightGBM has no interaction values) — the
    path gain is the screen, the logistic fit in train.ts the judge."""
    dump = gb.dump_model()
    names = dump['feature_names']
    gain = {}

    def walk(node, path):
        if 'split_feature' not in node:
            return
        f = names[node['split_feature']]
        for g in path:
            if g != f:
                k = tuple(sorted((g, f)))
                gain[k] = gain.get(k, 0) + node['split_gain']
        walk(node['left_child'], path + [f])
        walk(node['right_child'], path + [f])

    for t in dump['tree_info']:
        walk(t['tree_structure'], [])
    total = sum(gain.values())
    print('field pairs on one path, by gain of the inner split (share of all such gain):')
    for k, v in sorted(gain.items(), key=lambda kv: -kv[1])[:25]:
        print(f'  {k[0]:22s} × {k[1]:22s} {100 * v / total:5.1f} %')
    imp = sorted(zip(names, gb.feature_importance('gain')), key=lambda kv: -kv[1])
    print('feature gain:', ', '.join(f'{n} {v:.0f}' for n, v in imp[:20]))


if __name__ == '__main__':
    main()
