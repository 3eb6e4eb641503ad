import { MatchingEngine, defaultMatchModel, loadModel, oneToOneAt, DEFAULT_MODEL_JSON, MatchModelJson, MatchRecord, FIELDS, nameEvidenceModel, NAME_EVIDENCE_MODEL_JSON, SnapshotVersionError } from './index';

const child = (id: string, over: Partial<MatchRecord> = {}): MatchRecord => ({
  id, side: 'child', agencyId: 'A', consentForTracing: true, name: { given: 'Mohammed', family: 'Hassan Ali' },
  sex: 'male', dateOfBirth: '2014-03-05', mother: { given: 'Fatima', family: 'Omar' }, father: { given: 'Hassan', family: 'Ali' },
  placeOfOrigin: { pcode: 'SO220103', text: 'Mogadishu' }, languages: ['Somali'], nationality: 'SO', ...over,
});
const sought = (id: string, over: Partial<MatchRecord> = {}): MatchRecord => ({
  id, side: 'sought', agencyId: 'B', groupId: id.split('#')[0], consentForTracing: true,
  name: { given: 'Muhammad', middle: 'Hasan', family: 'Cali' }, sex: 'male', dateOfBirth: '2014-05-03',
  inquirer: { name: { given: 'Fatuma', family: 'Omar' }, relation: 'mother' }, father: { given: 'Xasan' },
  placeOfOrigin: { pcode: 'SO2201' }, languages: ['Somali'], nationality: 'SO', ...over,
});

/** unrelated filler so that priors and term frequencies are realistic */
function filler(e: MatchingEngine, n: number): void {
  const given = ['Amina', 'Yusuf', 'Omar', 'Hodan', 'Abdi', 'Ayaan', 'Liban', 'Sagal', 'Warsame', 'Guled', 'Deeqa', 'Ilhan'];
  const fam = ['Farah', 'Jama', 'Warsame', 'Dirie', 'Samatar', 'Egal', 'Duale', 'Boqor', 'Yusuf', 'Aden'];
  for (let i = 0; i < n; i++) {
    const side = i % 2 === 0 ? 'child' : 'sought';
    e.upsert({
      id: `${side === 'child' ? 'f' : 'g' + i + '#'}${i}`, side, agencyId: 'Z', groupId: side === 'sought' ? `g${i}` : undefined,
      consentForTracing: true, name: { given: given[i % given.length], family: `${fam[(i * 7) % fam.length]} ${fam[(i * 3) % fam.length]}` },
      sex: i % 3 === 0 ? 'female' : 'male', dateOfBirth: `${2005 + (i % 15)}-0${1 + (i % 9)}-1${i % 9}`,
      placeOfOrigin: { pcode: `SO${10 + (i % 13)}0${1 + (i % 5)}` },
    });
  }
}

