/**
 * Renders canonical names into the spellings agencies actually write: the
 * generator's own romanisation conventions (deliberately independent from the
 * engine's normaliser) and native-script forms.
 */
import { Rng } from './rng';

type Opts = Array<[string, number]>;
const o = (...x: Array<string | number>): Opts => {
  const out: Opts = [];
  for (let i = 0; i < x.length; i += 2) out.push([x[i] as string, x[i + 1] as number]);
  return out;
};
function choose(rng: Rng, opts: Opts | string): string {
  if (typeof opts === 'string') return opts;
  let total = 0;
  for (const [, w] of opts) total += w;
  let x = rng.next() * total;
  for (const [s, w] of opts) {
    x -= w;
    if (x <= 0) return s;
  }
  return opts[opts.length - 1][0];
}

// ----------------------------------------------------- phonemic → Latin ---

interface Conv {
  map: Record<string, Opts | string>;
  double: number;
  article: Opts;
  abd: Opts;
  ssIntervocalic?: number;
  finalE?: number;
  sunAssimilation?: number;
  ullahSplit?: number;
}

const BASE: Record<string, Opts | string> = {
  b: 'b', t: 't', T: 'th', j: 'j', H: 'h', x: 'kh', d: 'd', D: 'dh', r: 'r', z: 'z', s: 's', S: 'sh', 3: o('', 0.85, "'", 0.15),
  "'": '', G: 'gh', f: 'f', q: 'q', k: 'k', l: 'l', m: 'm', n: 'n', h: 'h', w: 'w', y: 'y', p: 'p', c: 'ch', Z: 'zh', g: 'g', v: 'v',
  a: o('a', 0.95, 'e', 0.05), i: o('i', 0.8, 'e', 0.2), u: o('u', 0.6, 'o', 0.4), e: 'e', o: 'o',
  A: o('a', 0.9, 'aa', 0.1), I: o('i', 0.5, 'ee', 0.5), U: o('u', 0.5, 'oo', 0.3, 'ou', 0.2), E: o('e', 0.7, 'ee', 0.3), O: o('o', 0.8, 'oo', 0.2),
  '@': o('a', 0.6, 'ah', 0.4),
};

const CONVS: Record<string, Conv> = {
  en: { map: BASE, double: 0.75, article: o('al-', 0.6, 'Al ', 0.1, 'el-', 0.1, '', 0.2), abd: o('Abdul ', 0.3, 'Abdul', 0.25, 'Abd al-', 0.15, 'Abdel', 0.1, 'Abdu*', 0.2), ullahSplit: 0.2 },
  fr: {
    map: { ...BASE, j: o('dj', 0.6, 'j', 0.4), S: o('ch', 0.8, 'sh', 0.2), u: o('ou', 0.7, 'o', 0.2, 'u', 0.1), U: o('ou', 0.9, 'u', 0.1), I: 'i', a: o('a', 0.8, 'e', 0.2), i: o('i', 0.6, 'e', 0.4), q: o('k', 0.5, 'q', 0.5), '@': o('a', 0.8, 'ah', 0.2), 3: '', x: o('kh', 0.9, 'h', 0.1), w: o('w', 0.5, 'ou', 0.5) },
    double: 0.7, article: o('el-', 0.35, 'al-', 0.3, '', 0.25, 'el ', 0.1), abd: o('Abdel', 0.35, 'Abde*', 0.35, 'Abd el-', 0.3), ssIntervocalic: 0.7, finalE: 0.35, sunAssimilation: 0.3,
  },
  so: {
    map: { ...BASE, H: 'x', 3: 'c', "'": '', G: 'g', T: 't', D: 'dh', A: 'aa', I: 'ii', U: 'uu', E: 'ee', O: 'oo', u: o('u', 0.7, 'o', 0.3), a: 'a', i: 'i', '@': o('o', 0.5, 'a', 0.5) },
    double: 0.9, article: o('', 1), abd: o('Cabdi', 1),
  },
  'so-en': {
    map: { ...BASE, H: o('h', 0.9, 'x', 0.1), 3: o('', 0.9, 'c', 0.1), A: o('a', 0.7, 'aa', 0.3), I: o('i', 0.6, 'ee', 0.2, 'ii', 0.2), U: o('u', 0.6, 'oo', 0.2, 'uu', 0.2), E: o('e', 0.6, 'ee', 0.4), u: o('u', 0.5, 'o', 0.5), '@': o('a', 0.6, 'o', 0.4) },
    double: 0.6, article: o('', 0.8, 'al-', 0.2), abd: o('Abdi', 0.5, 'Abdul', 0.3, 'Abdu*', 0.2),
  },
  sch: {
    map: { ...BASE, H: 'ḥ', 3: 'ʿ', "'": 'ʾ', A: 'ā', I: 'ī', U: 'ū', E: 'ē', O: 'ō', a: 'a', i: 'i', u: 'u', '@': o('ah', 0.5, 'a', 0.5) },
    double: 1, article: o('al-', 1), abd: o('ʿAbd al-', 1), sunAssimilation: 0.3,
  },
  sa: {
    map: { ...BASE, u: o('u', 0.5, 'o', 0.5), U: o('oo', 0.4, 'u', 0.6), I: o('ee', 0.4, 'i', 0.6), A: o('a', 0.8, 'aa', 0.2), q: o('q', 0.6, 'k', 0.4), w: o('w', 0.8, 'v', 0.2), '@': o('a', 0.7, 'ah', 0.3), E: o('e', 0.7, 'ai', 0.3), O: o('o', 0.8, 'u', 0.2), 3: '' },
    double: 0.6, article: o('', 0.5, 'al-', 0.3, 'ul-', 0.2), abd: o('Abdul ', 0.5, 'Abdul', 0.3, 'Abdu*', 0.2), ullahSplit: 0.35,
  },
  bn: {
    map: { ...BASE, a: o('a', 0.6, 'o', 0.4), u: o('u', 0.5, 'o', 0.5), U: o('u', 0.7, 'oo', 0.3), I: o('i', 0.7, 'ee', 0.3), S: o('sh', 0.6, 's', 0.4), z: o('z', 0.6, 'j', 0.4), q: o('k', 0.7, 'q', 0.3), x: o('kh', 0.7, 'k', 0.3), 3: '', '@': 'a' },
    double: 0.5, article: o('', 0.4, 'ul ', 0.3, 'al-', 0.3), abd: o('Abdur ', 0.4, 'Abdul ', 0.4, 'Abdu ', 0.2), ullahSplit: 0.5,
  },
};

