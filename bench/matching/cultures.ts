/**
 * Naming cultures of the benchmark generator. Names are written in one
 * canonical form per culture and rendered by *agency conventions*:
 *
 * - Arabic-script cultures (Arabic, Somali, Pashto/Dari, Rohingya): a compact
 *   phonemic notation, romanised by convention tables (English, Francophone,
 *   Somali orthography, scholarly with diacritics, South-Asian, Bengali-style)
 *   and written in Arabic script for the `original` field;
 * - Tigrinya: Ethiopic script, romanised by two fidel conventions;
 * - Ukrainian: Cyrillic (+ Russian form), romanised KMU-2010, older
 *   Ukrainian, Russian BGN, German/Polish-style, or an English exonym;
 * - Congolese/Swahili: Latin with Francophone spellings and order variation.
 *
 * The generator knows nothing of the engine's folding rules or variant table.
 *
 * Phonemic notation: b t T(θ) j H(ħ) x(kh) d D(ð) r z s S(sh) 3(ʿ) '(ʔ) G(gh)
 * f q k l m n h w y p c(ch) Z(zh) g v; short vowels a i u e o; long A I U E O;
 * @ ta marbuta; doubled letters = gemination; "al-" article; tokens by space.
 */

import { Rng } from './rng';

export type CultureId = 'arabic' | 'somali' | 'afghan' | 'tigrinya' | 'ukrainian' | 'congolese' | 'rohingya';

export interface NameEntry {
  /** canonical form (phonemic / Ethiopic / Cyrillic / Latin) */
  c: string;
  /** Russian Cyrillic form (Ukrainian names) */
  ru?: string;
  /** English exonym (Ukrainian) */
  en?: string;
  /** diminutives / pet names, canonical form */
  dim?: string[];
}

export interface Region {
  /** admin-1 P-code */
  code: string;
  /** text forms of its main town (first = most common) */
  names: string[];
}

export interface Culture {
  id: CultureId;
  weight: number;
  nationality: string;
  languages: string[];
  script: 'arabic' | 'ethiopic' | 'cyrillic' | null;
  /** probability a record carries the original-script name */
  originalRate: number;
  /** Zipf exponent of given names (higher = more concentrated; Muhammad-heavy cultures highest) */
  givenZipf: number;
  male: NameEntry[];
  female: NameEntry[];
  family: NameEntry[];
  regions: Region[];
  /** separation happens in these (country, places) */
  separation: Region[];
  /** romanisation conventions with default weights */
  conventions: Array<[string, number]>;
}

const P = (s: string): NameEntry[] => s.split(',').map((x) => ({ c: x.trim() })).filter((e) => e.c);

