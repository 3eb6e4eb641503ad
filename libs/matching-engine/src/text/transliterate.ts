/**
 * Script → Latin transliteration for the scripts Kinlink meets in the field:
 * Arabic script (Arabic, Persian/Dari, Pashto, Urdu letters), Cyrillic
 * (Ukrainian KMU-2010 and Russian BGN/PCGN-style rules) and Ethiopic
 * (Tigrinya/Amharic fidel). Output is lower-case Latin; characters of other
 * scripts pass through unchanged (the caller strips what it cannot use).
 *
 * Unvocalised Arabic script carries no short vowels, so `محمد` becomes `mhmd`:
 * comparisons against Latin spellings rely on consonant skeletons, phonetic
 * keys and the variant table (which knows native forms), not on raw string
 * similarity.
 */

export type CyrillicRules = 'uk' | 'ru';

// ---------------------------------------------------------------- Arabic ---

const AR_CONS: Record<string, string> = {
  'ب': 'b', 'ت': 't', 'ث': 'th', 'ج': 'j', 'ح': 'h', 'خ': 'kh', 'د': 'd', 'ذ': 'dh',
  'ر': 'r', 'ز': 'z', 'س': 's', 'ش': 'sh', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'z',
  'غ': 'gh', 'ف': 'f', 'ق': 'q', 'ك': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'ه': 'h',
  // Persian / Dari / Pashto / Urdu / Maghrebi letters
  'پ': 'p', 'چ': 'ch', 'ژ': 'zh', 'گ': 'g', 'ک': 'k', 'ګ': 'g', 'ټ': 't', 'ډ': 'd',
  'ړ': 'r', 'ږ': 'zh', 'ښ': 'sh', 'ځ': 'dz', 'څ': 'ts', 'ڼ': 'n', 'ٹ': 't', 'ڈ': 'd',
  'ڑ': 'r', 'ں': 'n', 'ھ': 'h', 'ڤ': 'v', 'ڨ': 'g', 'ڭ': 'g', 'ۀ': 'a', 'ە': 'e',
};
const AR_ALEF = new Set(['ا', 'أ', 'إ', 'آ', 'ٱ']);
const AR_YEH = new Set(['ي', 'ی', 'ې', 'ۍ', 'ے', 'ۓ', 'ئ', 'ى']);
const AR_HARAKAT: Record<string, string> = {
  '\u064E': 'a', '\u064F': 'u', '\u0650': 'i', '\u0670': 'a',
  '\u064B': '', '\u064C': '', '\u064D': '', '\u0651': '', '\u0652': '', '\u0653': '', '\u0654': '', '\u0655': '',
};

function nextLetter(word: string, i: number): string | undefined {
  for (let k = i + 1; k < word.length; k++) {
    const ch = word[k];
    if (ch in AR_HARAKAT || ch === '\u0640') continue;
    return ch;
  }
  return undefined;
}

/** Transliterate one Arabic-script word (no spaces). */
function arabicWord(word: string): string {
  let out = '';
  let start = 0;
  // word-initial definite article ال → "al-" (becomes its own token, later dropped as a particle)
  if (word.length > 3 && word[0] === 'ا' && word[1] === 'ل') {
    out = 'al-';
    start = 2;
  }
  for (let i = start; i < word.length; i++) {
    const ch = word[i];
    const initial = i === start;
    const next = nextLetter(word, i);
    const final = next === undefined;
    if (ch === '\u0640') continue; // tatweel
    if (ch in AR_HARAKAT) { out += AR_HARAKAT[ch]; continue; }
    if (AR_ALEF.has(ch)) {
      out += ch === 'إ' ? 'i' : (ch === 'أ' && !initial ? '' : 'a');
      continue;
    }
    if (ch === 'ع') { out += next === 'ا' || next === 'آ' ? '' : 'a'; continue; }
    if (ch === 'ء') continue;
    if (ch === 'ؤ') { out += 'u'; continue; }
    if (ch === 'ة') { out += 'a'; continue; }
    if (ch === 'و') {
      if (initial || next === 'ا' || next === 'ى' || next === 'ة') out += 'w';
      else out += 'u';
      continue;
    }
    if (AR_YEH.has(ch)) {
      if (ch === 'ى' && final) { out += 'a'; continue; }
      if (ch === 'ې' || ch === 'ے' || ch === 'ۓ') { out += 'e'; continue; }
      if (ch === 'ۍ') { out += 'ai'; continue; }
      if (ch === 'ئ') { out += 'i'; continue; }
      if (initial || (next !== undefined && (AR_ALEF.has(next) || next === 'و' || next === 'ى' || next === 'ة'))) out += 'y';
      else out += 'i';
      continue;
    }
    if (ch === 'ه' && final && out.length > 0 && !/[aeiouy]$/.test(out)) { out += 'a'; continue; }
    const c = AR_CONS[ch];
    if (c !== undefined) { out += c; continue; }
    const code = ch.charCodeAt(0);
    if (code >= 0x0660 && code <= 0x0669) { out += String(code - 0x0660); continue; }
    if (code >= 0x06f0 && code <= 0x06f9) { out += String(code - 0x06f0); continue; }
    out += ch;
  }
  return out;
}