const SUN = new Set(['t', 'T', 'd', 'D', 'r', 'z', 's', 'S', 'l', 'n']);
const VOW = new Set(['a', 'i', 'u', 'e', 'o', 'A', 'I', 'U', 'E', 'O', '@']);
const cap = (s: string) => s.replace(/(^|[\s\-])([a-zʿāīūḥ])/g, (_m, a: string, b: string) => a + b.toUpperCase());

function romaniseWord(w: string, conv: Conv, rng: Rng, male: boolean): string {
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const ch = w[i];
    const next = w[i + 1];
    if (ch === 'a' && next === '@') continue; // the vowel of ta marbuta is written by @
    if (i === 0 && (ch === 'a' || ch === 'i')) { out += ch; continue; } // initial short vowels keep their letter
    if (ch === next && !VOW.has(ch)) {
      const s = choose(rng, conv.map[ch] ?? ch);
      out += rng.chance(conv.double) ? s + s : s;
      i++;
      continue;
    }
    if (ch === 's' && conv.ssIntervocalic && i > 0 && VOW.has(w[i - 1]) && next && VOW.has(next) && rng.chance(conv.ssIntervocalic)) {
      out += 'ss';
      continue;
    }
    out += choose(rng, conv.map[ch] ?? ch);
  }
  if (conv.finalE && male && !VOW.has(w[w.length - 1]) && rng.chance(conv.finalE)) out += 'e';
  return out;
}

