#!/usr/bin/env python3
"""
OFFLINE EXPERIMENT — not part of the build, not run by npm test, not a project dependency.

How much could a combiner that weighs field interactions gain over the shipped additive model,
with the same comparators? Fits gradient-boosted trees (LightGBM) on the candidate pairs of the
training population (seed 1001) exported by export-pairs.ts and compares them on the benchmark's
population (seed 7) with the shipped model's probabilities (docs/matching.md, "How much a combiner
with interactions could gain").

  python3 -m venv /tmp/lgb && /tmp/lgb/bin/pip install lightgbm numpy pandas scipy
  node -r @swc-node/register bench/matching/export-pairs.ts --seed 1001 --size 10000 --out /tmp/x-train10k
  node -r @swc-node/register bench/matching/export-pairs.ts --seed 7 --size 10000 --out /tmp/x-test10k
  /tmp/lgb/bin/python bench/matching/interactions.py --train /tmp/x-train10k --test /tmp/x-test10k [--test ...]
        [--pair-level] [--residuals] [--interactions]     trees from scratch (≈ 9 min)
        --from-shipped [--interactions]                    trees boosted from the shipped model (≈ 9 min)
        --lr                                               the engine's additive form refitted (≈ 3 min)

Models (fitted on the training export, same child vs anything else, rows weighted by the exporter's
importance weights):
  shipped      the probabilities the engine gave (kinlink-fs-*): the reference
  stumps       depth-1 trees: a free function of each input, summed — additive, no interactions
  gbdt         trees of up to 31 leaves: interactions between any inputs
--from-shipped: the same two, learning corrections to the shipped log-odds (early-stopped on a fifth
of the training queries) — once for the pair alone (P before the one-to-one stage, from the levels,
TF, prior: field interactions), once for the final probability (all inputs).
Inputs: the 13 field levels (categorical, missing a level of its own), their 13 term-frequency
adjustments, the prior, the population, the kind of pair, and the one-to-one stage's inputs (log2
odds of the pair alone, the rivals' summed odds). Metrics as run.ts counts them, over the exported
rows: precision/recall at 0.5 (a pair is proposed when either direction reaches it; the shipped
model's pairs labelled siblings are not), recall at precision 0.97, top-5 recall (child ↔ sought
candidates of records with a partner; far negatives the exporter dropped are assumed below the top 5;
probabilities are written with 6 digits, so ties near 1 are broken arbitrarily: the shipped model
scores 98.02 % here against run.ts's 97.88 %), Brier (importance-weighted; brierRelevant as run.ts).
Pair-alone metrics are per row (one direction of a pair).
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
# the field pairs whose level × level cells --lr adds (those the trees boosted from the shipped model split on together most)
LR_PAIRS = (('name.first', 'name.rest'), ('name.first', 'birth'), ('name.rest', 'birth'), ('birth', 'origin'), ('name.first', 'mother'), ('name.first', 'origin'))


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
    ap.add_argument('--lr', action='store_true', help='the engine\'s additive form refitted (and with per-field TF, TF², cells of 6 field pairs), on the pair alone; no trees')
    ap.add_argument('--pair-level', action='store_true', help='also compare the combiners on the pair alone (no one-to-one inputs): the field interactions by themselves')
    ap.add_argument('--from-shipped', action='store_true', help='boost from the shipped model\'s log-odds (trees learn only the corrections), early-stopped on a fifth of the training queries')
    ap.add_argument('--save', help='write the trees\' test predictions to this .npy file')
    ap.add_argument('--shipped-misses', action='store_true', help='only: the shipped model\'s missed true pairs on the test exports, by cause (no fitting)')
    args = ap.parse_args()
    if args.shipped_misses:
        for test in args.test:
            te, truth = load(test)
            te['_key'] = pair_keys(te)
            print(f'== {test}')
            shipped_misses(te, truth)
        return
    tr, _ = load(args.train)
    Xtr, ytr, wtr = features(tr), (tr['label'].values == 1).astype(int), tr['w'].values
    print(f'train: {len(tr)} rows, {ytr.sum()} same-child', file=sys.stderr)
    if args.lr:
        lr_compare(tr, args.test, LR_PAIRS)
        return
    if args.from_shipped:
        from_shipped(tr, Xtr, ytr, wtr, args)
        return
    add = fit(Xtr, ytr, wtr, True, args.rounds * 3)
    gb = fit(Xtr, ytr, wtr, False, args.rounds)
    if args.pair_level:
        pair_cols = [c for c in Xtr.columns if c not in ('alone', 'rivals')]
        add_p = fit(Xtr[pair_cols], ytr, wtr, True, args.rounds * 3)
        gb_p = fit(Xtr[pair_cols], ytr, wtr, False, args.rounds)
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
        if args.pair_level:
            yte, wte = (te['label'].values == 1), te['w'].values
            print('pair alone (before the one-to-one stage), same child vs anything else:')
            for name, p in [('shipped pAlone', te['pAlone'].values), ('additive (stumps)', add_p.predict(Xte[pair_cols])),
                            ('gbdt (interactions)', gb_p.predict(Xte[pair_cols]))]:
                pair_metrics(name, p, yte, wte)
        if args.save:
            np.save(args.save, pg)
        if args.residuals:
            residuals(te, pg)
    if args.interactions:
        interactions(gb, Xtr)


def boost(X, y, w, init, valid, leaves, rounds):
    """trees on top of the shipped model's log-odds (natural log: LightGBM's raw score), early-stopped on the validation queries"""
    params = dict(objective='binary', learning_rate=0.03, num_leaves=leaves, max_depth=1 if leaves == 2 else -1, min_data_in_leaf=100,
                  feature_fraction=0.9, bagging_fraction=0.8, bagging_freq=1, lambda_l2=10.0, cat_smooth=10, verbose=-1, seed=1, num_threads=1)
    t, v = ~valid, valid
    dt = lgb.Dataset(X[t], y[t], weight=w[t], init_score=init[t], categorical_feature=CATEGORICAL)
    dv = lgb.Dataset(X[v], y[v], weight=w[v], init_score=init[v], categorical_feature=CATEGORICAL, reference=dt)
    return lgb.train(params, dt, num_boost_round=rounds, valid_sets=[dv], callbacks=[lgb.early_stopping(50, verbose=False)])


def from_shipped(tr, Xtr, ytr, wtr, args):
    """How much do the trees add to the shipped model? Pair alone: corrections to pAlone from the
    levels, TF, prior (field interactions and anything else the additive form misses); after the
    one-to-one stage: corrections to the final probability from all inputs."""
    valid = (pd.util.hash_array(tr['qid'].values.astype(object)) % 5 == 0)
    pair_cols = [c for c in Xtr.columns if c not in ('alone', 'rivals')]
    ln = lambda p: np.log(np.clip(p, 1e-12, 1 - 1e-12) / (1 - np.clip(p, 1e-12, 1 - 1e-12)))
    models = {}
    for stage, cols, col in [('pair', pair_cols, 'pAlone'), ('final', list(Xtr.columns), 'pSame')]:
        for leaves in (2, 31):
            b = boost(Xtr[cols], ytr, wtr, ln(tr[col].values), valid, leaves, args.rounds * (3 if leaves == 2 else 1))
            print(f'{stage} {"stumps" if leaves == 2 else "gbdt"}: {b.best_iteration} rounds', file=sys.stderr)
            models[(stage, leaves)] = (b, cols, col)
    for test in args.test:
        te, truth = load(test)
        te['_key'] = pair_keys(te)
        Xte = features(te)
        yte, wte = (te['label'].values == 1), te['w'].values
        print(f'== {test} (trees boosted from the shipped model)')
        pair_metrics('shipped pAlone', te['pAlone'].values, yte, wte)
        for leaves in (2, 31):
            b, cols, col = models[('pair', leaves)]
            p = 1 / (1 + np.exp(-(ln(te[col].values) + b.predict(Xte[cols], raw_score=True))))
            pair_metrics(f'pAlone + {"stumps (additive)" if leaves == 2 else "gbdt (interactions)"}', p, yte, wte)
        evaluate(te, truth, te['pSame'].values, (te['resultKind'] != 'possible-sibling').values, 'shipped')
        for leaves in (2, 31):
            b, cols, col = models[('final', leaves)]
            p = 1 / (1 + np.exp(-(ln(te[col].values) + b.predict(Xte[cols], raw_score=True))))
            evaluate(te, truth, p, np.ones(len(te), bool), f'shipped + {"stumps (additive)" if leaves == 2 else "gbdt (interactions)"}')
            if leaves == 31 and args.residuals:
                residuals(te, p)
    if args.interactions:
        interactions(models[('pair', 31)][0], Xtr[pair_cols])


def pair_metrics(name, p, y, w):
    """row-level (one direction of a pair): weighted deviance per same-child row, recall of same-child rows at precision 0.97"""
    q = np.clip(p, 1e-12, 1 - 1e-12)
    dev = -2 * np.sum(w * (y * np.log(q) + (1 - y) * np.log(1 - q))) / y.sum()
    o = np.argsort(-p, kind='stable')
    tp = np.cumsum((y * w)[o]); n = np.cumsum(w[o])
    ok = np.nonzero(tp / n >= 0.97)[0]
    r97 = tp[ok[-1]] / y.sum() if len(ok) else 0
    r05 = (y & (p >= 0.5)).sum() / y.sum()
    p05 = np.sum(w[(p >= 0.5) & y]) / max(1e-9, np.sum(w[p >= 0.5]))
    print(json.dumps(dict(model=name, deviancePerSameRow=round(dev, 4), precisionAt05=round(100 * p05, 2), recallAt05=round(100 * r05, 2), recallAtP97=round(100 * r97, 2))))


def shipped_misses(te, truth):
    """the shipped model's missed true pairs: weak evidence alone, or lost in the one-to-one stage (and to whom)"""
    tk = {(a + '|' + b) if a < b else (b + '|' + a) for a, b, _ in truth['truePairs']}
    same = te[te['label'] == 1]
    g = same.groupby('_key').agg(pSame=('pSame', 'max'), pAlone=('pAlone', 'max'),
                                 sib=('resultKind', lambda k: (k == 'possible-sibling').all()))
    missed = g[(g['pSame'] < 0.5) | g['sib']]
    never = len(tk - set(g.index))
    print(f'shipped: {len(missed) + never} true pairs missed at 0.5 of {len(tk)}: {never} never scored; {int(missed["sib"].sum())} labelled siblings; '
          f'pair alone < 0.1: {int((missed["pAlone"] < 0.1).sum())}, 0.1–0.5: {int(((missed["pAlone"] >= 0.1) & (missed["pAlone"] < 0.5)).sum())}, '
          f'≥ 0.5 (lost in the one-to-one stage): {int((missed["pAlone"] >= 0.5).sum())}')
    # directions lost in the stage: the strongest rival among the query's candidates of that kind
    lost = te[(te['label'] == 1) & (te['pAlone'] >= 0.5) & (te['pSame'] < 0.5)]
    best = te.sort_values('pAlone', ascending=False).groupby(['qid', 'kind']).head(2)
    who = {'another true partner': 0, 'a sibling': 0, 'unrelated': 0, 'none ≥ 0.5 among the query\'s (the candidate side\'s rivals)': 0}
    for r in lost.itertuples():
        b = best[(best['qid'] == r.qid) & (best['kind'] == r.kind) & (best['oid'] != r.oid)]
        if len(b) == 0 or b['pAlone'].iloc[0] < 0.5:
            who['none ≥ 0.5 among the query\'s (the candidate side\'s rivals)'] += 1
        else:
            who[{1: 'another true partner', 2: 'a sibling', 0: 'unrelated'}[int(b['label'].iloc[0])]] += 1
    print(f'  {len(lost)} directions with the pair alone ≥ 0.5 end below 0.5; strongest rival: {who}')


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
    """Field pairs the trees split on along one path, weighted by the inner split's gain: a screen for
    interactions (the --lr fit with level × level cells measures what they are worth)."""
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
    # field pairs (levels or TF of a field count as the field; the one-to-one inputs are not fields)
    by_field = {}
    for (g, h), v in gain.items():
        fa, fb = g[2:] if g[:2] in ('L_', 'T_') else None, h[2:] if h[:2] in ('L_', 'T_') else None
        if fa and fb and fa != fb:
            k = tuple(sorted((fa, fb), key=FIELDS.index))
            by_field[k] = by_field.get(k, 0) + v
    ranked = sorted(by_field.items(), key=lambda kv: -kv[1])
    print('by field pair (levels and TF together):', ', '.join(f'{a}×{b} {100 * v / total:.1f} %' for (a, b), v in ranked[:12]))
    return [k for k, _ in ranked]