// ------------------------------------------------------------------ Arabic ---
const ARABIC: Culture = {
  id: 'arabic', weight: 0.2, givenZipf: 0.9, nationality: 'SY', languages: ['Arabic'], script: 'arabic', originalRate: 0.3,
  male: P('muHammad,aHmad,3alI,maHmUd,xAlid,3umar,Hasan,Husayn,yUsuf,ibrAhIm,3abd al-raHmAn,3abd al-lAh,mustafA,3abd al-3azIz,xalIl,sAmI,karIm,Hamza,3ammAr,yAsIn,bilAl,3uTmAn,tAriq,walId,sa3Id,jamAl,nAsir,fAris,HAmid,yaHyA,zakariyyA,sulaymAn,ismA3Il,mUsA,3IsA,idrIs,3abbAs,qAsim,mAjid,raSId,amIn,anas,ayman,mahdI,HAzim,GassAn,baSIr,ziyAd,3Adil,Haydar,3abd al-qAdir,3abd al-karIm,nUr al-dIn,salAH al-dIn,rAmI,mu3tasim,laTIf'),
  female: P('fAtima@,3A\'iSa@,xadIja@,maryam,zaynab,amIna@,HalIma@,nUr,sArA,laylA,hudA,salmA,ranA,rIm,jamIla@,samIra@,asmA\',su3Ad,HanAn,ImAn,raHma@,safiyya@,ruqayya@,zahrA\',dunyA,lamA,yAsmIn,nadA,Hafsa@,sumayya@,malak,GAda@,wafA\',amal,Hiba@,nisrIn,farIda@,HabIba@,ruba,jUdI,bayAn,Sahd'),
  family: P('al-Hasan,al-3alI,al-tamImI,al-jubUrI,al-dulaymI,al-SammarI,al-3ubaydI,al-zubaydI,al-HusaynI,al-aHmad,xalaf,HamdAn,al-HalabI,al-HimsI,al-kurdI,al-Sayx,darwIS,qabbAnI,al-HaddAd,al-najjAr,al-xatIb,3abbAs,al-Hamad,al-3umar,al-sAliH,al-3AnI,al-rAwI,al-baGdAdI,al-mawsilI,al-3azzAwI,al-jAsim,al-xalIfa@,al-SarIf,al-Hakim,3Uda@,al-3Ali'),
  regions: [
    { code: 'SY02', names: ['Aleppo', 'Halab', 'Alep'] }, { code: 'SY04', names: ['Homs', 'Hims'] },
    { code: 'SY01', names: ['Damascus', 'Dimashq', 'Damas'] }, { code: 'SY07', names: ['Idlib', 'Idleb'] },
    { code: 'SY11', names: ['Raqqa', 'Ar-Raqqah', 'Rakka'] }, { code: 'SY09', names: ['Deir ez-Zor', 'Deir al-Zour', 'Dayr az Zawr'] },
    { code: 'IQ05', names: ['Mosul', 'Al-Mawsil', 'Mossoul'] }, { code: 'IQ01', names: ['Baghdad', 'Bagdad'] },
    { code: 'IQ13', names: ['Kirkuk', 'Karkuk'] }, { code: 'IQ06', names: ['Sinjar', 'Shingal'] },
    { code: 'SD04', names: ['El Fasher', 'Al-Fashir', 'Fasher'] }, { code: 'SD09', names: ['Geneina', 'El Geneina', 'Al-Junaynah'] },
    { code: 'SD01', names: ['Khartoum', 'Khartum'] }, { code: 'SD05', names: ['Nyala', 'Niyala'] },
  ],
  separation: [
    { code: 'TR27', names: ['Gaziantep', 'Antep'] }, { code: 'LB03', names: ['Bekaa', 'Beqaa'] }, { code: 'GR42', names: ['Lesvos', 'Lesbos', 'Moria'] },
    { code: 'JO02', names: ['Zaatari', 'Mafraq'] }, { code: 'TD08', names: ['Adre', 'Adré'] }, { code: 'IQ15', names: ['Dohuk', 'Duhok'] },
  ],
  conventions: [['en', 0.45], ['fr', 0.25], ['sa', 0.2], ['sch', 0.05], ['so-en', 0.05]],
};

// ------------------------------------------------------------------ Somali ---
const SOMALI: Culture = {
  id: 'somali', weight: 0.17, givenZipf: 0.9, nationality: 'SO', languages: ['Somali'], script: null, originalRate: 0,
  male: P('muHamed,aHmed,3abdI,3alI,Hasan,HusEn,yUsuf,ibrAhIm,3abdiraHmAn,3abdullAhi,3umar,3ismAn,maHamUd,farAH,jAma3,xAlid,mUsE,3IsE,sa3Id,yAsIn,mahad,gulEd,warsamE,lIbAn,dAhir,nUr,siyAd,SarIf,3abdulqAdir,Hamza,ismA3Il,AdAn,Hirsi,3abdi3azIz,3abdinAsir,bASIr,Hussein,guHAd,3abdullahi,mustafE,bilAl,Hamdi,idIl,3awil,sahal'),
  female: P('fAdumo,xadIja,3ASa,maryan,HalImo,HAwo,AmIna,sEynab,ubaH,hOdan,ayAn,dEqa,saHro,nasro,ilhAn,safiyo,sagal,ifraH,mUna,na3Ima,raHma,sumaya,hibo,kaltUm,yAsmIn,fArHiya,Hamdi,najmo,zamzam,lEyla,fAyza,amran,ikrAn,muHubo,xAliso,xadro'),
  family: P('warsamE,jAma3,farAH,3ilmi,dirIye,samatar,guled,abdille,Hirsi,3igAl,3awale,yUsuf,muse,aden,bOqor,duale,Hassan'),
  regions: [
    { code: 'SO22', names: ['Mogadishu', 'Muqdisho', 'Xamar'] }, { code: 'SO24', names: ['Baidoa', 'Baydhabo'] },
    { code: 'SO25', names: ['Kismayo', 'Kismaayo'] }, { code: 'SO18', names: ['Beledweyne', 'Beledweyn', 'Baladweyne'] },
    { code: 'SO16', names: ['Galkayo', 'Gaalkacyo'] }, { code: 'SO11', names: ['Bosaso', 'Boosaaso'] },
    { code: 'SO23', names: ['Afgooye', 'Afgoye'] }, { code: 'SO21', names: ['Jowhar', 'Jawhar'] },
  ],
  separation: [
    { code: 'KE07', names: ['Dadaab', 'Dagahaley', 'Ifo'] }, { code: 'ET05', names: ['Dollo Ado', 'Dolo Ado'] },
    { code: 'YE24', names: ['Aden'] }, { code: 'LY61', names: ['Tripoli', 'Tarabulus'] }, { code: 'SO22', names: ['Mogadishu', 'Muqdisho'] },
  ],
  conventions: [['so', 0.45], ['so-en', 0.4], ['en', 0.15]],
};