/** Romanise a phonemic name (several words) with a convention. */
export function romanisePhonemic(phon: string, convName: string, rng: Rng, male: boolean): string {
  const conv = CONVS[convName] ?? CONVS.en;
  if (convName === 'bn' && phon.startsWith('muHammad')) {
    const md = choose(rng, o('Md.', 0.35, 'Mohammad', 0.35, 'Muhammad', 0.15, 'Mohammed', 0.15));
    const rest = phon.slice('muHammad'.length).trim();
    return rest ? md + ' ' + romanisePhonemic(rest, convName, rng, male) : md;
  }
  const words = phon.split(' ');
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    let w = words[k];
    if (w === '3abd' && k + 1 < words.length && words[k + 1] === 'al-lAh') {
      const opts: Record<string, Opts> = {
        en: o('Abdullah', 0.5, 'Abdallah', 0.3, 'Abd Allah', 0.1, 'Abdalla', 0.1), fr: o('Abdallah', 0.5, 'Abdellah', 0.3, 'Abdullah', 0.2),
        sa: o('Abdullah', 0.6, 'Abdulla', 0.2, 'Abd Allah', 0.2), bn: o('Abdullah', 0.7, 'Abdulla', 0.3), sch: o('ʿAbd Allāh', 1),
        so: o('Cabdullaahi', 0.7, 'Cabdalla', 0.3), 'so-en': o('Abdullahi', 0.6, 'Abdulahi', 0.2, 'Abdalla', 0.2),
      };
      out.push(choose(rng, opts[convName] ?? opts.en));
      k++;
      continue;
    }
    if (w === '3abd' && k + 1 < words.length && words[k + 1].startsWith('al-')) {
      const target = words[k + 1].slice(3);
      let prefix = choose(rng, conv.abd);
      if (prefix.endsWith('*')) prefix = prefix.slice(0, -1) + romaniseWord(target[0], conv, rng, male);
      const body = romaniseWord(target, conv, rng, male);
      const joined = /[ \-]$/.test(prefix) ? prefix + body : prefix + body;
      out.push(cap(joined.replace(/ ([a-z])/g, (_m, c: string) => ' ' + c)));
      k++;
      continue;
    }
    if (w.startsWith('al-')) {
      w = w.slice(3);
      let art = choose(rng, conv.article);
      if (art && conv.sunAssimilation && SUN.has(w[0]) && rng.chance(conv.sunAssimilation)) art = art[0] + choose(rng, conv.map[w[0]] ?? w[0]) + '-';
      const body = romaniseWord(w, conv, rng, male);
      out.push(art.endsWith(' ') ? cap(art) + cap(body) : cap(art + body));
      continue;
    }
    let r = romaniseWord(w, conv, rng, male);
    if (conv.ullahSplit && /ull(ah|a|aah)$/.test(r) && r.length > 6 && rng.chance(conv.ullahSplit)) r = r.replace(/(ull(?:ah|a|aah))$/, ' $1');
    out.push(cap(r));
  }
  return out.join(' ');
}

// --------------------------------------------------- phonemic → Arabic ---

const AR: Record<string, string> = {
  b: 'ب', t: 'ت', T: 'ث', j: 'ج', H: 'ح', x: 'خ', d: 'د', D: 'ذ', r: 'ر', z: 'ز', s: 'س', S: 'ش', 3: 'ع', G: 'غ', f: 'ف',
  q: 'ق', k: 'ك', l: 'ل', m: 'م', n: 'ن', h: 'ه', w: 'و', y: 'ي', p: 'پ', c: 'چ', Z: 'ژ', g: 'گ', v: 'ڤ',
  A: 'ا', I: 'ي', U: 'و', E: 'ي', O: 'و',
};

export function arabicScript(phon: string, persian: boolean, rng: Rng): string {
  const words = phon.split(' ');
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    let w = words[k];
    if (w === 'al-lAh') { out.push('الله'); continue; }
    let prefix = '';
    let suffix = '';
    if (w.startsWith('al-')) { prefix = 'ال'; w = w.slice(3); }
    if (w.endsWith('ullAh') && w.length > 5) { suffix = 'الله'; w = w.slice(0, -5); }
    let s = '';
    for (let i = 0; i < w.length; i++) {
      const ch = w[i];
      if (ch === w[i - 1] && !VOW.has(ch)) continue; // gemination unwritten
      if (i === 0 && (ch === 'a' || ch === 'u')) { s += 'أ'; continue; }
      if (i === 0 && ch === 'i') { s += 'إ'; continue; }
      if (i === 0 && (ch === 'A')) { s += 'آ'; continue; }
      if (ch === "'") { s += i === 0 ? 'أ' : w[i + 1] === 'i' || w[i + 1] === 'I' ? 'ئ' : w[i + 1] === 'u' ? 'ؤ' : 'ء'; continue; }
      if (ch === '@') { s += persian ? 'ه' : 'ة'; continue; }
      if (ch === 'a' || ch === 'i' || ch === 'u' || ch === 'e' || ch === 'o') {
        if (persian && i === w.length - 1 && ch === 'a') s += 'ه';
        continue;
      }
      let c = AR[ch] ?? '';
      if (persian && c === 'ك') c = 'ک';
      if (persian && c === 'ي') c = 'ی';
      s += c;
    }
    if (w === '3abd' && k + 1 < words.length && words[k + 1].startsWith('al-')) {
      out.push(rng.chance(0.5) ? s : s + '\u0000');
      continue;
    }
    out.push(prefix + s + suffix);
  }
  return out.join(' ').replace(/\u0000 /g, '');
}

// --------------------------------------------------- Ethiopic → Latin ---

