/**
 * Text normalisation and romanisation folding.
 *
 *   normaliseText  NFKC → transliterate → lower case → strip diacritics → ASCII letters/digits + spaces
 *   fold           romanisation-variant folding of one normalised token (kh, q/k, ou/u, ee/i,
 *                  doubled letters, abd-compounds, -uddin, Francophone ch/dj, Slavic -ij/-yi …)
 *   somaliAlt      the alternative reading of Somali orthography (c = ayn, x = ħ)
 *   phoneticKey    a consonant-class skeleton that survives missing vowels (Arabic script) and
 *                  vowel-spelling differences (Mohamed/Muhammad, Oleksandr/Aleksandr)
 */
import { CyrillicRules, transliterate } from './transliterate';

const SPECIAL: Record<string, string> = {
  'ø': 'o', 'æ': 'ae', 'œ': 'oe', 'ß': 'ss', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'þ': 'th', 'ı': 'i',
  'ŋ': 'ng', 'ʃ': 'sh', 'ɛ': 'e', 'ɔ': 'o', 'ə': 'e', 'ǝ': 'e', 'ħ': 'h', 'ɣ': 'gh', 'ʒ': 'zh',
  'ɲ': 'ny', 'ƙ': 'k', 'ɗ': 'd', 'ɓ': 'b', 'ƴ': 'y',
};
const APOSTROPHES = /['’‘ʼʻ`´ʿʾʹʽ′ʹ]/g;

/**
 * Normalise free text to lower-case ASCII words separated by single spaces.
 * Hyphens, dots and other punctuation separate words; apostrophes (and Arabic
 * ayn/hamza marks) are removed without separating ("Mo'men" → "momen").
 */
export function normaliseText(input: string, cyrillic?: CyrillicRules): string {
  if (!input) return '';
  let s = input.normalize('NFKC');
  s = transliterate(s, cyrillic);
  s = s.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  s = s.replace(/[^\x00-\x7f]/g, (ch) => SPECIAL[ch] ?? ch);
  s = s.replace(APOSTROPHES, '');
  s = s.replace(/[^a-z0-9]+/g, ' ').trim();
  return s;
}

const VOWEL = /[aeiou]/;

/** Fold one normalised token (a-z only) to its romanisation-insensitive form. */
/**
 * Version of the text rules (tokenisation in names.ts, folding here): prepared records and index
 * snapshots depend on them, so raise it when either changes.
 * 2 (2026-12-08): Tekle / Kidane / Habte join only with a saint's name; "abdur" + consonant = "abdul".
 */
export const TEXT_RULES = 2;

export function fold(token: string): string {
  let s = token;
  if (s.length === 0) return s;
  s = s.replace(/tsch|tsh|tch/g, 'ch');
  s = s.replace(/sch/g, 'sh');
  s = s.replace(/dzh|dj/g, 'j');
  s = s.replace(/zh/g, 'j');
  s = s.replace(/x/g, 'ks');
  // kh (خ, х) is kept as its own letter x: Khadija ≈ Kadija (South Asian k) and ≈ Hadija only via the variant table
  s = s.replace(/kh/g, 'x').replace(/gh/g, 'g').replace(/ph/g, 'f').replace(/th/g, 't').replace(/dh/g, 'd');
  s = s.replace(/ch/g, 'sh');
  s = s.replace(/ck/g, 'k').replace(/q/g, 'k');
  s = s.replace(/c(?=[eiy])/g, 's').replace(/c/g, 'k');
  s = s.replace(/w/g, 'v');
  s = s.replace(/ou/g, 'u').replace(/oo/g, 'u').replace(/ee/g, 'i');
  s = s.replace(/([iy])j(?![aeiou])/g, 'i');
  s = s.replace(/([aeo])j$/, '$1i');
  s = s.replace(/y/g, 'i');
  // -uddin / -eddine / al-din compounds → Xdin (before doubled letters collapse: keeps Gebremedhin intact)
  if (s.length >= 7) s = s.replace(/^([a-z]{3,}?)[aeiou][dl]dine?$/, '$1din');
  s = s.replace(/(.)\1+/g, '$1');
  if (s.length > 3) s = s.replace(/([aeiou])h$/, '$1');
  if (s.length > 4) s = s.replace(/([aeiou])ie$/, '$1i');
  if (s.length > 4) s = s.replace(/([^aeiou])e$/, '$1');
  // abd-compounds: Abdul Rahman, Abdelrahman, Abd al-Rahman, Abdurrahman, Abderrahmane, Abdirahman → abdrahman
  if (s.length >= 5 && s.startsWith('abd')) {
    let rest = s.slice(3);
    const stripped = rest.replace(/^[aeiou]+l(?=[a-z])/, '');
    if (stripped !== rest) rest = stripped;
    // "Abdur Karim", "Abdur Shukor" (South Asian usage: abdur before any name) = Abdul Karim: an r
    // before a consonant is the article's, not the name's (Abdurrahman's doubled r is one by now)
    else if (/^[aeiou]r[^aeiouy]/.test(rest) && rest.length >= 5) rest = rest.slice(2);
    // the article assimilated to sh (Abdush Shakur): the doubled letter is a digraph, not collapsed above
    else if (/^[aeiou]shsh/.test(rest)) rest = rest.slice(3);
    else if (rest.length >= 4) rest = rest.replace(/^[aeiou](?=[a-z]{3})/, '');
    s = 'abd' + rest;
  }
  return s;
}

/**
 * Somali orthography writes ayn as `c` and ħ as `x` (Maxamed, Cabdi, Xasan, Cali).
 * Returns the token as read with those conventions, or null when it has no c/x.
 */
export function somaliAlt(token: string): string | null {
  if (!/x|c(?!h)/.test(token)) return null;
  const alt = token.replace(/x/g, 'h').replace(/c(?!h)/g, '');
  return alt.length > 0 && alt !== token ? alt : null;
}

/**
 * Phonetic key of a folded token: first letter kept as a class (any initial
 * vowel → A, initial h → H), later vowels and h dropped, consonants merged by
 * class (b/p, f/v, d/t, s/z/sh, j, g, k, l, m, n, r). Designed so that an
 * unvocalised Arabic-script transliteration (mhmd) and Latin spellings
 * (Mohammed, Muhammad) share a key.
 */
export function phoneticKey(folded: string): string {
  let out = '';
  for (let i = 0; i < folded.length; i++) {
    const ch = folded[i];
    let c: string;
    if (VOWEL.test(ch)) {
      if (i === 0) out += 'A';
      continue;
    }
    switch (ch) {
      case 'h': if (i === 0) out += 'H'; continue;
      case 'b': case 'p': c = 'B'; break;
      case 'f': case 'v': c = 'F'; break;
      case 'd': case 't': c = 'T'; break;
      case 's': case 'z': c = 'S'; break;
      case 'j': c = 'J'; break;
      case 'g': c = 'G'; break;
      case 'k': case 'x': c = 'K'; break;
      case 'l': c = 'L'; break;
      case 'm': c = 'M'; break;
      case 'n': c = 'N'; break;
      case 'r': c = 'R'; break;
      default: c = ch >= '0' && ch <= '9' ? ch : ch.toUpperCase();
    }
    if (out.length === 0 || out[out.length - 1] !== c) out += c;
  }
  return out;
}