// ------------------------------------------------------------ Pashto/Dari ---
const AFGHAN: Culture = {
  id: 'afghan', weight: 0.14, givenZipf: 0.8, nationality: 'AF', languages: ['Pashto', 'Dari'], script: 'arabic', originalRate: 0.3,
  male: P('muHammad,aHmad,3abd al-lAh,gul,SEr xAn,naqIb,walI,zalmay,HabIbullAh,HamIdullAh,najIbullAh,raHmatullAh,samI3ullAh,asadullAh,jAwEd,farId,3azIz,aHmad SAh,mas3Ud,maHmUd,sayyid,GulAm,nabI,rafIq,SafIq,karIm,raHIm,Hasan,Husayn,3alI,yUsuf,idrIs,fawAd,mujtabA,mustafA,bahrAm,zubayr,jamSEd,wazIr,naSIr,Hamid,bilAl,3umar,GaffAr,qadIr,sulaymAn,ismA3Il,ziyA,rOHullAh,3Ina yat'.replace('3Ina yat', '3InAyat')),
  female: P('zarGOna,malAlay,parwAna,fariSta,SabnAm,nIlUfar,marziya@,ma3sUma@,fAtima@,zahrA,maryam,xadIja@,sImA,rOyA,nAzanIn,mInA,HadIsa@,laylA,parI,gulAlay,nargis,SakIla,Hamida,SugUfa,mursal,paSton,zarmIna,frozAn,SIrIn,lIda,Tanaz'.replace('Tanaz', 'tanAz')),
  family: P('aHmadzay,pOpalzay,barakzay,nUrzay,sAfI,mohmand,yUsufzay,kakar,wazIrI,stAnikzay,HOtak,amIrI,HaydarI,rezAyI,3alizAda,karImI,raHImI,sultAnI,niAzI,durrAnI,GilzI,sAdAt,mahmUdI,hAsimI,jalAlI'),
  regions: [
    { code: 'AF01', names: ['Kabul', 'Kabol'] }, { code: 'AF33', names: ['Kandahar', 'Qandahar'] },
    { code: 'AF30', names: ['Herat', 'Harat'] }, { code: 'AF06', names: ['Jalalabad', 'Nangarhar'] },
    { code: 'AF21', names: ['Mazar-i-Sharif', 'Mazar-e Sharif', 'Mazar'] }, { code: 'AF17', names: ['Kunduz', 'Qunduz'] },
    { code: 'AF27', names: ['Lashkar Gah', 'Lashkargah'] }, { code: 'AF11', names: ['Ghazni', 'Ghazna'] },
  ],
  separation: [
    { code: 'IR07', names: ['Tehran', 'Teheran'] }, { code: 'PK02', names: ['Peshawar'] }, { code: 'TR34', names: ['Istanbul'] },
    { code: 'IR29', names: ['Mashhad', 'Mashad'] }, { code: 'RS01', names: ['Belgrade', 'Beograd'] }, { code: 'AF01', names: ['Kabul airport', 'Kabul'] },
  ],
  conventions: [['sa', 0.6], ['en', 0.3], ['fr', 0.1]],
};