# ----------------------------------------------------------------------------------------------
# The engine's own form (--lr): log2 odds(same : unrelated) = prior + Σ level weights + tfScale·Σ TF
# + intercept, refitted as a logistic regression on the training export, and explainable extensions
# of it — what a change to the dependence calibration could get, compared on the pair alone.

def design(df, pairs=(), cells=None):
    """sparse design matrix: one-hot levels, cells of the given field pairs (or the given cells), Σ TF, 1"""
    from scipy import sparse
    n = len(df)
    cols, rows, names = [], [], []
    j = 0
    L = {f: df['L_' + f].values.astype(int) for f in FIELDS}
    for f in FIELDS:
        for li, lv in enumerate(LEVELS[f]):
            idx = np.nonzero(L[f] == li)[0]
            rows.append(idx); cols.append(np.full(len(idx), j)); names.append(f'{f}={lv}'); j += 1
    terms = []
    if cells is None:
        for a, b in pairs:
            for la in range(-1, len(LEVELS[a])):
                for lb in range(-1, len(LEVELS[b])):
                    terms.append((a, [la], b, [lb]))
    else:
        terms = cells
    for a, las, b, lbs in terms:
        # an empty cell keeps its (zero) column: train and test designs must line up
        idx = np.nonzero(np.isin(L[a], las) & np.isin(L[b], lbs))[0]
        rows.append(idx); cols.append(np.full(len(idx), j))
        names.append(f'{a}={"|".join(lvname(a, x) for x in las)} × {b}={"|".join(lvname(b, x) for x in lbs)}'); j += 1
    X = sparse.csr_matrix((np.ones(sum(len(r) for r in rows)), (np.concatenate(rows), np.concatenate(cols))), shape=(n, j))
    tf = df[['T_' + f for f in FIELDS]].values.sum(axis=1)
    X = sparse.hstack([X, sparse.csr_matrix(tf[:, None]), sparse.csr_matrix(np.ones((n, 1)))]).tocsr()
    return X, names + ['tf', 'intercept']