describe('MatchingEngine', () => {
  it('loads the shipped versioned model', () => {
    const e = new MatchingEngine();
    expect(e.modelVersion).toBe(DEFAULT_MODEL_JSON.modelVersion);
    expect(e.modelVersion).toMatch(/^kinlink-fs-\d+\.\d+\.\d+/);
    expect(defaultMatchModel().weights).toHaveLength(FIELDS.length);
  });

  it('upserts, replaces and removes records', () => {
    const e = new MatchingEngine();
    e.upsert(child('c1'));
    e.upsert(sought('t1#1'));
    expect(e.size).toEqual({ child: 1, sought: 1 });
    e.upsert(child('c1', { name: { given: 'Ahmed' } }));
    expect(e.size).toEqual({ child: 1, sought: 1 });
    e.remove('c1');
    e.remove('nope');
    expect(e.size).toEqual({ child: 0, sought: 1 });
    expect(e.match(sought('t1#1'), { minProbability: 0 })).toEqual([]);
  });

  it('matches a child to the sought child across scripts and spellings, never to itself', () => {
    const e = new MatchingEngine();
    filler(e, 400);
    e.upsert(child('c1'));
    e.upsert(sought('t1#1'));
    const res = e.match(child('c1'));
    expect(res.map((r) => r.otherId)).toContain('t1#1');
    expect(res.every((r) => r.otherId !== 'c1')).toBe(true);
    const top = res[0];
    expect(top.otherId).toBe('t1#1');
    expect(top.kind).toBe('child-sought');
    expect(top.probability).toBeGreaterThan(0.9);
    expect(top.modelVersion).toBe(e.modelVersion);
    // the other direction finds it too
    expect(e.match(sought('t1#1'))[0].otherId).toBe('c1');
  });

  it("explanation weights add up to the score, and probability = 2^score / (1 + 2^score)", () => {
    const e = new MatchingEngine();
    filler(e, 300);
    e.upsert(child('c1'));
    e.upsert(sought('t1#1'));
    e.upsert(sought('t2#1', { name: { given: 'Mohamed', family: 'Farah' }, dateOfBirth: '2012' }));
    const res = e.match(child('c1'), { minProbability: 0, limit: 50 });
    expect(res.length).toBeGreaterThan(1);
    for (const r of res) {
      const sum = r.explanation.reduce((a, f) => a + f.weight, 0);
      expect(sum).toBeCloseTo(r.score, 9);
      expect(r.probability).toBeCloseTo(1 / (1 + Math.pow(2, -r.score)), 9);
      expect(r.explanation[0].field).toBe('prior');
      for (const f of FIELDS) expect(r.explanation.some((x) => x.field === f.name)).toBe(true);
    }
    // sorted by probability
    for (let i = 1; i < res.length; i++) expect(res[i - 1].probability).toBeGreaterThanOrEqual(res[i].probability);
  });

  it('cites the variant table, raw and normalised values in the explanation', () => {
    const e = new MatchingEngine();
    e.upsert(sought('t1#1'));
    const [top] = e.match(child('c1'), { minProbability: 0 });
    const first = top.explanation.find((x) => x.field === 'name.first')!;
    expect(first.level).toBe('variant');
    expect(first.left).toBe('Mohammed Hassan Ali');
    expect(first.right).toBe('Muhammad Hasan Cali');
    expect(first.note).toMatch(/variant.*mohammed ≈ muhammad/);
    const mother = top.explanation.find((x) => x.field === 'mother')!;
    expect(mother.note).toMatch(/inquirer/);
    const birth = top.explanation.find((x) => x.field === 'birth')!;
    expect(birth.level).toBe('dm-swap');
  });

  it('probabilities are absolute, not normalised to the best hit', () => {
    const a = new MatchingEngine();
    filler(a, 300);
    a.upsert(sought('t1#1'));
    const alone = a.match(child('c1'))[0].probability;
    const b = new MatchingEngine();
    filler(b, 300);
    b.upsert(sought('t1#1'));
    b.upsert(sought('t9#1', { name: { given: 'Mohamed', family: 'Hassan' }, inquirer: undefined, father: undefined, dateOfBirth: '2014' }));
    const withOther = b.match(child('c1'), { minProbability: 0 }).find((r) => r.otherId === 't1#1')!.probability;
    expect(withOther).toBeCloseTo(alone, 2);
    // a single weak hit is not "likely"
    const c = new MatchingEngine();
    filler(c, 300);
    c.upsert(sought('w#1', { name: { given: 'Mohamed', family: 'Jama' }, dateOfBirth: '2009', inquirer: undefined, father: undefined, placeOfOrigin: undefined }));
    const weak = c.match(child('c1'), { minProbability: 0 });
    expect(weak.every((r) => r.probability < 0.5)).toBe(true);
  });

  it('respects consent: no proposal to other agencies without consent for tracing', () => {
    const e = new MatchingEngine();
    e.upsert(sought('t1#1', { consentForTracing: false }));
    expect(e.match(child('c1'), { minProbability: 0 })).toEqual([]);
    // the same agency still sees it
    expect(e.match(child('c1', { agencyId: 'B' }), { minProbability: 0 }).map((r) => r.otherId)).toEqual(['t1#1']);
    // and the query record's own consent counts too
    const f = new MatchingEngine();
    f.upsert(sought('t1#1'));
    expect(f.match(child('c1', { consentForTracing: false }), { minProbability: 0 })).toEqual([]);
  });

  it('finds duplicate registrations and two requests for the same child', () => {
    const e = new MatchingEngine();
    filler(e, 300);
    e.upsert(child('c1'));
    e.upsert(child('c2', { agencyId: 'C', name: { full: 'Maxamed Xasan Cali' }, dateOfBirth: undefined, estimatedAgeYears: 9, ageRecordedOn: '2023-06-01' }));
    e.upsert(sought('t1#1'));
    e.upsert(sought('t2#1', { agencyId: 'D', inquirer: { name: { given: 'Hassan', family: 'Ali' }, relation: 'father' } }));
    const fromChild = e.match(child('c1'));
    expect(fromChild.find((r) => r.otherId === 'c2')?.kind).toBe('duplicate-child');
    const fromSought = e.match(sought('t1#1'));
    expect(fromSought.find((r) => r.otherId === 't2#1')?.kind).toBe('same-sought-child');
    expect(fromSought.find((r) => r.otherId === 'c1')?.kind).toBe('child-sought');
  });

  it('surfaces siblings as possible-sibling, never as the same child', () => {
    const e = new MatchingEngine();
    filler(e, 400);
    // the family's request names two children; the registered child is Mohammed; his brother Omar is sought too
    e.upsert(sought('t1#1'));
    e.upsert(sought('t1#2', { name: { given: 'Omar', middle: 'Hasan', family: 'Cali' }, dateOfBirth: '2010-08-20' }));
    e.upsert(child('c1'));
    const res = e.match(child('c1'), { minProbability: 0.2 });
    const omar = res.find((r) => r.otherId === 't1#2');
    expect(omar?.kind).toBe('possible-sibling');
    expect(res.find((r) => r.otherId === 't1#1')?.kind).toBe('child-sought');
    // two sought children of one request are never proposed to each other
    expect(e.match(sought('t1#1'), { minProbability: 0 }).some((r) => r.otherId === 't1#2')).toBe(false);
  });

  it('searches by name across scripts', () => {
    const e = new MatchingEngine();
    filler(e, 200);
    e.upsert(child('c1', { name: { given: 'Yusuf', family: 'Ibrahim' }, dateOfBirth: '2012-01-09' }));
    e.upsert(child('c2', { name: { original: 'Олександр Коваленко' }, dateOfBirth: '2015-04-02', placeOfOrigin: undefined }));
    const hits = e.searchByName({ name: 'يوسف إبراهيم' });
    expect(hits[0].id).toBe('c1');
    const hits2 = e.searchByName({ name: 'Aleksandr Kovalenko', side: 'child', dateOfBirth: '2015' });
    expect(hits2[0].id).toBe('c2');
    expect(hits2[0].side).toBe('child');
    for (const h of hits2) expect(h.explanation.reduce((a, f) => a + f.weight, 0)).toBeCloseTo(h.score, 9);
    expect(e.searchByName({ name: 'Oleksandr', side: 'sought' }).every((h) => h.side === 'sought')).toBe(true);
  });

  it('validates models', () => {
    expect(() => loadModel({})).toThrow(/modelVersion/);
    const bad = JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON));
    bad.fields['name.first'].exact.m = 2;
    expect(() => loadModel(bad)).toThrow(/probability/);
    const missing = JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON));
    delete missing.fields.sex;
    expect(() => loadModel(missing)).toThrow(/sex/);
    expect(() => loadModel({ ...JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON)), oneToOne: { slope: 0, intercept: 0 } })).toThrow(/oneToOne/);
    const ok = loadModel(JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON)));
    expect(new MatchingEngine({ model: ok }).modelVersion).toBe(DEFAULT_MODEL_JSON.modelVersion);
  });

  it('treats a pet name against a registered given name as no evidence either way, not as disagreement', () => {
    const e = new MatchingEngine();
    const a = child('c1', { name: { given: 'Hamoudi', family: 'Hassan Ali' } });
    const pet = e.compareRecords(a, sought('t1#1'));
    expect(pet.names['name.first']).toBe('nickname');
    const other = e.compareRecords(child('c2', { name: { given: 'Ahmed', family: 'Hassan Ali' } }), sought('t1#1'));
    expect(other.names['name.first']).toBe('none');
    const x = e.explainPair(a, sought('t1#1'));
    expect(x.explanation.find((f) => f.field === 'name.first')?.note).toMatch(/pet name/);
    const w = (c: ReturnType<MatchingEngine['explainPair']>) => c.explanation.find((f) => f.field === 'name.first')!.weight;
    expect(w(x)).toBeGreaterThan(w(e.explainPair(child('c2', { name: { given: 'Ahmed', family: 'Hassan Ali' } }), sought('t1#1'))));
  });

  it('joins Ethiopian compounds however they are spelled (Gabra Medhn = Gebremedhn)', () => {
    const e = new MatchingEngine();
    const r = e.compareRecords(
      child('c1', { name: { given: 'Gabra Medhn', family: 'Yohans' } }),
      sought('t1#1', { name: { given: 'Gebremedhn', family: 'Yohans' } }),
    );
    expect(['exact', 'variant', 'jw92', 'phonetic']).toContain(r.names['name.first']); // was 'none' when 'Gabra Medhn' stayed two tokens
  });

  it('keeps the true partner of a common name among the candidates when the population is large', () => {
    // 3,000 same-named records of the other sex or 3 years older/younger: key votes alone tie with
    // the partner's; the age/sex-aware cut keeps the right one among the 50 scored
    const e = new MatchingEngine({ maxCandidates: 50 });
    const plain = { consentForTracing: true, name: { given: 'Muhammad', family: 'Cali' } };
    for (let i = 0; i < 3000; i++) {
      const other = i % 2 === 0 ? { sex: 'female' as const, dateOfBirth: `2014-0${1 + (i % 9)}-2${i % 8}` } : { sex: 'male' as const, dateOfBirth: i % 4 === 1 ? '2011-02-01' : '2017-07-01' };
      e.upsert({ id: `x${i}#1`, side: 'sought', agencyId: 'Z', groupId: `x${i}`, ...plain, ...other });
    }
    e.upsert({ id: 't1#1', side: 'sought', agencyId: 'Z', groupId: 't1', ...plain, sex: 'male', dateOfBirth: '2014-04-20' });
    const query: MatchRecord = { id: 'c1', side: 'child', agencyId: 'A', consentForTracing: true, name: { given: 'Mohammed', family: 'Ali' }, sex: 'male', dateOfBirth: '2014-03-05' };
    const ids = e.match(query, { minProbability: 0, limit: 1000 }).map((c) => c.otherId);
    expect(ids).toContain('t1#1');
  });

  it('ranks independent evidence above correlated name keys before the candidate cut (blocking)', () => {
    // among 3,000 records, 200 look-alikes share the query's whole name (N1 × 2, NN, NY × 2: five votes of one piece of
    // evidence); the true partner, registered under another family name, shares the given name and
    // the exact date of birth (a block of 100). Counted in full the look-alikes' name votes bury
    // it below the 50-candidate cut; counting a family's repeated votes at a discount keeps it.
    const stored: MatchRecord[] = [];
    for (let i = 0; i < 200; i++) {
      stored.push({ id: `x${i}#1`, side: 'sought', agencyId: 'Z', groupId: `x${i}`, consentForTracing: true, name: { given: 'Yusuf', family: 'Warsame' }, sex: 'male', dateOfBirth: `2014-0${1 + (i % 9)}-1${i % 9}` });
    }
    for (let i = 0; i < 100; i++) {
      stored.push({ id: `d${i}#1`, side: 'sought', agencyId: 'Z', groupId: `d${i}`, consentForTracing: true, name: { given: ['Hodan', 'Liban', 'Sagal', 'Guled'][i % 4], family: `Jama${'abcdefghij'[i % 10]}` }, dateOfBirth: '2014-03-05' });
    }
    const syl = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'zu', 'be', 'do', 'fi', 'go', 'ha', 'ji'];
    for (let i = 0; i < 2700; i++) {
      // unrelated records: the side's size makes the shared blocks' votes realistic (log2 N / block)
      const nm = (k: number) => syl[k % 15] + syl[Math.floor(k / 15) % 15] + syl[Math.floor(k / 225) % 15];
      stored.push({ id: `u${i}#1`, side: 'sought', agencyId: 'Z', groupId: `u${i}`, consentForTracing: true, name: { given: nm(i), family: nm(i * 7 + 3) } });
    }
    stored.push({ id: 't1#1', side: 'sought', agencyId: 'Z', groupId: 't1', consentForTracing: true, name: { given: 'Yusuf', family: 'Hirsi' }, sex: 'male', dateOfBirth: '2014-03-05' });
    const query: MatchRecord = { id: 'c1', side: 'child', agencyId: 'A', consentForTracing: true, name: { given: 'Yusuf', family: 'Warsame' }, sex: 'male', dateOfBirth: '2014-03-05' };
    const rank = (repeatFamilyVote: number) => {
      const e = new MatchingEngine({ maxCandidates: 50, repeatFamilyVote });
      for (const r of stored) e.upsert(r);
      return e.blockingDebug(query, 't1#1').rank;
    };
    expect(rank(1)).toBe(-1); // without the family discount: cut
    expect(rank(0.25)).toBeGreaterThanOrEqual(0);
    expect(rank(0.25)).toBeLessThan(5);
  });

  it('files a first name with the father\'s names: patronymic used as family name meets its pair (blocking)', () => {
    // "Muhammad Adil" (Adil = the father) vs "Muhammad Sahhaf" whose father is "Adil Hosayn": the
    // names share only a very common given name; the father's name pairs them
    const a: MatchRecord = { id: 'c1', side: 'child', agencyId: 'A', consentForTracing: true, name: { given: 'Muhammad', family: 'Adil' }, dateOfBirth: '2014' };
    const b: MatchRecord = { id: 't1#1', side: 'sought', groupId: 't1', agencyId: 'B', consentForTracing: true, name: { given: 'Mohamed', family: 'Sahhaf' }, father: { given: 'Adil', family: 'Hosayn' } };
    const shared = (fatherNameKeys: boolean) => {
      const e = new MatchingEngine({ fatherNameKeys });
      e.upsert(b);
      return e.blockingDebug(a, 't1#1').shared.map(([k]) => k.slice(0, 2));
    };
    expect(shared(true)).toContain('NN');
    expect(shared(false)).not.toContain('NN');
  });

  describe('typo-tolerant and father keys (blocking, 2026-12-08)', () => {
    const child = (id: string, rest: Partial<MatchRecord>): MatchRecord => ({ id, side: 'child', agencyId: 'A', consentForTracing: true, name: {}, ...rest });
    const sought = (id: string, rest: Partial<MatchRecord>): MatchRecord => ({ id, side: 'sought', groupId: id.split('#')[0], agencyId: 'B', consentForTracing: true, name: {}, ...rest });
    /** key types the query shares with the stored record, with the given key options */
    const sharedTypes = (query: MatchRecord, stored: MatchRecord, options: { skeletonKeys?: boolean; fatherBandKeys?: boolean } = {}) => {
      const e = new MatchingEngine(options);
      e.upsert(stored);
      return [...new Set(e.blockingDebug(query, stored.id).shared.map(([k]) => k.slice(0, 2)))].sort();
    };

    it.each([
      // a typo the phonetic key keeps (SBFQ vs SFQ: one letter left out)
      ['Shbfiq', 'Shavfeeq'],
      // a letter added (PWN vs PRWN)
      ['Paawana', 'Parwaana'],
      // a letter typed in (YSMN vs YSMPN)
      ['Yasmin', 'Yasmepn'],
      // a compound given name written as two names on one side
      ['Wellde Senbet', 'Weldessenbat'],
    ])('%s meets %s only through the skeleton keys', (a, b) => {
      const q = child('c1', { name: { given: a }, dateOfBirth: '2011-08-02' });
      const s = sought('t1#1', { name: { given: b }, estimatedAgeYears: 9, ageRecordedOn: '2020-06-01' });
      expect(sharedTypes(q, s)).toContain('ND');
      expect(sharedTypes(q, s, { skeletonKeys: false })).toEqual([]);
      // and the other way round: the stored record asks
      expect(sharedTypes(s, q)).toContain('ND');
    });

    it('visits a skeleton or father key only while its block is small (narrowBlockCap)', () => {
      const q = child('c1', { name: { given: 'Shbfiq' }, dateOfBirth: '2011-08-02' });
      const rank = (narrowBlockCap: number) => {
        const e = new MatchingEngine({ narrowBlockCap });
        e.upsert(sought('t1#1', { name: { given: 'Shavfeeq' }, estimatedAgeYears: 9, ageRecordedOn: '2020-06-01' }));
        for (let i = 0; i < 3; i++) e.upsert(sought(`x${i}#1`, { name: { given: 'Shafiq' }, dateOfBirth: `2011-0${i + 1}-01` }));
        return e.blockingDebug(q, 't1#1').rank;
      };
      expect(rank(500)).toBeGreaterThanOrEqual(0);
      expect(rank(3)).toBe(-1); // the SFQ block holds four records: over the cap, not visited
    });

    it('does not file skeletons without a birth band (the band keeps short skeletons\' blocks small)', () => {
      expect(sharedTypes(child('c1', { name: { given: 'Shbfiq' } }), sought('t1#1', { name: { given: 'Shavfeeq' } }))).toEqual([]);
    });

    it("meets a father's name written as the child's other name, from either side (patronymic naming)", () => {
      // "Baba Naqib" (a pet name and the father's name) vs "Mehmoud Barakzay" whose father is "Naqib Gul"
      const a = child('c1', { name: { full: 'Baba Naqib' }, estimatedAgeYears: 2, ageRecordedOn: '2021-09-01' });
      const b = sought('t1#1', { name: { given: 'Mehmoud', family: 'Barakzay' }, dateOfBirth: '2019-08-12', father: { full: 'Naqib Gul' } });
      expect(sharedTypes(a, b)).toEqual(['FY']); // the query's other name against the stored father
      expect(sharedTypes(b, a)).toEqual(['NY']); // the query's father against the stored names
      expect(sharedTypes(a, b, { fatherBandKeys: false })).toEqual([]);
      expect(sharedTypes(b, a, { fatherBandKeys: false })).toEqual([]);
    });

    it('files two fathers of one name and birth band together (FY, as MY for mothers)', () => {
      const a = child('c1', { name: { given: 'Mimi' }, dateOfBirth: '2006-12-04', father: { given: 'Yasin' } });
      const b = sought('t1#1', { name: { given: 'Maryem' }, dateOfBirth: '2006-01-01', father: { given: 'Yaseen' } });
      expect(sharedTypes(a, b)).toContain('FY');
      expect(sharedTypes(a, b, { fatherBandKeys: false })).toEqual([]);
    });

    it('counts the father-derived votes as parents evidence, not name evidence', () => {
      const e = new MatchingEngine();
      const b = sought('t1#1', { name: { given: 'Mehmoud' }, dateOfBirth: '2019-08-12', father: { full: 'Naqib Gul' } });
      const keys = (e as unknown as { keyMaker: { queryKeys(p: unknown, d: Map<number, string>): { keys: number[]; families: Uint8Array } } }).keyMaker;
      const names = new Map<number, string>();
      const q = keys.queryKeys((e as unknown as { prepQuery(r: MatchRecord): unknown }).prepQuery(b), names);
      const familyOf = (prefix: string, text: string) => q.families[q.keys.findIndex((k) => names.get(k)!.startsWith(prefix) && names.get(k)!.includes(text))];
      const naqib = names.get(q.keys.find((k) => names.get(k)!.startsWith('FY'))!)!.slice(2).split('.')[0];
      expect(familyOf('NY', `NY${naqib}.`)).toBe(2); // KeyFamily.Parents
      expect(familyOf('ND', 'ND')).toBe(1); // KeyFamily.Name
    });

    it('lets a name search without a date of birth find a typo (the skeletons of every birth band)', () => {
      const search = (skeletonKeys: boolean) => {
        const e = new MatchingEngine({ skeletonKeys });
        e.upsert(child('c1', { name: { given: 'Shbfiq', family: 'Safee' }, estimatedAgeYears: 9, ageRecordedOn: '2020-06-01' }));
        e.upsert(child('c2', { name: { given: 'Rahel', family: 'Tesfay' }, dateOfBirth: '2011-08-02' }));
        return e.searchByName({ name: 'Shavfeeq', side: 'child' }).map((h) => h.id);
      };
      expect(search(true)).toEqual(['c1']);
      expect(search(false)).toEqual([]);
    });

    it('rebuilds rather than restores a snapshot filed under other keys', () => {
      const before = new MatchingEngine({ skeletonKeys: false, fatherBandKeys: false });
      before.upsert(child('c1', { name: { given: 'Shbfiq' }, dateOfBirth: '2011-08-02' }));
      expect(() => MatchingEngine.restore(before.snapshot())).toThrow(SnapshotVersionError);
    });
  });

  it('keeps a name-evidence model of its own for decisions on names alone (restrictions, name search)', () => {
    // versioned apart from the matching model: a refit of the latter must not move their thresholds unreviewed
    expect(nameEvidenceModel().json.modelVersion).toBe(NAME_EVIDENCE_MODEL_JSON.modelVersion);
    expect(NAME_EVIDENCE_MODEL_JSON.modelVersion).toMatch(/^kinlink-names-/);
    const e = new MatchingEngine({ model: nameEvidenceModel() });
    e.upsert({ id: 'c1', side: 'child', agencyId: 'A', consentForTracing: true, name: { given: 'Mohammed', family: 'Abdi Farah' } });
    const hit = e.searchByName({ name: 'Muhamad Cabdi Faarax', side: 'child' })[0];
    expect(hit.explanation.filter((f) => f.field.startsWith('name')).map((f) => f.level)).toEqual(['variant', 'all2']);
  });

  describe('a compound given name written as two names on one side, as one on the other (name.first)', () => {
    const joining = new MatchingEngine({ model: loadModel({ ...DEFAULT_MODEL_JSON, comparators: { ...DEFAULT_MODEL_JSON.comparators, joinedCompounds: true } }) });
    const before = new MatchingEngine({ model: loadModel({ ...DEFAULT_MODEL_JSON, comparators: { ...DEFAULT_MODEL_JSON.comparators, joinedCompounds: false } }) });
    const rec = (id: string, name: MatchRecord['name']): MatchRecord => ({ id, side: id.startsWith('c') ? 'child' : 'sought', agencyId: 'A', consentForTracing: true, name });
    const pairs: Array<[string, MatchRecord['name'], MatchRecord['name']]> = [
      // Congolese: a typo keeps the tokeniser from joining Jean-Claude
      ['Congolese', { given: 'Jean-Claude', family: 'Tshibango Miyengu' }, { given: 'Jean-Claoude', family: 'Chibango Miyengu' }],
      // Tigrinya: Welde Hiwet written apart, with a vowel inserted
      ['Tigrinya', { given: 'Weldehiwet', family: 'Tesfay' }, { given: 'Welide Hiwet', family: 'Tesfay' }],
      // Somali: Abdi Rahman apart, Abdirahman as one
      ['Somali', { given: 'Abdirahman', family: 'Farah' }, { given: 'Abdi', family: 'Rahman Farah' }],
    ];
    it.each(pairs)('joins the two names and compares them with the one (%s)', (_, a, b) => {
      for (const [x, y] of [[rec('c1', a), rec('t1#1', b)], [rec('c1', b), rec('t1#1', a)]]) {
        expect(joining.compareRecords(x, y).names['name.first']).toBe('jw92');
        expect(before.compareRecords(x, y).names['name.first']).not.toMatch(/^(exact|variant|jw92)$/);
      }
      // the second name is used up by the compound: the rest of the name is what remains
      expect(joining.compareRecords(rec('c1', a), rec('t1#1', b)).names['name.rest']).toMatch(/^all/);
      const line = joining.explainPair(rec('c1', a), rec('t1#1', b)).explanation.find((f) => f.field === 'name.first')!;
      expect(line.note).toMatch(/a compound given name written as two names on one side: \S+ \+ \S+ ~ \S+ \(joined, Jaro-Winkler (0\.9\d|1\.00)\)/);
    });
    it('does not join names that only open alike', () => {
      for (const [a, b] of [
        [{ given: 'Nur', family: 'Begum' }, { given: 'Nura', family: 'Khatun' }],
        [{ given: 'Amina', family: 'Bah' }, { given: 'Aminata', family: 'Bah' }],
        [{ given: 'Jean', family: 'Ilunga' }, { given: 'Jeanne', family: 'Ilunga Mbuyi' }],
        [{ given: 'Mohamed', family: 'Ali' }, { given: 'Mohamedou', family: 'Ali' }],
      ] as Array<[MatchRecord['name'], MatchRecord['name']]>) {
        expect(joining.compareRecords(rec('c1', a), rec('t1#1', b)).names).toEqual(before.compareRecords(rec('c1', a), rec('t1#1', b)).names);
      }
    });
  });

  describe('via-father: patronymic used as family name (name.rest)', () => {
    // a model fitted for the wider meaning of the level (kinlink-fs-1.4.0 and later) and one fitted before
    const wide = new MatchingEngine({ model: loadModel({ ...DEFAULT_MODEL_JSON, comparators: { viaFatherWhenRestDisagrees: true } }) });
    const narrow = new MatchingEngine({ model: loadModel({ ...DEFAULT_MODEL_JSON, comparators: undefined }) });
    const rec = (id: string, name: MatchRecord['name'], father?: MatchRecord['father']): MatchRecord => ({
      id, side: id.startsWith('c') ? 'child' : 'sought', groupId: id.startsWith('c') ? undefined : id.split('#')[0],
      agencyId: 'A', consentForTracing: true, name, ...(father ? { father } : {}),
    });
    const pairs: Array<[string, MatchRecord, MatchRecord]> = [
      // Arabic: one agency writes the father's given name as family name, the other the family name
      ['Arabic', rec('c1', { given: 'Muhammad', family: 'Adil' }), rec('t1#1', { given: 'Mohamed', family: 'Sahhaf' }, { given: 'Adil', family: 'Hosayn' })],
      // Somali: the father's name in Somali orthography (Cali = Ali); the other record names the clan
      ['Somali', rec('c1', { full: 'Hodan Cali' }), rec('t1#1', { given: 'Hodan', family: 'Warsame' }, { full: 'Ali Yusuf Warsame' })],
      // Afghan: tribal name on one side, the father's given name on the other (fathers known on the first)
      ['Afghan', rec('c1', { given: 'Gul', family: 'Ahmadzai' }, { full: 'Nazir Ahmadzai' }), rec('t1#1', { given: 'Gul', family: 'Nazir' })],
      // the grandfather's name (the father's second name) used as family name
      ['grandfather', rec('c1', { given: 'Muhammad', family: 'Hosayn' }), rec('t1#1', { given: 'Muhammad', family: 'Sahhaf' }, { given: 'Adil', family: 'Hosayn' })],
    ];
    it.each(pairs)('finds the father\'s name among the other record\'s names (%s)', (_, a, b) => {
      expect(wide.compareRecords(a, b).names['name.rest']).toBe('via-father');
      expect(wide.compareRecords(b, a).names['name.rest']).toBe('via-father');
      expect(narrow.compareRecords(a, b).names['name.rest']).toBe('none'); // the meaning the 1.3.0 weights were fitted for
    });

    it('needs the father\'s given or second name, not any name of his', () => {
      const a = rec('c1', { given: 'Muhammad', family: 'Jaber' });
      expect(wide.compareRecords(a, rec('t1#1', { given: 'Muhammad', family: 'Sahhaf' }, { given: 'Adil', family: 'Hosayn' })).names['name.rest']).toBe('none');
      expect(wide.compareRecords(a, rec('t1#1', { given: 'Muhammad', family: 'Sahhaf' }, { full: 'Adil Hosayn Jaber' })).names['name.rest']).toBe('none');
      expect(wide.compareRecords(a, rec('t1#1', { given: 'Muhammad', family: 'Sahhaf' })).names['name.rest']).toBe('none');
      // agreeing rest-of-names keep their own level
      expect(wide.compareRecords(rec('c1', { given: 'Muhammad', family: 'Sahhaf' }), rec('t1#1', { given: 'Muhammad', family: 'Sahhaf' }, { given: 'Sahhaf' })).names['name.rest']).toBe('all1');
    });

    it('says which father\'s name it found, and weighs the level above disagreement', () => {
      const [, a, b] = pairs[0];
      const x = wide.explainPair(a, b).explanation.find((f) => f.field === 'name.rest')!;
      expect(x.level).toBe('via-father');
      expect(x.note).toMatch(/father's name adil = adil/i);
      expect(x.note).toMatch(/patronymic used as family name/);
      const none = wide.explainPair(rec('c1', { given: 'Muhammad', family: 'Jaber' }), b).explanation.find((f) => f.field === 'name.rest')!;
      expect(x.weight).toBeGreaterThan(none.weight);
    });

    it('keeps the one-sided case: a record with only a first name and its father', () => {
      const a = rec('c1', { given: 'Hodan' }, { given: 'Cali' });
      const b = rec('t1#1', { given: 'Hodan', family: 'Ali Yusuf' });
      expect(narrow.compareRecords(a, b).names['name.rest']).toBe('via-father');
      expect(wide.explainPair(a, b).explanation.find((f) => f.field === 'name.rest')!.note).toMatch(/only a first name/);
    });
  });

  describe('competing candidates (one-to-one)', () => {
    // look-alikes: same common name and birth year, nothing else in common with the query
    const lookAlike = (id: string, pcode: string) => sought(id, {
      name: { given: 'Mohammed', family: 'Hassan Ali' }, dateOfBirth: '2014', inquirer: undefined, father: undefined,
      placeOfOrigin: { pcode }, agencyId: 'C',
    });
    const bare = (id: string) => child(id, { mother: undefined, father: undefined, placeOfOrigin: undefined, languages: undefined, nationality: undefined, dateOfBirth: '2014' });

    it('a lone candidate keeps its probability; look-alikes share the evidence instead of each claiming it', () => {
      const alone = new MatchingEngine();
      filler(alone, 400);
      alone.upsert(lookAlike('x1#1', 'SO1101'));
      const solo = alone.match(bare('c9'), { minProbability: 0, limit: 50 }).find((r) => r.otherId === 'x1#1')!;
      expect(solo.probability).toBeCloseTo(alone.explainPair(bare('c9'), lookAlike('x1#1', 'SO1101')).probability, 9);
      const soloLine = solo.explanation.find((x) => x.field === 'competing-candidates');
      expect(soloLine?.note ?? 'no rival candidate').toContain('no rival candidate');

      const crowd = new MatchingEngine();
      filler(crowd, 400);
      ['SO1101', 'SO1202', 'SO1303', 'SO1404'].forEach((pc, i) => crowd.upsert(lookAlike(`x${i + 1}#1`, pc)));
      const res = crowd.match(bare('c9'), { minProbability: 0, limit: 50 });
      const x1 = res.find((r) => r.otherId === 'x1#1')!;
      expect(x1.probability).toBeLessThan(solo.probability - 0.05);
      const line = x1.explanation.find((x) => x.field === 'competing-candidates')!;
      expect(line.weight).toBeLessThan(soloLine?.weight ?? 0);
      expect(line.note).toContain('rival candidates');
      for (const r of res) {
        expect(r.explanation.reduce((a, f) => a + f.weight, 0)).toBeCloseTo(r.score, 9);
        expect(r.probability).toBeCloseTo(1 / (1 + Math.pow(2, -r.score)), 9);
        if (r.otherId.startsWith('x')) expect(r.probability).toBeLessThan(solo.probability - 0.05);
      }
    });

    it('competingCandidates: false scores pair by pair (as before kinlink-fs-1.2.0)', () => {
      const e = new MatchingEngine({ competingCandidates: false });
      filler(e, 400);
      ['SO1101', 'SO1202', 'SO1303', 'SO1404'].forEach((pc, i) => e.upsert(lookAlike(`x${i + 1}#1`, pc)));
      const x1 = e.match(bare('c9'), { minProbability: 0, limit: 50 }).find((r) => r.otherId === 'x1#1')!;
      expect(x1.explanation.some((x) => x.field === 'competing-candidates')).toBe(false);
      expect(x1.probability).toBeGreaterThan(0.9);
    });

    it('the candidate\'s own rivals compete too: a look-alike does not come out high from the other record\'s direction', () => {
      // x1 is the lone candidate of the bare child c9 — but x1 has its true partner c1 on the child
      // side (same family name, parents, date of birth, place): seen from x1, c9 is a weak rival of c1
      const partner = child('c1', { name: { given: 'Mohammed', family: 'Hassan Ali' }, dateOfBirth: '2014-06-01', placeOfOrigin: { pcode: 'SO1101' }, agencyId: 'C' });
      const x1 = lookAlike('x1#1', 'SO1101');
      const build = (bothSides: boolean) => {
        const e = new MatchingEngine({ competingFromBothSides: bothSides });
        filler(e, 400);
        e.upsert(partner);
        e.upsert(x1);
        e.upsert(bare('c9'));
        return e;
      };
      const pOf = (e: MatchingEngine, q: MatchRecord, other: string) => e.match(q, { minProbability: 0, limit: 50 }).find((r) => r.otherId === other)?.probability ?? 0;
      const oneSided = build(false), twoSided = build(true);
      // from x1's side the true partner takes the evidence either way
      expect(pOf(twoSided, x1, 'c1')).toBeGreaterThan(0.5);
      expect(pOf(oneSided, x1, 'c9')).toBeLessThan(0.5);
      // from c9's side, one-sided scoring sees x1 alone; both-sided counts c1 as x1's rival
      expect(pOf(oneSided, bare('c9'), 'x1#1')).toBeGreaterThan(pOf(twoSided, bare('c9'), 'x1#1') + 0.2);
      expect(pOf(twoSided, bare('c9'), 'x1#1')).toBeLessThan(0.5);
      const line = twoSided.match(bare('c9'), { minProbability: 0, limit: 50 }).find((r) => r.otherId === 'x1#1')!.explanation.find((x) => x.field === 'competing-candidates')!;
      expect(line.note).toContain('rival candidates');
      // the true pair stays confident from both directions (c9 is only a weak rival of c1 for x1)
      expect(pOf(twoSided, partner, 'x1#1')).toBeGreaterThan(0.95);
      expect(pOf(twoSided, x1, 'c1')).toBeGreaterThan(0.95);
    });

    it('answers alike whatever order the records were stored in (look-alikes tied at the cuts)', () => {
      // 240 identical look-alike requests and 160 identical children: the candidate side's rivals
      // tie at the 100-record cut and among the strongest candidates; which records a cut keeps
      // must not depend on their numbering (a restored snapshot numbers them otherwise than a full load)
      const recs: MatchRecord[] = [];
      for (let i = 0; i < 240; i++) recs.push(lookAlike(`x${i}#1`, 'SO1101'));
      for (let i = 0; i < 160; i++) recs.push(bare(`c${i}`));
      const probs = (order: MatchRecord[], bothSides: boolean) => {
        const e = new MatchingEngine({ competingFromBothSides: bothSides });
        filler(e, 200);
        for (const r of order) e.upsert(r);
        const out = new Map<string, number>();
        for (const q of [bare('c0'), bare('c7'), lookAlike('x3#1', 'SO1101')]) {
          for (const r of e.match(q, { minProbability: 0, limit: 1000, explain: false })) out.set(`${q.id}|${r.otherId}`, r.probability);
        }
        return out;
      };
      for (const bothSides of [true, false]) {
        const a = probs(recs, bothSides), b = probs([...recs].reverse(), bothSides);
        expect(a.size).toBeGreaterThan(100);
        expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
        for (const [k, p] of a) expect(b.get(k)).toBeCloseTo(p, 9);
      }
    });

    it('two relatives\' requests for the same child do not compete with each other', () => {
      const e = new MatchingEngine();
      filler(e, 400);
      e.upsert(child('c1'));
      e.upsert(sought('t1#1'));
      e.upsert(sought('t5#1', { agencyId: 'D', inquirer: { name: { given: 'Hassan', family: 'Ali' }, relation: 'father' }, mother: { given: 'Faadumo', family: 'Omar' } }));
      const res = e.match(child('c1'), { minProbability: 0 });
      for (const id of ['t1#1', 't5#1']) expect(res.find((r) => r.otherId === id)!.probability).toBeGreaterThan(0.9);
    });
  });
});