// ---------------------------------------------------------------- Rohingya ---
const ROHINGYA: Culture = {
  id: 'rohingya', weight: 0.11, givenZipf: 0.85, nationality: 'MM', languages: ['Rohingya'], script: null, originalRate: 0,
  male: P('muHammad yUnus,nUr kamAl,3abd al-Sukur,muHammad salIm,raSId ullAh,HamId Husayn,kabIr aHmad,jamAl Husayn,3alI jOhar,sayyid 3alam,zubayr,anwar sAdAt,dil muHammad,nUr al-islAm,abu al-kalAm,yAsIn,muHammad ayyUb,nUr Husayn,3abd al-raHIm,muHammad ilyAs,Sams al-3alam,rafIq,muHammad 3alI,nUr muHammad,Hasan,3abd al-amIn,fayz ullAh,3abd al-Hamid,muHammad tAhir,kamAl Husayn'),
  female: P('nUr bEgum,raSIda,HasIna,fAtima@,xadIja@,HamIda@,rabEya,jannat,sitAra,minAra,ramIda,SafIqa,yAsmIn,taslIma,xAlida,sanuwAra,nUr kayda,Sams Id a,sabekun nAhAr,dil bahAr,rOSan ArA,Hala ma,umm salmA,sumAya,jamIla'.replace('Sams Id a', 'SamsIda').replace('Hala ma', 'HalIma')),
  family: P(''),
  regions: [
    { code: 'MM11', names: ['Maungdaw', 'Maungtaw'] }, { code: 'MM12', names: ['Buthidaung', 'Buthedaung'] },
    { code: 'MM13', names: ['Sittwe', 'Akyab'] }, { code: 'MM14', names: ['Rathedaung', 'Rathidaung'] },
  ],
  separation: [
    { code: 'BD20', names: ['Kutupalong', 'Kutupalang', "Cox's Bazar"] }, { code: 'BD21', names: ['Balukhali', 'Balukhali camp'] },
    { code: 'BD22', names: ['Teknaf', 'Taknaf'] }, { code: 'MY14', names: ['Kuala Lumpur'] },
  ],
  conventions: [['bn', 0.6], ['sa', 0.3], ['en', 0.1]],
};

// ---------------------------------------------------------------- Tigrinya ---
const E = (s: string): NameEntry[] => s.split(' ').filter(Boolean).map((c) => ({ c }));
const TIGRINYA: Culture = {
  id: 'tigrinya', weight: 0.12, givenZipf: 0.7, nationality: 'ER', languages: ['Tigrinya'], script: 'ethiopic', originalRate: 0.25,
  male: E('ዮሃንስ ተስፋይ ኣብርሃም ሚካኤል ዳዊት ዮናስ ሃይለ ብርሃነ ክብሮም የማነ መብራህቱ ተኽለ ኪዳነ ፍፁም ሓጎስ ወልዱ ግርማይ ኣማኑኤል ፊልሞን ኤፍሬም ናትናኤል ቢንያም ተመስገን ጎይቶም ዘራይ ሰሎሞን ዓወት ሮቤል ሄኖክ ኣክሊሉ ተወልደ ሃብቶም ገብረሂወት ገብረመድህን ገብሩ ሙሴ ሳሙኤል ዮሴፍ ሰመረ ኣሮን ኣስመሮም ሙሉጌታ ተስፋማርያም ሃብተማርያም ወልደሚካኤል ሲሳይ ምሕረትኣብ ኢሳያስ'),
  female: E('ሰላም ሳባ ሄለን ሰናይት ፍረወይኒ ኤደን ሊድያ ራሄል ምሕረት ሰምሃር ኣብረሃት ፀጋ ሩታ ሚልካ ሃና ማርያም ትርሓስ ኣዜብ ሳምራዊት ቅድስቲ ብርኽቲ ሉላ ዮርዳኖስ ኤልሳ ፅጌ ወይኒ ለምለም ኣልጋነሽ ኣበባ ሓረገወይኒ ሰሚራ ናርዶስ ቤተልሄም ሕሊና ዳኒኤላ'),
  family: [],
  regions: [
    { code: 'ER01', names: ['Asmara', 'Asmera'] }, { code: 'ER02', names: ['Keren', 'Kerén'] },
    { code: 'ER05', names: ['Mendefera', 'Mendefra'] }, { code: 'ER03', names: ['Tesseney', 'Teseney'] },
    { code: 'ER04', names: ['Massawa', 'Mitsiwa'] }, { code: 'ET01', names: ['Shire', 'Inda Selassie'] },
  ],
  separation: [
    { code: 'SD11', names: ['Shagarab', 'Shagarab camp'] }, { code: 'ET01', names: ['Hitsats', 'Mai Aini', 'Adi Harush'] },
    { code: 'LY61', names: ['Tripoli', 'Tarabulus'] }, { code: 'IT19', names: ['Lampedusa'] }, { code: 'EG21', names: ['Sinai'] },
  ],
  conventions: [['ti-a', 0.65], ['ti-b', 0.35]],
};