const ETH_CONS: Array<Opts | string> = [
  'h', 'l', 'h', 'm', 's', 'r', 's', 'sh', o('k', 0.6, 'q', 0.4), o('kw', 0.5, 'qu', 0.5), o('kh', 0.5, 'q', 0.3, 'h', 0.2), 'kw', 'b', 'v', 't', 'ch',
  'h', 'hw', 'n', o('gn', 0.5, 'ny', 0.5), '', 'k', 'kw', o('kh', 0.4, 'h', 0.6), 'khw', 'w', '', 'z', 'zh', 'y', 'd', 'd',
  'j', o('g', 0.75, 'gh', 0.25), 'gw', 'g', 't', 'ch', 'p', o('ts', 0.6, 'tz', 0.2, 's', 0.1, 'z', 0.1), o('ts', 0.6, 'tz', 0.2, 's', 0.2), 'f', 'p',
];
const COMPOUND_PREFIX = ['ገብረ', 'ወልደ', 'ሃብተ', 'ተስፋ', 'ምሕረት'];

export function romaniseEthiopic(word: string, conv: string, rng: Rng): string {
  const a = conv === 'ti-a';
  let split = -1;
  for (const p of COMPOUND_PREFIX) if (word.startsWith(p) && word.length > p.length + 1 && rng.chance(0.25)) split = [...p].length;
  const chars = [...word];
  let out = '';
  chars.forEach((ch, idx) => {
    if (idx === split) out += ' ';
    const code = ch.codePointAt(0)! - 0x1200;
    if (code < 0 || code > 0x15a) { out += ch; return; }
    const row = code >> 3, ord = code & 7;
    const cons = choose(rng, ETH_CONS[row] ?? '');
    const last = idx === chars.length - 1;
    let v: string;
    switch (ord) {
      case 0: v = choose(rng, a ? o('e', 0.9, 'a', 0.1) : o('e', 0.6, 'a', 0.4)); break;
      case 1: v = 'u'; break;
      case 2: v = 'i'; break;
      case 3: v = 'a'; break;
      case 4: v = choose(rng, o('e', 0.8, 'ie', 0.2)); break;
      case 5:
        if (cons === 'y' && last) { out += choose(rng, a ? o('y', 0.5, 'i', 0.3, 'ye', 0.2) : o('i', 0.6, 'y', 0.4)); return; }
        v = !last && rng.chance(a ? 0.2 : 0.35) && cons !== '' ? choose(rng, o('i', 0.6, 'e', 0.4)) : cons === '' ? choose(rng, o('e', 0.6, 'i', 0.4)) : '';
        break;
      case 6: v = 'o'; break;
      default: v = 'wa';
    }
    if (cons === '' && ord === 0) v = 'a';
    out += cons + v;
  });
  // unmarked gemination written double sometimes (Yohannes)
  if (rng.chance(0.15)) out = out.replace(/([aeiou])([nslmrt])([aeiou])/, '$1$2$2$3');
  return out.split(' ').map((w) => cap(w)).join(' ');
}

// -------------------------------------------------- Cyrillic → Latin ---

const KMU: Record<string, [string, string]> = {
  а: ['a', 'a'], б: ['b', 'b'], в: ['v', 'v'], г: ['h', 'h'], ґ: ['g', 'g'], д: ['d', 'd'], е: ['e', 'e'], є: ['ye', 'ie'], ж: ['zh', 'zh'],
  з: ['z', 'z'], и: ['y', 'y'], і: ['i', 'i'], ї: ['yi', 'i'], й: ['y', 'i'], к: ['k', 'k'], л: ['l', 'l'], м: ['m', 'm'], н: ['n', 'n'],
  о: ['o', 'o'], п: ['p', 'p'], р: ['r', 'r'], с: ['s', 's'], т: ['t', 't'], у: ['u', 'u'], ф: ['f', 'f'], х: ['kh', 'kh'], ц: ['ts', 'ts'],
  ч: ['ch', 'ch'], ш: ['sh', 'sh'], щ: ['shch', 'shch'], ь: ['', ''], ю: ['yu', 'iu'], я: ['ya', 'ia'], "'": ['', ''], ё: ['yo', 'io'], ы: ['y', 'y'], э: ['e', 'e'], ъ: ['', ''],
};
const OLD: Record<string, [string, string]> = { ...KMU, є: ['ye', 'ye'], ї: ['yi', 'yi'], й: ['y', 'y'], ю: ['yu', 'yu'], я: ['ya', 'ya'] };
const RU: Record<string, [string, string]> = {
  ...KMU, г: ['g', 'g'], и: ['i', 'i'], й: ['y', 'y'], ю: ['yu', 'yu'], я: ['ya', 'ya'], ы: ['y', 'y'], э: ['e', 'e'], ё: ['yo', 'yo'], е: ['ye', 'e'],
};
const DE: Record<string, [string, string]> = {
  ...KMU, в: ['w', 'w'], й: ['j', 'j'], ю: ['ju', 'ju'], я: ['ja', 'ja'], є: ['je', 'je'], ї: ['ji', 'ji'], х: ['ch', 'ch'], ц: ['z', 'z'],
  ч: ['tsch', 'tsch'], ш: ['sch', 'sch'], щ: ['schtsch', 'schtsch'], ж: ['sch', 'sch'], з: ['s', 's'],
};