// -------------------------------------------------------------- Cyrillic ---

const CYR_COMMON: Record<string, string> = {
  'а': 'a', 'б': 'b', 'в': 'v', 'д': 'd', 'е': 'e', 'ж': 'zh', 'з': 'z', 'к': 'k', 'л': 'l',
  'м': 'm', 'н': 'n', 'о': 'o', 'п': 'p', 'р': 'r', 'с': 's', 'т': 't', 'у': 'u', 'ф': 'f',
  'х': 'kh', 'ц': 'ts', 'ч': 'ch', 'ш': 'sh', 'щ': 'shch', 'ь': '', 'ъ': '', '\u02bc': '', '’': '', "'": '',
};
// Ukrainian national transliteration (KMU 2010): initial/non-initial forms.
const CYR_UK: Record<string, [string, string]> = {
  'г': ['h', 'h'], 'ґ': ['g', 'g'], 'є': ['ye', 'ie'], 'и': ['y', 'y'], 'і': ['i', 'i'],
  'ї': ['yi', 'i'], 'й': ['y', 'i'], 'ю': ['yu', 'iu'], 'я': ['ya', 'ia'], 'ы': ['y', 'y'],
  'э': ['e', 'e'], 'ё': ['yo', 'io'],
};
// Russian, BGN/PCGN-style as used on many passports and by English-language agencies.
const CYR_RU: Record<string, [string, string]> = {
  'г': ['g', 'g'], 'ґ': ['g', 'g'], 'є': ['ye', 'ye'], 'и': ['i', 'i'], 'і': ['i', 'i'],
  'ї': ['yi', 'yi'], 'й': ['y', 'y'], 'ю': ['yu', 'yu'], 'я': ['ya', 'ya'], 'ы': ['y', 'y'],
  'э': ['e', 'e'], 'ё': ['yo', 'yo'], 'е': ['ye', 'e'],
};

function isCyr(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c >= 0x0400 && c <= 0x04ff;
}

function cyrillicWord(word: string, rules: CyrillicRules): string {
  const table = rules === 'uk' ? CYR_UK : CYR_RU;
  const w = word.toLowerCase();
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const ch = w[i];
    const initial = i === 0 || !isCyr(w[i - 1]);
    const pair = table[ch];
    if (pair) {
      // Russian е is "ye" only word-initially or after a vowel/soft sign
      if (rules === 'ru' && ch === 'е') {
        const prev = i > 0 ? w[i - 1] : '';
        out += initial || 'аеёиоуыэюяьъ'.includes(prev) ? 'ye' : 'e';
      } else out += initial ? pair[0] : pair[1];
      continue;
    }
    const c = CYR_COMMON[ch];
    out += c !== undefined ? c : ch;
  }
  // Ukrainian "зг" is written "zgh" to keep it apart from "ж"
  if (rules === 'uk') out = out.replace(/zh(?=h)/g, 'zgh');
  return out;
}

/** Ukrainian-specific letters decide the rules; otherwise the caller's preference. */
export function cyrillicRulesFor(text: string, fallback: CyrillicRules = 'uk'): CyrillicRules {
  if (/[іїєґІЇЄҐ]/.test(text)) return 'uk';
  if (/[ыэъёЫЭЪЁ]/.test(text)) return 'ru';
  return fallback;
}