// --------------------------------------------------------------- Ukrainian ---
const U = (s: string): NameEntry[] => s.split(';').map((row) => {
  const [c, ru, en, dims] = row.split(',').map((x) => x.trim());
  return { c, ru: ru || c, en: en || undefined, dim: dims ? dims.split('/') : undefined };
}).filter((e) => e.c);
const UKRAINIAN: Culture = {
  id: 'ukrainian', weight: 0.12, givenZipf: 0.75, nationality: 'UA', languages: ['Ukrainian', 'Russian'], script: 'cyrillic', originalRate: 0.35,
  male: U('Олександр,Александр,Alexander,Саша/Сашко/Санько;Андрій,Андрей,Andrew,Андрійко;Дмитро,Дмитрий,Dmitry,Діма/Дімон;Максим,Максим,Maxim,Макс;Артем,Артём,Artem,Тема;Іван,Иван,Ivan,Ваня/Іванко;Микола,Николай,Nicholas,Коля/Миколка;Сергій,Сергей,Sergei,Сергійко/Сірьожа;Володимир,Владимир,Vladimir,Вова/Володя/Вовчик;Олег,Олег,Oleg;Юрій,Юрий,Yuri,Юра/Юрко;Богдан,Богдан,Bogdan,Бодя;Денис,Денис,Denis;Данило,Даниил,Daniel,Даня;Матвій,Матвей,Matthew;Тимофій,Тимофей,Timothy,Тима;Назар,Назар,;Кирило,Кирилл,Kirill;Ілля,Илья,Ilya;Михайло,Михаил,Michael,Міша/Михась;Павло,Павел,Paul,Павлик;Петро,Пётр,Peter,Петрик;Василь,Василий,Vasily,Вася;Тарас,Тарас,;Ярослав,Ярослав,,Ярик;Владислав,Владислав,,Влад;Євген,Евгений,Eugene,Женя;Віталій,Виталий,Vitaly,Віталік;Роман,Роман,,Рома;Григорій,Григорий,Gregory,Гриша;Гліб,Глеб,Gleb;Єгор,Егор,Egor;Марк,Марк,;Арсеній,Арсений,Arseny,Арсен;Степан,Степан,;Остап,Остап,;Святослав,Святослав,,Свят;Мирослав,Мирослав,;Захар,Захар,;Тимур,Тимур,'),
  female: U('Анна,Анна,Anna,Аня/Ганнуся;Марія,Мария,Maria,Маша/Марійка;Софія,София,Sophia,Соня;Анастасія,Анастасия,Anastasia,Настя/Настуся;Вікторія,Виктория,Victoria,Віка;Дарина,Дарья,Daria,Даша;Поліна,Полина,;Олександра,Александра,Alexandra,Саша/Леся;Катерина,Екатерина,Katherine,Катя/Катруся;Юлія,Юлия,Julia,Юля;Єлизавета,Елизавета,Elizabeth,Ліза;Аліна,Алина,;Валерія,Валерия,Valeria,Лера;Вероніка,Вероника,Veronica;Ірина,Ирина,Irina,Іра;Олена,Елена,Helen,Лєна/Оленка;Тетяна,Татьяна,Tatiana,Таня;Наталія,Наталья,Natalia,Наташа;Ольга,Ольга,Olga,Оля;Оксана,Оксана,;Світлана,Светлана,Svetlana,Світланка;Христина,Кристина,Christina;Злата,Злата,;Мілана,Милана,;Соломія,Соломия,;Уляна,Ульяна,;Діана,Диана,;Ангеліна,Ангелина,;Людмила,Людмила,,Люда;Галина,Галина,,Галя;Надія,Надежда,Nadia,Надя;Лілія,Лилия,;Яна,Яна,;Василина,Василиса,;Ярослава,Ярослава,'),
  family: U('Мельник,Мельник;Шевченко,Шевченко;Коваленко,Коваленко;Бондаренко,Бондаренко;Бойко,Бойко;Ткаченко,Ткаченко;Кравченко,Кравченко;Коваль,Коваль;Олійник,Олейник;Шевчук,Шевчук;Поліщук,Полищук;Лисенко,Лысенко;Бондар,Бондарь;Мороз,Мороз;Марченко,Марченко;Руденко,Руденко;Савченко,Савченко;Петренко,Петренко;Кравчук,Кравчук;Клименко,Клименко;Павленко,Павленко;Савчук,Савчук;Кузьменко,Кузьменко;Гриценко,Гриценко;Левченко,Левченко;Харченко,Харченко;Карпенко,Карпенко;Сидоренко,Сидоренко;Гончаренко,Гончаренко;Литвиненко,Литвиненко;Романенко,Романенко;Юрченко,Юрченко;Степаненко,Степаненко;Костенко,Костенко;Гаврилюк,Гаврилюк;Мазур,Мазур;Ковальчук,Ковальчук;Ткачук,Ткачук;Панченко,Панченко;Пономаренко,Пономаренко;Білоус,Белоус;Дячук,Дьячук;Ярошенко,Ярошенко;Зінченко,Зинченко;Козак,Козак;Гуменюк,Гуменюк;Головко,Головко;Приходько,Приходько;Нестеренко,Нестеренко;Хоменко,Хоменко'),
  regions: [
    { code: 'UA80', names: ['Kyiv', 'Kiev'] }, { code: 'UA63', names: ['Kharkiv', 'Kharkov'] },
    { code: 'UA14', names: ['Mariupol', 'Mariupil'] }, { code: 'UA51', names: ['Odesa', 'Odessa'] },
    { code: 'UA23', names: ['Zaporizhzhia', 'Zaporozhye'] }, { code: 'UA12', names: ['Dnipro', 'Dnipropetrovsk'] },
    { code: 'UA65', names: ['Kherson'] }, { code: 'UA48', names: ['Mykolaiv', 'Nikolaev'] }, { code: 'UA44', names: ['Sievierodonetsk', 'Severodonetsk'] },
  ],
  separation: [
    { code: 'PL06', names: ['Przemysl', 'Przemyśl'] }, { code: 'MD01', names: ['Palanca', 'Chisinau'] }, { code: 'UA46', names: ['Lviv', 'Lvov'] },
    { code: 'RO32', names: ['Siret'] }, { code: 'UA80', names: ['Kyiv', 'Kiev'] }, { code: 'DE11', names: ['Berlin'] },
  ],
  conventions: [['kmu', 0.45], ['ua-old', 0.2], ['ru', 0.2], ['de', 0.1], ['en', 0.05]],
};

