/**
 * Personal-name tokenisation: turns one name string (any script) into
 * normalised tokens, handling the particles and compounds of the naming
 * cultures Kinlink serves:
 *
 * - kinship particles dropped (bin/ibn/bint/ould/wad…, not in first position),
 *   titles dropped (haji, sheikh, mullah, mr/mrs…);
 * - Arabic articles (al-, el-, ul-, ad-, ash-…) dropped, glued `al`/`el`
 *   prefixes stripped when the rest is a known name (Alhassan → hassan);
 * - compounds joined: abd/abdul/abdel + (article) + name, abu/abou + name,
 *   French compound given names (Jean-Pierre, Marie Claire),
 *   name + (al-)din / uddin / eddine, name + ullah, Ethiopian gebre-/wolde-/
 *   habte-/tekle-/kidane- + name and haile + saint name;
 * - abbreviations expanded (Md, Mohd, Mhd → muhammad);
 * - Cyrillic read with Ukrainian rules, with the Russian reading kept as an
 *   alternative per token; Somali orthography (c/x) kept as an alternative.
 */
import { cyrillicRulesFor, detectScript, Script } from './transliterate';
import { normaliseText, somaliAlt } from './normalise';
import { jaroWinkler } from './jaro-winkler';

export interface NameToken {
  /** normalised token (lower-case ASCII) */
  norm: string;
  /** alternative reading (Russian rules for Cyrillic, Somali orthography), if any */
  alt?: string;
}

export interface TokenisedName {
  tokens: NameToken[];
  script: Script;
}

const PARTICLES = new Set(['bin', 'ibn', 'bint', 'binti', 'bte', 'ould', 'wuld', 'wad', 'walad', 'ibnu', 'ibni', 'bent', 'ben', 'binu']);
const TITLES = new Set(['haji', 'hajji', 'hadji', 'alhaji', 'alhaj', 'hajj', 'sheikh', 'shaikh', 'sheik', 'shaykh', 'mullah', 'mulla', 'mr', 'mrs', 'ms', 'miss', 'dr', 'ustad', 'ustaz', 'sayyidah']);
const ARTICLES = new Set(['al', 'el', 'ul', 'ol', 'il', 'ad', 'ar', 'as', 'at', 'ash', 'az', 'an', 'ud', 'ur', 'us', 'ed', 'er', 'es', 'ez', 'ag']);
const ABD = new Set(['abd', 'abdu', 'abdul', 'abdel', 'abdal', 'abdol', 'abdoul', 'abdur', 'abdus', 'abdush', 'abduz', 'abdun', 'abder', 'abdil']);
const ABU = new Set(['abu', 'abou', 'abo', 'abuu']);
const ULLAH = new Set(['ullah', 'ulla', 'allah', 'alla', 'ollah', 'olah', 'ulah', 'ullo']);
const DIN = /^(?:[aeiou][dl]{1,2})?d(?:i|ee)ne?$/;
const MUHAMMAD_ABBR = new Set(['md', 'mohd', 'mhd', 'muhd', 'mohd', 'mhmd']);
const ETH_PREFIX = new Set(['gebre', 'ghebre', 'gebra', 'gabre', 'gabra', 'ghebra', 'gebri', 'wolde', 'welde', 'walde', 'wolda', 'walda', 'welda', 'habte', 'hapte', 'habta', 'tekle', 'tekla', 'kidane', 'kidana']);
/**
 * Of those, the ones that are also given names on their own (Tekle, Kidane, Habte: a father's or
 * grandfather's name in a patronymic chain, "Senayt Kidane Tesfay"): joined only with a saint's
 * name (Kidane Mariam, Tekle Haimanot, Habte Giorgis), however spelled
 */
const ETH_STANDALONE = new Set(['tekle', 'tekla', 'kidane', 'kidana', 'habte', 'hapte', 'habta']);
const ETH_SAINT = new Set(['mariam', 'maryam', 'selassie', 'sellassie', 'silassie', 'michael', 'mikael', 'gabriel', 'giorgis', 'georgis', 'yesus', 'iyesus', 'kiros', 'medhin', 'medhen', 'egziabher', 'haimanot', 'haymanot', 'hiwet', 'hiwot', 'amlak']);

const FR_FIRST = new Set(['jean', 'marie', 'anne']);
const FR_SECOND = new Set(['pierre', 'claude', 'paul', 'baptiste', 'marie', 'luc', 'jacques', 'michel', 'louis', 'francois', 'bosco', 'pascal', 'marc', 'christophe', 'bernard', 'claire', 'louise', 'therese', 'jeanne', 'rose', 'noel', 'felix', 'joseph', 'daniel', 'didier', 'robert', 'richard', 'charles', 'paulin', 'chantal', 'josee', 'france', 'laure', 'sophie', 'christine', 'madeleine']);