/** the shipped model with another one-to-one stage; no population floor, so the records stored decide */
const shippedJson = (): MatchModelJson => JSON.parse(JSON.stringify(DEFAULT_MODEL_JSON));
const modelWithOneToOne = (oneToOne: MatchModelJson['oneToOne']) => {
  const j = shippedJson();
  return loadModel({ ...j, prior: { ...j.prior, minPopulation: 1 }, oneToOne });
};
/** 150 stored sought children: the true partner, a look-alike and filler (+ more records) */
const oneToOneEngine = (oneToOne: MatchModelJson['oneToOne'], more: MatchRecord[] = []) => {
  const e = new MatchingEngine({ model: modelWithOneToOne(oneToOne) });
  filler(e, 296);
  e.upsert(sought('t1#1'));
  e.upsert(sought('t2#1', { name: { given: 'Mohamed', family: 'Hassan' }, inquirer: undefined, father: undefined, agencyId: 'C' }));
  for (const r of more) e.upsert(r);
  return e;
};
/** c1's answers by the other record's id */
const answersOfC1 = (e: MatchingEngine) => new Map(e.match(child('c1'), { minProbability: 0, limit: 1000 }).map((r) => [r.otherId, r]));

describe('one-to-one calibration by population size', () => {
  const shipped = shippedJson;
  const modelWith = modelWithOneToOne;
  const table = [{ population: 64, slope: 1.1, intercept: 2 }, { population: 4096, slope: 0.9, intercept: -1 }];
  const build = (oneToOne: MatchModelJson['oneToOne']) => oneToOneEngine(oneToOne);
  const probabilities = (e: MatchingEngine) => new Map([...answersOfC1(e)].filter(([, r]) => r.kind === 'child-sought'));

  it('applies the table at the number of records stored on the candidate\'s side', () => {
    const sized = probabilities(build({ slope: 1, intercept: 0, bySize: table }));
    const at150 = oneToOneAt(modelWith({ slope: 1, intercept: 0, bySize: table }).oneToOne!, 150);
    expect(at150.intercept).toBeGreaterThan(-1);
    expect(at150.intercept).toBeLessThan(2);
    const plain = probabilities(build({ slope: at150.slope, intercept: at150.intercept }));
    expect(sized.size).toBeGreaterThan(1);
    for (const [id, r] of sized) expect(r.probability).toBeCloseTo(plain.get(id)!.probability, 12);
    // and it matters: held at either end of the table, the answers differ
    const low = probabilities(build({ slope: table[0].slope, intercept: table[0].intercept }));
    expect(sized.get('t1#1')!.probability).toBeLessThan(low.get('t1#1')!.probability);
    const line = sized.get('t2#1')!.explanation.find((x) => x.field === 'competing-candidates')!;
    expect(line.note).toContain('for 150 stored records');
    expect(line.note).toContain(`intercept +${at150.intercept.toFixed(3)}`);
  });

  it('a model without a table (before kinlink-fs-1.5.0) answers with its one calibration at every size', () => {
    const old = shipped().oneToOne!;
    delete old.bySize;
    const flat = { ...old, bySize: [{ population: 10, slope: old.slope, intercept: old.intercept }, { population: 1e6, slope: old.slope, intercept: old.intercept }] };
    const a = probabilities(build(old)), b = probabilities(build(flat));
    for (const [id, r] of a) expect(r.probability).toBeCloseTo(b.get(id)!.probability, 12);
    const note = a.get('t2#1')!.explanation.find((x) => x.field === 'competing-candidates')!.note;
    expect(note).toContain('one-to-one posterior calibrated');
    expect(note).not.toContain('stored records');
  });
});