// --------------------------------------------------------------- Congolese ---
const L = (s: string): NameEntry[] => s.split(',').map((x) => ({ c: x.trim() })).filter((e) => e.c);
const CONGOLESE: Culture = {
  id: 'congolese', weight: 0.14, givenZipf: 0.7, nationality: 'CD', languages: ['French', 'Swahili', 'Lingala'], script: null, originalRate: 0,
  male: L('Jean,Jean-Pierre,Jean-Claude,Jean-Paul,Joseph,Pierre,Patrick,Emmanuel,Daniel,David,Jonathan,Moïse,Samuel,Christian,Dieudonné,Fiston,Junior,Papy,Glody,Trésor,Exaucé,Gloire,Héritier,Prince,Blaise,Benjamin,Baraka,Amani,Imani,Bahati,Faraja,Juma,Hamisi,Ramazani,Shabani,Bakari,Salumu,Mussa,Issa,Safari,Tumaini,Josué,Elie,Gédéon'),
  female: L('Grâce,Esther,Marie,Sarah,Rachel,Ruth,Déborah,Christelle,Bénédicte,Divine,Nathalie,Chantal,Joséphine,Rebecca,Gracia,Mamie,Dorcas,Anuarite,Jeanine,Francine,Neema,Furaha,Zawadi,Rehema,Mwajuma,Aksanti,Riziki,Sifa,Merveille,Patience,Espérance,Consolata,Feza,Mapendo,Neema'),
  family: L('Mukendi,Kabila,Ilunga,Mbuyi,Kasongo,Tshibanda,Tshilombo,Ngalula,Mujinga,Kalala,Kanku,Lukusa,Mwamba,Nsimba,Kabeya,Mulumba,Kapinga,Ntumba,Banza,Lumbala,Kazadi,Mwanza,Kalonji,Kabongo,Tshimanga,Mbombo,Nzuzi,Lusamba,Kasereka,Kambale,Kahindo,Masika,Kavira,Paluku,Muhindo,Mumbere,Kakule,Shukuru,Bisimwa,Cirhuza,Mugisho,Bagalwa,Birindwa,Zihindula,Amisi,Byamungu,Mapendo,Wabenga'),
  regions: [
    { code: 'CD61', names: ['Goma'] }, { code: 'CD62', names: ['Bukavu'] }, { code: 'CD63', names: ['Beni', 'Béni'] },
    { code: 'CD54', names: ['Bunia'] }, { code: 'CD64', names: ['Uvira'] }, { code: 'CD65', names: ['Rutshuru', 'Rutchuru'] },
    { code: 'CD66', names: ['Masisi'] }, { code: 'CD67', names: ['Walikale'] },
  ],
  separation: [
    { code: 'UG42', names: ['Nyakabande', 'Kisoro'] }, { code: 'RW05', names: ['Gisenyi', 'Rubavu'] }, { code: 'UG41', names: ['Kyangwali'] },
    { code: 'CD61', names: ['Goma', 'Mugunga'] }, { code: 'BI16', names: ['Bujumbura'] }, { code: 'TZ16', names: ['Nyarugusu'] },
  ],
  conventions: [['cd-fr', 0.55], ['cd-plain', 0.35], ['cd-en', 0.1]],
};