function cyr(word: string, table: Record<string, [string, string]>, rng: Rng, xForKs = 0): string {
  const w = word.toLowerCase();
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const ch = w[i];
    if (xForKs && ch === 'к' && w[i + 1] === 'с' && rng.chance(xForKs)) { out += 'x'; i++; continue; }
    const initial = i === 0;
    const t = table[ch];
    if (!t) { out += ch; continue; }
    if (table === RU && ch === 'е' && i > 0 && 'аеёиоуыэюяьъ'.includes(w[i - 1])) { out += 'ye'; continue; }
    out += initial ? t[0] : t[1];
  }
  return cap(out);
}

/** Romanise a Ukrainian name given its Ukrainian and Russian Cyrillic forms. */
export function romaniseCyrillic(uk: string, ru: string | undefined, en: string | undefined, conv: string, rng: Rng): string {
  switch (conv) {
    case 'kmu': return uk.split(' ').map((w) => cyr(w, KMU, rng)).join(' ');
    case 'ua-old': return uk.split(' ').map((w) => cyr(w, OLD, rng).replace(/Iy$|iy$/, (m) => m).replace(/ii$/, 'iy')).join(' ');
    case 'ru': return (ru ?? uk).split(' ').map((w) => cyr(w, RU, rng).replace(/yy$/, 'y')).join(' ');
    case 'de': return uk.split(' ').map((w) => cyr(w, DE, rng, 0.6)).join(' ');
    case 'en': return en ?? (ru ?? uk).split(' ').map((w) => cyr(w, RU, rng, 0.5)).join(' ');
    default: return uk;
  }
}

// ------------------------------------------------------- Congolese ---

export function renderCongolese(name: string, conv: string, rng: Rng): string {
  let s = name;
  if (conv === 'cd-fr') {
    s = s.split(/([ -])/).map((w) => {
      if (/^[A-Z][a-z]+$/.test(w) && /[aeiou]/.test(w) && !/é|è|ï|â/.test(w)) {
        if (/u/.test(w) && rng.chance(0.45)) w = w.replace(/u/g, 'ou').replace(/ouou/g, 'ou');
        if (/^Tsh/.test(w) && rng.chance(0.5)) w = w.replace(/^Tsh/, rng.chance(0.6) ? 'Tch' : 'Ch');
        if (/^Mw/.test(w) && rng.chance(0.3)) w = w.replace(/^Mw/, 'Mou');
        if (/[aeiou]s[aeiou]/.test(w) && rng.chance(0.3)) w = w.replace(/([aeiou])s([aeiou])/, '$1ss$2');
        if (/^Ci/.test(w) && rng.chance(0.5)) w = w.replace(/^Ci/, 'Chi');
      }
      return w;
    }).join('');
  } else {
    if (rng.chance(conv === 'cd-en' ? 0.9 : 0.6)) s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (s.includes('-') && rng.chance(0.4)) s = s.replace(/-/g, rng.chance(0.8) ? ' ' : '');
    if (/^Tsh/.test(s) && rng.chance(0.2)) s = s.replace(/^Tsh/, 'Sh');
  }
  return s;
}

// --------------------------------------------------------- typos ---

const KEYS = 'abcdefghijklmnopqrstuvwxyz';
/** one keyboard/hearing error in a word (insert, delete, substitute, transpose, double) */
export function typo(word: string, rng: Rng): string {
  if (word.length < 3) return word;
  const i = 1 + Math.floor(rng.next() * (word.length - 1));
  const kind = rng.int(0, 4);
  const c = KEYS[rng.int(0, 25)];
  switch (kind) {
    case 0: return word.slice(0, i) + c + word.slice(i);
    case 1: return word.slice(0, i) + word.slice(i + 1);
    case 2: return word.slice(0, i) + c + word.slice(i + 1);
    case 3: return i < word.length - 1 ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word.slice(0, i - 1) + word[i] + word[i - 1];
    default: return word.slice(0, i) + word[i] + word.slice(i);
  }
}
