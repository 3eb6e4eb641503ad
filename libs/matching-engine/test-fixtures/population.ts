import { MatchRecord } from '../src/index';

/** A deterministic population with spelling variants, other scripts, parents, places and siblings. */
export function population(n: number, seed: number): MatchRecord[] {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  const given = ['Mohammed', 'Muhammad', 'Mohamed', 'Amina', 'Aminah', 'Yusuf', 'Yousef', 'Omar', 'Umar', 'Hodan', 'Abdi', 'Ayaan', 'Fatima', 'Fatuma',
    'Oleksandr', 'Sasha', 'Hryhorii', 'Grigoriy', 'Liban', 'Sagal', 'Deeqa', 'Ilhan', 'Xasan', 'Hassan', 'Cali', 'Ali', 'Ahmed', 'Axmed'];
  const family = ['Farah', 'Jama', 'Warsame', 'Dirie', 'Samatar', 'Egal', 'Duale', 'Boqor', 'Aden', 'Cadan', 'Shevchenko', 'Kovalenko', 'Hassan Ali'];
  const original = ['محمد حسن', 'أمينة علي', 'يوسف فارح', 'Олександр Коваленко', undefined, undefined, undefined];
  // P-codes with their usual place names, so the engine learns which area a bare name denotes
  const places: Array<[string | undefined, string | undefined]> = [['SO220103', 'Mogadishu'], ['SO1101', 'Baidoa'], ['UA8000', 'Kyiv'], ['SO150301', 'Kismayo'], [undefined, 'Hargeisa'], [undefined, undefined]];
  const place = () => { const [pcode, text] = pick(places); return { pcode, text: rnd() < 0.8 ? text : undefined }; };
  // invented names too, so the dictionaries grow (a real population has tens of thousands of spellings)
  const syl = ['ka', 'ro', 'mi', 'sha', 'de', 'lu', 'xa', 'bo', 'ne', 'ti', 'qa', 'wer', 'ol', 'yu'];
  const invented = () => pick(syl).replace(/^./, (c) => c.toUpperCase()) + pick(syl) + (rnd() < 0.5 ? pick(syl) : '');
  const name = () => (rnd() < 0.35 ? invented() : pick(given));
  const out: MatchRecord[] = [];
  for (let i = 0; i < n; i++) {
    const side = rnd() < 0.5 ? 'child' : 'sought';
    const group = `tr${Math.floor(i / 2)}`;
    const y = 2004 + Math.floor(rnd() * 16);
    const dob = rnd() < 0.6 ? `${y}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}` : rnd() < 0.5 ? `${y}` : undefined;
    const r: MatchRecord = {
      id: side === 'child' ? `c${i}` : `${group}#${i}`, side, agencyId: pick(['A', 'B', 'C']), consentForTracing: rnd() < 0.85,
      ...(side === 'sought' ? { groupId: group } : {}),
      name: rnd() < 0.2 ? { full: `${name()} ${pick(family)}`, original: pick(original) } : { given: name(), family: rnd() < 0.3 ? invented() : pick(family), original: pick(original) },
      sex: pick(['male', 'female', undefined] as const),
      ...(dob ? { dateOfBirth: dob } : { estimatedAgeYears: 5 + Math.floor(rnd() * 10), ageRecordedOn: '2026-06-01' }),
      placeOfOrigin: place(),
      placeOfSeparation: rnd() < 0.4 ? { text: place().text } : undefined,
      languages: rnd() < 0.7 ? [pick(['Somali', 'Arabic', 'Ukrainian'])] : undefined,
      nationality: pick(['SO', 'UA', undefined]),
      mother: rnd() < 0.7 ? { given: name(), family: pick(family) } : undefined,
      father: rnd() < 0.5 ? { given: pick(given) } : undefined,
      siblings: rnd() < 0.3 ? [{ given: pick(given) }] : undefined,
      ...(side === 'sought' ? { inquirer: { name: { given: pick(given), family: pick(family) }, relation: 'mother' } } : {}),
    };
    out.push(r);
  }
  return out;
}