export const CULTURES: Culture[] = [ARABIC, SOMALI, AFGHAN, ROHINGYA, TIGRINYA, UKRAINIAN, CONGOLESE];

// ------------------------------------------------------- synthetic tails ---
// Real surname/clan distributions are long-tailed; the curated lists above are
// the (Zipf) head. A deterministic synthetic tail keeps common names common
// without making every family share a handful of surnames.
function tail(n: number, seed: number, make: (r: Rng) => NameEntry | null, existing: NameEntry[]): NameEntry[] {
  const r = new Rng(seed);
  const seen = new Set(existing.map((e) => e.c));
  const out: NameEntry[] = [];
  for (let guard = 0; out.length < n && guard < n * 20; guard++) {
    const e = make(r);
    if (!e || seen.has(e.c)) continue;
    seen.add(e.c);
    out.push(e);
  }
  return out;
}

const AR_C = ['b', 't', 'j', 'H', 'x', 'd', 'r', 'z', 's', 'S', '3', 'f', 'q', 'k', 'l', 'm', 'n', 'h', 'w', 'G'];
ARABIC.family.push(...tail(700, 11, (r) => {
  const c = () => r.pick(AR_C);
  const [a, b, d] = [c(), c(), c()];
  if (a === b || b === d) return null;
  switch (r.int(0, 4)) {
    case 0: return { c: `al-${a}a${b}${d}I` }; // nisba
    case 1: return { c: `${a}a${b}${b}A${d}` }; // occupational CaCCAC
    case 2: return { c: `ma${a}${b}U${d}` };
    case 3: return { c: `${a}A${b}i${d}` };
    default: return { c: `al-${a}a${b}I${d}` };
  }
}, ARABIC.family));