def lvname(f, v):
    return 'missing' if v < 0 else LEVELS[f][v]


def fit_lr(X, y, w, offset, l2=5.0, nlevel=None):
    """log2-odds logistic regression, L2 toward 0 on the interaction columns only (as fitCalibration
    regularises its columns toward their starting values; levels start free here)"""
    from scipy.optimize import minimize
    P = X.shape[1]
    pen = np.zeros(P)
    if nlevel is not None:
        pen[nlevel:P - 2] = l2
    LN2 = np.log(2)

    def f(th):
        eta = LN2 * (X @ th + offset)
        L = np.sum(w * (np.logaddexp(0, eta) - y * eta)) + np.sum(pen * th ** 2)
        p = 1 / (1 + np.exp(-eta))
        g = LN2 * (X.T @ (w * (p - y))) + 2 * pen * th
        return L, g
    r = minimize(f, np.zeros(P), jac=True, method='L-BFGS-B', options=dict(maxiter=3000))
    return r.x, r.fun


def lr_compare(tr, tests, pairs):
    """the engine's additive form refitted on the training export (levels free, no shrinkage toward
    the Fellegi–Sunter weights), then with per-field TF scales, a signed TF² per field, and with every
    level × level cell of some field pairs (L2 toward 0) — against the shipped pair score (pAlone);
    same child vs unrelated, siblings left out as train.ts fits it"""
    from scipy import sparse

    def prep(df, mode, pp=()):
        X, _ = design(df, pp)
        if mode == 'single':
            return X
        T = df[['T_' + f for f in FIELDS]].values
        cols = [T] + ([np.sign(T) * T ** 2 / 8] if mode == 'per-field TF + TF²' else [])
        return sparse.hstack([X[:, :-2], sparse.csr_matrix(np.hstack(cols)), X[:, -1:]]).tocsr()
    d = tr[tr['label'] != 2]
    y, w, off = (d['label'].values == 1).astype(float), d['w'].values, d['prior'].values
    nlev = sum(len(LEVELS[f]) for f in FIELDS)
    fits = []
    for mode, pp in [('single', ()), ('per-field TF', ()), ('per-field TF + TF²', ()), ('per-field TF', pairs)]:
        th, _ = fit_lr(prep(d, mode, pp), y, w, off, nlevel=nlev if pp else None)
        fits.append((mode, pp, th))
    for test in tests:
        te, _ = load(test)
        dt = te[te['label'] != 2]
        yt, wt = dt['label'].values == 1, dt['w'].values
        print(f'== {test}: pair alone, same child vs unrelated (sibling rows left out)')
        pair_metrics('shipped pAlone', dt['pAlone'].values, yt, wt)
        for mode, pp, th in fits:
            p = 1 / (1 + 2.0 ** -(prep(dt, mode, pp) @ th + dt['prior'].values))
            pair_metrics(f'additive refit, {mode}' + (f', + cells of {len(pp)} field pairs' if pp else ''), p, yt, wt)


if __name__ == '__main__':
    main()