describe('one-to-one stage: the odds of "no partner stored" (kinlink-fs-1.6.0)', () => {
  const build = (none: 'one' | 'unpartnered-rate' | undefined) => oneToOneEngine({ slope: 1, intercept: 0, ...(none ? { none } : {}) });
  const probabilities = (e: MatchingEngine) => new Map([...answersOfC1(e)].filter(([, r]) => r.kind === 'child-sought'));

  it('weighs it at 1 − the base rate: P = a / ((1 − r) + a + Σ rivals), and says so', () => {
    const one = probabilities(build(undefined)), rate = probabilities(build('unpartnered-rate'));
    const r = DEFAULT_MODEL_JSON.prior['child-sought'];
    expect(r).toBeGreaterThan(0.5);
    let compared = 0;
    for (const [id, x] of rate) {
      const line = x.explanation.find((e) => e.field === 'competing-candidates');
      if (!line) continue; // a sibling answer keeps its own probability
      // the line's weight is log2 odds after the stage − before it: recover a (the pair alone's odds)
      const a = Math.pow(2, Math.log2(x.probability / (1 - x.probability)) - line.weight);
      // and Σ rivals from the answer with "none" at 1: p1 = a / (1 + a + R)
      const p1 = one.get(id)!.probability;
      const R = a / p1 - 1 - a;
      expect(x.probability).toBeCloseTo(a / (1 - r + a + R), 9);
      expect(x.probability).toBeGreaterThan(p1);
      expect(line.note).toContain(`odds ${(1 - r).toFixed(3)}`);
      compared++;
    }
    expect(compared).toBeGreaterThan(1);
    expect(rate.get('t1#1')!.probability).toBeGreaterThan(one.get('t1#1')!.probability);
  });

  it('moves a duplicate registration by its kind\'s offset, not a child ↔ sought pair', () => {
    const withOffset = (kindOffset: Record<string, number>) =>
      answersOfC1(oneToOneEngine({ slope: 1, intercept: 0, kindOffset }, [child('c2', { agencyId: 'C', name: { given: 'Mohamed', family: 'Hassan Ali' } })]));
    const zero = withOffset({}), up = withOffset({ 'duplicate-child': 1 });
    const odds2 = (p: number) => Math.log2(p / (1 - p));
    expect(up.get('c2')!.kind).toBe('duplicate-child');
    expect(odds2(up.get('c2')!.probability) - odds2(zero.get('c2')!.probability)).toBeCloseTo(1, 6);
    expect(up.get('t1#1')!.probability).toBe(zero.get('t1#1')!.probability);
    expect(up.get('c2')!.explanation.find((e) => e.field === 'competing-candidates')!.note).toContain('+1.000 for duplicate-child');
  });

  it("'one' is the same as no setting (models before 1.6.0)", () => {
    const a = probabilities(build(undefined)), b = probabilities(build('one'));
    for (const [id, x] of a) expect(b.get(id)!.probability).toBe(x.probability);
    expect(a.get('t1#1')!.explanation.find((e) => e.field === 'competing-candidates')?.note ?? '').not.toContain('no partner stored');
  });
});