const AF_SYL = ['ah', 'mad', 'nur', 'gul', 'Sir', 'jan', 'pop', 'bar', 'ak', 'kar', 'wal', 'dOst', 'sam', 'zar', 'mal', 'Has', 'rah', 'kab', 'Sin', 'tar', 'mus', 'nas'];
AFGHAN.family.push(...tail(400, 12, (r) => ({ c: r.pick(AF_SYL) + r.pick(['a', 'i', '', 'o']) + r.pick(AF_SYL).replace(/^[aeiou]/, '') + r.pick(['zay', 'xEl', 'I', 'yAr', 'zay']) }), AFGHAN.family));

const UK_ROOT1 = ['Ко', 'Ма', 'Пе', 'Са', 'Го', 'Ли', 'Да', 'Гри', 'Бо', 'Ва', 'Те', 'Фе', 'Хо', 'Ша', 'Ку', 'Ро', 'Па', 'Зі', 'Не', 'Ти', 'Ле', 'Ми', 'Си', 'Ба', 'Ре', 'Ду', 'Лу', 'Жу', 'Кли', 'Про'];
const UK_ROOT2 = ['в', 'р', 'л', 'н', 'с', 'т', 'ш', 'ч', 'х', 'д', 'б', 'м', 'вч', 'рч', 'сь', 'ць'];
const UK_SUF = ['енко', 'ук', 'чук', 'ко', 'ич', 'юк', 'ишин', 'ський', 'ак', 'ець', 'енко', 'енко', 'ук'];
const toRu = (s: string) => s.replace(/і/g, 'и').replace(/ї/g, 'и').replace(/є/g, 'е').replace(/ґ/g, 'г').replace(/ський$/, 'ский');
UKRAINIAN.family.push(...tail(800, 13, (r) => {
  const uk = r.pick(UK_ROOT1) + r.pick(UK_ROOT2) + (r.chance(0.4) ? r.pick(['а', 'о', 'и', 'е']) + r.pick(UK_ROOT2) : '') + r.pick(UK_SUF);
  return { c: uk, ru: toRu(uk) };
}, UKRAINIAN.family));

const BANTU_PRE = ['Mu', 'Ka', 'Tshi', 'Ki', 'Lu', 'Mbu', 'Ngo', 'Ma', 'Ba', 'Bi', 'I', 'Nzu', 'Mwa', 'Ku', 'Ntu', 'Sa', 'Nya', 'Mi', 'Ko', 'Ka', 'Mu'];
const BANTU_SYL = ['la', 'ba', 'nda', 'ngo', 'mbe', 'ka', 'le', 'si', 'bu', 'ndi', 'nga', 'mba', 'ke', 'lo', 'tu', 'ya', 'wa', 'nza', 'ti', 'mu', 'ngu', 'ye', 'lu', 'bi', 'ho', 'ra', 'ri'];
CONGOLESE.family.push(...tail(1500, 14, (r) => {
  const s = r.pick(BANTU_PRE) + r.pick(BANTU_SYL) + (r.chance(0.6) ? r.pick(BANTU_SYL) : '');
  return { c: s };
}, CONGOLESE.family));

const ETH_PRE = ['ተስፋ', 'ገብረ', 'ሃብተ', 'ወልደ', 'ዘር', 'ክፍለ', 'ተኽለ', 'ኪዳነ', 'ብርሃነ', 'ሃይለ', 'ሰመረ', 'ገረ'];
const ETH_SUF = ['ማርያም', 'ሚካኤል', 'ጊዮርጊስ', 'ስላሴ', 'ኢየሱስ', 'መድህን', 'ኪዳን', 'ሂወት', 'ትንሳኤ', 'ገርግሽ', 'ኣብ', 'ዮሃንስ', 'ሰንበት', 'ልኡል', 'ኣምላኽ'];
TIGRINYA.male.push(...tail(150, 15, (r) => ({ c: r.pick(ETH_PRE) + r.pick(ETH_SUF) }), TIGRINYA.male));