// -------------------------------------------------------------- Ethiopic ---

// consonant of each 8-code-point row starting at U+1200 ('' = vowel carrier)
const ETH_ROWS: string[] = [
  'h', 'l', 'h', 'm', 's', 'r', 's', 'sh', 'q', 'qw', 'q', 'qw', 'b', 'v', 't', 'ch',
  'h', 'hw', 'n', 'ny', '', 'k', 'kw', 'kh', 'khw', 'w', '', 'z', 'zh', 'y', 'd', 'd',
  'j', 'g', 'gw', 'g', 't', 'ch', 'p', 'ts', 'ts', 'f', 'p', 'ry',
];
const ETH_ORDERS = ['e', 'u', 'i', 'a', 'e', '', 'o', 'wa'];

function ethiopicChar(ch: string, prevWasEthiopicConsonant: boolean): string {
  const code = ch.charCodeAt(0);
  if (code === 0x1361 || code === 0x1362 || code === 0x1363 || code === 0x1364) return ' ';
  if (code < 0x1200 || code > 0x135a) return ch;
  const row = (code - 0x1200) >> 3;
  const order = (code - 0x1200) & 7;
  const cons = ETH_ROWS[row] ?? '';
  let vowel = ETH_ORDERS[order];
  if (cons === '') {
    // አ / ዐ carriers: the vowel alone; 1st and 6th order are read "a" and "e"
    if (order === 0) vowel = 'a';
    if (order === 5) vowel = 'e';
    return vowel;
  }
  // labialised rows (qw, kw, hw, gw...) have their own order layout; approximate
  if (cons.endsWith('w') && cons.length > 1 && order === 7) vowel = '';
  void prevWasEthiopicConsonant;
  return cons + vowel;
}

function ethiopicWord(word: string): string {
  let out = '';
  for (const ch of word) out += ethiopicChar(ch, false);
  return out;
}

// ---------------------------------------------------------------- public ---

export type Script = 'latin' | 'arabic' | 'cyrillic' | 'ethiopic' | 'other';

export function detectScript(text: string): Script {
  let ar = 0, cy = 0, et = 0, la = 0, other = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x0600 && c <= 0x06ff) || (c >= 0x0750 && c <= 0x077f) || (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfeff)) ar++;
    else if (c >= 0x0400 && c <= 0x04ff) cy++;
    else if (c >= 0x1200 && c <= 0x139f) et++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) la++;
    else if (c > 0x2ff && !(c >= 0x2000 && c <= 0x206f)) other++;
  }
  const max = Math.max(ar, cy, et, la, other);
  if (max === 0) return 'latin';
  if (max === la) return 'latin';
  if (max === ar) return 'arabic';
  if (max === cy) return 'cyrillic';
  if (max === et) return 'ethiopic';
  return 'other';
}

export function hasNonLatinLetters(text: string): boolean {
  return /[\u0400-\u04ff\u0600-\u06ff\u0750-\u077f\u1200-\u139f\ufb50-\ufdff\ufe70-\ufeff]/.test(text);
}

/**
 * Transliterate every Arabic-script, Cyrillic and Ethiopic run in `text` to Latin.
 * Latin and other characters are left in place. Input should already be NFKC.
 */
export function transliterate(text: string, cyrillic: CyrillicRules = cyrillicRulesFor(text)): string {
  if (!hasNonLatinLetters(text)) return text;
  return text.replace(/[\u0600-\u06ff\u0750-\u077f\u200c\u200d]+|[\u0400-\u04ff\u02bc’']+|[\u1200-\u139f]+/g, (run) => {
    const c = run.charCodeAt(0);
    if (c >= 0x1200 && c <= 0x139f) return ethiopicWord(run);
    if ((c >= 0x0400 && c <= 0x04ff) || /[\u0400-\u04ff]/.test(run)) return cyrillicWord(run, cyrillic);
    if (!/[\u0600-\u06ff\u0750-\u077f]/.test(run)) return run;
    return arabicWord(run.replace(/[\u200c\u200d]/g, ''));
  });
}