describe('a pair scores the same whichever record is matched', () => {
  it('compares name tokens symmetrically (the short-name exception to the phonetic floor looked at one side only)', () => {
    // Zia ~ Shah, Zia ~ Sise: a one-class phonetic key, one name of three letters
    const names = ['Zia', 'Shah', 'Sise', 'Sisi', 'Ali', 'Aly', 'Alia', 'Nur', 'Noor', 'Abdi', 'Cabdi', 'Omar', 'Umar', 'Ayan', 'Ayaan', 'Hawa', 'Hawo', 'Xasan', 'Hassan', 'Oleh', 'Oleg', 'Dawit', 'Daoud'];
    const rec = (id: string, side: 'child' | 'sought', given: string) => ({ id, side, agencyId: 'a', consentForTracing: true, name: { given, family: 'Farah' } });
    let compared = 0;
    for (const a of names) for (const b of names) {
      // engines of their own: a similarity cached from one orientation must not hide the other's
      const ab = new MatchingEngine().compareRecords(rec('x', 'child', a), rec('y', 'sought', b)).levels;
      const ba = new MatchingEngine().compareRecords(rec('y', 'sought', b), rec('x', 'child', a)).levels;
      expect([a, b, Array.from(ba)]).toEqual([a, b, Array.from(ab)]);
      compared++;
    }
    expect(compared).toBe(names.length ** 2);
  });
});

