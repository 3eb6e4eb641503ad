import { jaro, jaroWinkler } from './jaro-winkler';
import { fold, normaliseText, phoneticKey, somaliAlt } from './normalise';
import { detectScript, transliterate } from './transliterate';
import { tokeniseName } from './names';
import { defaultVariantTable } from './variants';

const toks = (s: string) => tokeniseName(s).tokens.map((t) => t.norm);
const folded = (s: string) => tokeniseName(s).tokens.map((t) => fold(t.norm)).join(' ');
const key = (s: string) => tokeniseName(s).tokens.map((t) => phoneticKey(fold(t.norm))).join(' ');

describe('Jaro-Winkler', () => {
  it('matches the textbook values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 4);
    expect(jaroWinkler('', 'abc')).toBe(0);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
  it('reproduces the reference figures for transliterated names', () => {
    // ../shared/reference/matching.md §4 (p = 0.1)
    expect(jaroWinkler('mohammed', 'mohamed')).toBeCloseTo(0.975, 3);
    expect(jaroWinkler('oleksandr', 'aleksandr')).toBeCloseTo(0.926, 3);
    expect(jaroWinkler('mohamed', 'ahmed')).toBeLessThan(0.75);
  });
});

describe('normaliseText', () => {
  it('applies NFKC, case folding, diacritics and punctuation rules', () => {
    expect(normaliseText('Hélène  MÜLLER-Łukasz')).toBe('helene muller lukasz');
    expect(normaliseText('ﬁrst')).toBe('first'); // NFKC ligature
    expect(normaliseText("Mo'men N’Dour")).toBe('momen ndour'); // apostrophes join
    expect(normaliseText('Muḥammad ʿAbd al-Raḥmān')).toBe('muhammad abd al rahman');
    expect(normaliseText('Dieudonné, Jean-Pierre.')).toBe('dieudonne jean pierre');
    expect(normaliseText('Mbɔ́ngɔ Ɛlɛ́nɛ')).toBe('mbongo elene'); // Lingala open vowels
  });
});

describe('transliteration', () => {
  it('detects scripts', () => {
    expect(detectScript('محمد')).toBe('arabic');
    expect(detectScript('Олександр')).toBe('cyrillic');
    expect(detectScript('ተስፋይ')).toBe('ethiopic');
    expect(detectScript('Mohamed')).toBe('latin');
  });
  it('Arabic, with Persian/Pashto/Urdu letters', () => {
    expect(transliterate('محمد')).toBe('mhmd');
    expect(transliterate('يوسف')).toBe('yusf');
    expect(transliterate('فاطمة')).toBe('fatma');
    expect(transliterate('علي')).toBe('ali');
    expect(transliterate('عمر')).toBe('amr');
    expect(transliterate('الحسن')).toBe('al-hsn');
    expect(transliterate('زرغونه')).toBe('zrghuna'); // Pashto غ, final ه
    expect(transliterate('پروانه')).toBe('prwana'); // Persian پ
    expect(transliterate('چمن')).toBe('chmn'); // چ
    expect(transliterate('ګل')).toBe('gl'); // Pashto ګ
    expect(transliterate('ٹیپو')).toBe('tipu'); // Urdu ٹ, Farsi yeh
    expect(transliterate('مُحَمَّد')).toBe('muhamad'); // harakat read when present
  });
  it('Cyrillic with Ukrainian (KMU 2010) and Russian rules', () => {
    expect(transliterate('Олександр')).toBe('Oleksandr'.toLowerCase());
    expect(transliterate('Юлія', 'uk')).toBe('yuliia');
    expect(transliterate('Володимир', 'uk')).toBe('volodymyr');
    expect(transliterate('Григорій', 'uk')).toBe('hryhorii');
    expect(transliterate('Григорий', 'ru')).toBe('grigoriy');
    expect(transliterate('Евгений', 'ru')).toBe('yevgeniy');
    expect(transliterate('Євген')).toBe('yevhen'); // є → Ukrainian rules chosen automatically
  });
  it('Ethiopic fidel (Tigrinya/Amharic)', () => {
    expect(transliterate('ተስፋይ')).toBe('tesfay');
    expect(transliterate('ዮሃንስ')).toBe('yohans');
    expect(transliterate('ሰላም')).toBe('selam');
    expect(transliterate('ገብረመድህን')).toBe('gebremedhn');
    expect(transliterate('ኣብርሃም')).toBe('abrham');
  });
});

describe('fold (romanisation variants)', () => {
  it.each([
    ['Mohammed', 'Mohamed'],
    ['Abdurrahman', 'Abderrahmane'],
    ['Abdul Rahman', 'Abd al-Rahman'],
    ['Abdirahman', 'Abdelrahman'],
    ['عبد الرحمن', 'عبدالرحمن'],
    ['Youssef', 'Yousef'],
    ['Fatimah', 'Fatima'],
    ['Nureddine', 'Nur al-Din'],
    ['Hamidullah', 'Hamid Ullah'],
    ['Aicha', 'Aisha'], // Francophone ch
    ['Djamel', 'Jamel'], // dj
    ['Tshibanda', 'Chibanda'], // Congolese tsh/ch
    ['Moukendi', 'Mukendi'], // French ou
    ['Nikolaj', 'Nikolai'], // Slavic -j
    ['Serhiy', 'Serhii'],
    ['Tesfaye', 'Tesfay'],
    ['Haile', 'Hayle'],
    ['Saeed', 'Said'],
    ['Qasim', 'Kasim'],
    ['Olexandr', 'Oleksandr'],
    ['Khadija', 'Kadija'] as [string, string], // kh stays a letter of its own — not equal
  ])('%s ≈ %s', (a, b) => {
    if (a === 'Khadija') {
      expect(folded(a)).not.toBe(folded(b));
      expect(key(a)).toBe(key(b)); // but same phonetic key (kh ≈ k)
    } else expect(folded(a)).toBe(folded(b));
  });
  it('reads Somali orthography (c = ayn, x = ħ) as an alternative', () => {
    expect(somaliAlt('maxamed')).toBe('mahamed');
    expect(somaliAlt('cabdi')).toBe('abdi');
    expect(somaliAlt('xasan')).toBe('hasan');
    expect(somaliAlt('ahmed')).toBeNull();
    const t = tokeniseName('Cali Xasan').tokens;
    expect(t.map((x) => x.alt)).toEqual(['ali', 'hasan']);
  });
});

describe('phonetic key', () => {
  it('unites unvocalised Arabic script with Latin spellings', () => {
    expect(key('محمد')).toBe(key('Mohammed'));
    expect(key('محمد')).toBe(key('Muhammad'));
    expect(key('يوسف')).toBe(key('Yusuf'));
    expect(key('فاطمة')).toBe(key('Fatima'));
    expect(key('حسين')).toBe(key('Hussein'));
    expect(key('عمر')).toBe(key('Omar'));
    expect(key('عبدالرحمن')).toBe(key('Abdurrahman'));
    expect(key('Oleksandr')).toBe(key('Aleksandr'));
    expect(key('ተስፋይ')).toBe(key('Tesfaye'));
    expect(key('ገብረመድህን')).toBe(key('Gebremedhin'));
  });
  it('keeps different names apart', () => {
    expect(key('Mohamed')).not.toBe(key('Ahmed'));
    expect(key('Omar')).not.toBe(key('Ali'));
  });
});

describe('name tokenisation', () => {
  it('drops kinship particles, titles and articles', () => {
    expect(toks('Ahmed bin Mohammed bin Ali')).toEqual(['ahmed', 'mohammed', 'ali']);
    expect(toks('Fatima bint Hassan')).toEqual(['fatima', 'hassan']);
    expect(toks('Haji Gul Khan')).toEqual(['gul', 'khan']);
    expect(toks('Omar al-Tamimi')).toEqual(['omar', 'tamimi']);
    expect(toks('Omar El Tamimi')).toEqual(['omar', 'tamimi']);
  });
  it('joins compounds', () => {
    expect(toks('Abd al-Rahman Hassan')).toEqual(['abdalrahman', 'hassan']);
    expect(toks('Abdul Karim')).toEqual(['abdulkarim']);
    expect(toks('Abu Bakr Siddiq')).toEqual(['abubakr', 'siddiq']);
    expect(toks('Nur al-Din')).toEqual(['nuraldin']);
    expect(toks('Salah Eddine')).toEqual(['salaheddine']);
    expect(toks('Hamid Ullah Safi')).toEqual(['hamidullah', 'safi']);
    expect(toks('Gebre Medhin Tesfay')).toEqual(['gebremedhin', 'tesfay']);
    expect(toks('Haile Mariam')).toEqual(['hailemariam']);
  });
  it('keeps Tekle, Kidane and Habte apart when they are names on their own (a patronymic chain), and joins them with a saint', () => {
    expect(toks('Senayt Kidane Tesfay')).toEqual(['senayt', 'kidane', 'tesfay']);
    expect(toks('Tekle Yohannes')).toEqual(['tekle', 'yohannes']);
    expect(toks('Kidane Mariam')).toEqual(['kidanemariam']);
    expect(toks('Tekle Haymanot')).toEqual(['teklehaymanot']);
    expect(toks('Habte Giyorgis')).toEqual(['habtegiyorgis']); // a spelling of giorgis
    // bound prefixes join with any name, as before
    expect(toks('Welde Senbet')).toEqual(['weldesenbet']);
  });
  it('reads "Abdur" before a consonant as Abdul (South Asian usage: Abdur Karim = Abdul Karim), not before a vowel or an r', () => {
    expect(folded('Abdur Karim')).toBe(folded('Abdul Karim'));
    expect(folded('Abdur Shukor')).toBe('abdshukor');
    expect(folded('Abdush Shakur')).toBe(folded('Abdus Shakur'));
    expect(folded('Abdur Rahman')).toBe(folded('Abdul Rahman'));
    expect(folded('Abdurahman')).toBe('abdrahman'); // one r: the name's
    expect(folded('Abdrhmn')).toBe('abdrhmn'); // unvocalised script: nothing to strip
  });
  it('expands Muhammad abbreviations (Md., Mohd)', () => {
    expect(toks('Md. Yunus')).toEqual(['muhammad', 'yunus']);
    expect(toks('Mohd Salim')).toEqual(['muhammad', 'salim']);
  });
  it('strips a glued article only before a known name', () => {
    const known = (n: string) => defaultVariantTable().knows(fold(n));
    expect(tokeniseName('Alhassan', known).tokens[0].norm).toBe('hassan');
    expect(tokeniseName('Alexander', known).tokens[0].norm).toBe('alexander');
  });
  it('keeps the Russian reading of Cyrillic as an alternative', () => {
    const t = tokeniseName('Григорій').tokens[0];
    expect(t.norm).toBe('hryhorii');
    expect(t.alt).toBe('grigoriy');
  });
});

describe('variant table', () => {
  const v = defaultVariantTable();
  const shared = (a: string, b: string) => {
    const ga = v.groupsOf(fold(tokeniseName(a).tokens[0].norm));
    const gb = v.groupsOf(fold(tokeniseName(b).tokens[0].norm));
    return ga.some((g) => gb.includes(g));
  };
  it.each([
    ['Mohammed', 'Muhammad'], ['Mohamed', 'Mehmet'], ['Maxamed', 'Mohamed'], ['Md', 'Mohammad'],
    ['Yusuf', 'Youssef'], ['Yosef', 'Yousif'], ['Oleksandr', 'Aleksandr'], ['Alexander', 'Oleksandr'],
    ['Sasha', 'Oleksandr'], ['Sasha', 'Oleksandra'], ['Hussein', 'Hossain'], ['Fatima', 'Faadumo'],
    ['Khadija', 'Hadija'], ['Hryhorii', 'Grigory'], ['Volodymyr', 'Vladimir'], ['Vova', 'Volodymyr'],
    ['Nastya', 'Anastasiia'], ['Tesfay', 'Tesfaye'], ['Yohannes', 'Johannes'], ['محمد', 'Mohamed'],
    ['يوسف', 'Yousef'], ['Сергій', 'Sergey'],
  ])('%s ≈ %s', (a, b) => expect(shared(a, b)).toBe(true));
  it.each([['Mohamed', 'Ahmed'], ['Hassan', 'Hussein'], ['Omar', 'Ali'], ['Fatima', 'Aisha']])('%s ≠ %s', (a, b) =>
    expect(shared(a, b)).toBe(false),
  );
  it('marks diminutives', () => {
    const g = v.groupsOf(fold('sasha'));
    expect(g.length).toBeGreaterThanOrEqual(2);
    expect(v.isDiminutive(fold('sasha'), g[0])).toBe(true);
  });
});