/**
 * Pet names that families and children give instead of the registered name
 * (a young child often knows only these): Arabic Hamoudi/Abboud/Sousou, Somali
 * descriptive names (Dheere "tall", Yarey "little", Gaab "short"), Dari/Pashto
 * Jan/Gulu, Rohingya Babu/Moni, Congolese Papy/Bebe/Fifi… Agreement or
 * disagreement of such a token with a registered given name says little.
 */
export const PET_NAMES: readonly string[] = [
  'hamoudi', 'hammoudi', 'hamoude', 'abboud', 'aboudi', 'sousou', 'mimi', 'didi', 'zouzou', 'lulu', 'dodo', 'toto', 'fofo', 'bobo',
  'dheere', 'yarey', 'yarou', 'gaab', 'gaabo', 'cadey', 'guray', 'dhagax', 'gacmey',
  'jan', 'jaan', 'baba', 'gulu', 'nazo', 'bacha', 'kaka',
  'babu', 'mona', 'sona', 'kala', 'moni', 'khoka', 'khuki',
  'bini', 'mike', 'sami', 'yoni', 'beti', 'lili',
  'papy', 'papi', 'dede', 'kiki', 'bebe', 'fifi', 'bijou', 'mado', 'fiston',
];

/** a saint's name of Ethiopian compounds, or a spelling of one (medhn, mikiel, giyorgis) */
function saintLike(w: string): boolean {
  if (ETH_SAINT.has(w)) return true;
  for (const s of ETH_SAINT) if (s[0] === w[0] && jaroWinkler(w, s) >= 0.88) return true;
  return false;
}

export type KnownNameTest = (norm: string) => boolean;

function applyRules(words: string[], isKnown?: KnownNameTest): string[] {
  const out: string[] = [];
  const n = words.length;
  for (let i = 0; i < n; i++) {
    let w = words[i];
    const hasNext = i + 1 < n;
    if (TITLES.has(w) && (hasNext || out.length > 0)) continue;
    if (MUHAMMAD_ABBR.has(w)) { out.push('muhammad'); continue; }
    if (PARTICLES.has(w) && out.length > 0 && hasNext) continue;
    if (ABD.has(w) && hasNext) {
      let j = i + 1;
      let art = '';
      if (ARTICLES.has(words[j]) && j + 1 < n) { art = words[j]; j++; }
      out.push(w + art + words[j]);
      i = j;
      continue;
    }
    if (ABU.has(w) && hasNext) {
      let j = i + 1;
      if (ARTICLES.has(words[j]) && j + 1 < n) j++;
      out.push(w + words[j]);
      i = j;
      continue;
    }
    if (ARTICLES.has(w) && hasNext) {
      const next = words[i + 1];
      if (DIN.test(next) && out.length > 0) {
        out[out.length - 1] += w + next;
        i++;
      }
      continue; // a bare article is dropped
    }
    if (DIN.test(w) && out.length > 0) { out[out.length - 1] += w; continue; }
    if (ULLAH.has(w) && out.length > 0) { out[out.length - 1] += w; continue; }
    if (ETH_PREFIX.has(w) && hasNext && (!ETH_STANDALONE.has(w) || saintLike(words[i + 1]))) { out.push(w + words[i + 1]); i++; continue; }
    // French compound given names: Jean-Pierre, Jean Claude, Marie-Claire → one name
    if (FR_SECOND.has(w) && out.length > 0 && FR_FIRST.has(out[out.length - 1])) { out[out.length - 1] += w; continue; }
    if (ETH_SAINT.has(w) && out.length > 0 && out[out.length - 1] === 'haile') { out[out.length - 1] += w; continue; }
    if (isKnown && w.length >= 6 && (w.startsWith('al') || w.startsWith('el'))) {
      const rest = w.slice(2);
      if (!isKnown(w) && isKnown(rest)) w = rest;
    }
    if (w.length === 1 && n > 1) continue; // initials carry almost no evidence
    out.push(w);
  }
  return out;
}

/** Tokenise one name string. `isKnown` enables lexicon-checked article stripping. */
export function tokeniseName(raw: string | undefined | null, isKnown?: KnownNameTest): TokenisedName {
  if (!raw || !raw.trim()) return { tokens: [], script: 'latin' };
  const script = detectScript(raw);
  const primaryText = normaliseText(raw, script === 'cyrillic' ? cyrillicRulesFor(raw, 'uk') : undefined);
  const primary = applyRules(primaryText ? primaryText.split(' ') : [], isKnown);
  let alts: string[] | null = null;
  if (script === 'cyrillic') {
    const altText = normaliseText(raw, 'ru');
    const a = applyRules(altText ? altText.split(' ') : [], isKnown);
    if (a.length === primary.length) alts = a;
  }
  const tokens: NameToken[] = primary.map((norm, k) => {
    const alt = alts ? alts[k] : script === 'latin' ? somaliAlt(norm) : null;
    return alt && alt !== norm ? { norm, alt } : { norm };
  });
  return { tokens, script };
}