describe('the token-pair similarity cache', () => {
  it('answers what the comparison itself answers, before and after it grows, in either orientation', () => {
    const fs = require('fs') as typeof import('fs');
    const path = require('path') as typeof import('path');
    const rows = fs.readFileSync(path.join(__dirname, '../test-fixtures/wikidata-name-pairs.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const e = new MatchingEngine();
    rows.forEach(([latin, native], i) => e.upsert({ id: `r${i}`, side: i % 2 ? 'child' : 'sought', agencyId: 'a', consentForTracing: true, name: { given: latin, family: `${latin}ov`, original: native } }));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const cmp = (e as any).comparer as { sim(a: number, b: number): number; simUncached(a: number, b: number): number; simShift: number };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const tokens = (e as any).lexicon.tokFold.length as number;
    expect(tokens).toBeGreaterThan(1000); // enough pairs (> 4 · 2^16 misses) to make the cache grow
    const n = 1000;
    let mismatches = 0, checked = 0;
    for (let round = 0; round < 2; round++) {
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
        if ((a * 31 + b) % 3 !== round) continue; // a different third each round: fills, then re-reads
        const expected = cmp.simUncached(Math.min(a, b), Math.max(a, b));
        if (cmp.sim(a, b) !== expected || cmp.sim(b, a) !== expected) mismatches++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(250_000);
    expect(cmp.simShift).toBeGreaterThan(16);
    expect(mismatches).toBe(0);
  });
});

describe('re-scoring a stored pair (scorePair, matchStored)', () => {
  // a sought child described by a common name and birth year only, and children who fit it as well as each other
  const vague = sought('x1#1', { name: { given: 'Mohammed', family: 'Hassan Ali' }, dateOfBirth: '2014', inquirer: undefined, father: undefined, placeOfOrigin: undefined, agencyId: 'C' });
  const bare = (id: string, pcode: string) => child(id, { mother: undefined, father: undefined, placeOfOrigin: { pcode }, languages: undefined, nationality: undefined, dateOfBirth: '2014' });
  const build = () => {
    const e = new MatchingEngine();
    filler(e, 400);
    e.upsert(child('c1'));
    e.upsert(sought('t1#1'));
    return e;
  };

  it('answers what match answers for the pair, from the query record as stored', () => {
    const e = build();
    const m = e.match(sought('t1#1'), { minProbability: 0, limit: 50 }).find((r) => r.otherId === 'c1')!;
    const s = e.scorePair('t1#1', 'c1')!;
    expect(s.probability).toBeCloseTo(m.probability, 12);
    expect(s.score).toBeCloseTo(m.score, 9);
    expect(s.kind).toBe(m.kind);
    expect(s.recordId).toBe('t1#1');
    expect(s.otherId).toBe('c1');
    expect(s.explanation.map((f) => [f.field, f.level])).toEqual(m.explanation.map((f) => [f.field, f.level]));
    expect(s.explanation.reduce((a, f) => a + f.weight, 0)).toBeCloseTo(s.score, 9);
    const stored = e.matchStored('t1#1', { minProbability: 0, limit: 50 });
    const fresh = e.match(sought('t1#1'), { minProbability: 0, limit: 50 });
    expect(stored.map((r) => [r.otherId, r.probability])).toEqual(fresh.map((r) => [r.otherId, r.probability]));
    // how strongly it competes for each candidate, before competing; explanations only where asked
    const bare = e.matchStored('t1#1', { minProbability: 0, limit: 50, explain: false });
    expect(bare.map((r) => r.probabilities!.sameChildAlone)).toEqual(fresh.map((r) => r.probabilities!.sameChildAlone));
    expect(bare.every((r) => r.explanation.length === 0)).toBe(true);
    const some = e.match(sought('t1#1'), { minProbability: 0, limit: 50, explainMin: 0.5 });
    expect(some.map((r) => [r.otherId, r.probability])).toEqual(fresh.map((r) => [r.otherId, r.probability]));
    for (const r of some) expect(r.explanation.length > 0).toBe(r.probability >= 0.5);
  });

  it('a look-alike stored later lowers the pair; once it leaves, the pair is back where it was', () => {
    const e = build();
    e.upsert(vague);
    e.upsert(bare('c8', 'SO1101'));
    const before = e.scorePair('x1#1', 'c8')!.probability;
    const fromChild = e.scorePair('c8', 'x1#1')!.probability;
    e.upsert(bare('c9', 'SO1202'));
    const after = e.scorePair('x1#1', 'c8')!;
    expect(after.probability).toBeLessThan(before - 0.05);
    expect(after.explanation.find((f) => f.field === 'competing-candidates')!.note).toContain('rival candidates');
    // from the other record too: c8's candidate x1 meets its rival c9 on c8's side
    expect(e.scorePair('c8', 'x1#1')!.probability).toBeLessThan(fromChild - 0.05);
    e.remove('c9');
    expect(e.scorePair('x1#1', 'c8')!.probability).toBeCloseTo(before, 12);
  });

  it('scores the pair even when the filters of match would skip it, and says null for a record not stored', () => {
    const e = build();
    e.upsert(child('c3', { agencyId: 'Q', consentForTracing: false }));
    expect(e.match(sought('t1#1'), { minProbability: 0, limit: 50 }).some((r) => r.otherId === 'c3')).toBe(false);
    expect(e.scorePair('t1#1', 'c3')!.probability).toBeGreaterThan(0);
    expect(e.scorePair('t1#1', 'nope')).toBeNull();
    expect(e.scorePair('nope', 'c1')).toBeNull();
    expect(e.scorePair('c1', 'c1')).toBeNull();
    expect(e.matchStored('nope')).toEqual([]);
    const sib = e.scorePair('t1#1', 'c1', { sibling: true })!;
    expect(sib.kind).toBe('possible-sibling');
    expect(sib.probability).toBeCloseTo(e.scorePair('t1#1', 'c1')!.probabilities!.siblings, 12);
  });
});
