/**
 * Naming cultures of the end-to-end benchmark's event generator. Each name is a list of the
 * spellings agencies actually write for it (first = the most common romanisation); a child
 * registered by one agency and sought by another gets two different spellings of the same name.
 * Places carry OCHA-style P-codes and the text forms in use. Kept small and self-contained
 * (the matching quality benchmark has its own, richer generator).
 */

export type CultureId = 'somali' | 'arabic' | 'afghan' | 'ukrainian' | 'congolese' | 'tigrinya' | 'rohingya' | 'south-sudanese';

export interface Place {
  pcode: string;
  country: string;
  names: string[];
}

export interface Culture {
  id: CultureId;
  weight: number;
  nationality: string;
  languages: string[];
  male: string[][];
  female: string[][];
  family: string[][];
  /** original-script forms of some names (`latin → original`), used for the `original` field */
  original?: Record<string, string>;
  origins: Place[];
  /** where separations happen (border crossings, camps, transit points) */
  separations: Place[];
}

const L = (s: string): string[][] => s.split(';').map((group) => group.split('|').map((x) => x.trim()).filter(Boolean)).filter((g) => g.length > 0);

export const CULTURES: Culture[] = [
  {
    id: 'somali', weight: 0.2, nationality: 'SO', languages: ['so'],
    male: L('Mohammed|Muhammad|Maxamed|Mohamed|Muhamad;Abdi|Cabdi|Abdy;Hassan|Xasan|Hasan;Ahmed|Axmed|Ahmad;Abdirahman|Cabdiraxmaan|Abdurahman;Omar|Cumar|Umar;Yusuf|Yuusuf|Yousuf;Ali|Cali;Ibrahim|Ibraahim|Ibrahiim;Abdullahi|Cabdullaahi|Abdullah;Mustafa|Mustaf;Farah|Faarax;Hussein|Xuseen|Husein;Ismail|Ismaaciil|Ismael;Bashir|Bashiir;Khalid|Khaalid|Halid;Abdikarim|Cabdikariim|Abdulkarim;Abdiwali|Cabdiwali;Said|Saciid|Saeed;Liban|Liibaan;Mahad|Mahaad;Guled|Guuleed;Hamza|Xamsa;Zakariye|Sakariye|Zakaria;Idris|Idiris;Nuh|Nuux;Sharmarke|Sharmaarke;Abdiaziz|Cabdicasiis|Abdulaziz;Ayub|Ayuub;Musa|Muuse|Moussa'),
    female: L('Amina|Aamina|Ameena;Fatima|Faadumo|Fadumo|Fatuma;Hawa|Xaawo|Hawo;Halima|Xaliimo|Halimo;Asha|Caasha|Aisha;Maryan|Maryam|Mariam;Sahra|Sahro|Zahra;Hodan|Hoodan;Ifrah|Ifraax;Nasra|Nasro;Khadija|Khadiijo|Hadija;Sagal|Saagal;Ayan|Ayaan;Deeqa|Deka;Hibo|Hiba;Sucaad|Suad|Suaad;Ubah|Ubax;Naima|Nacima;Zamzam|Samsam;Fardowsa|Firdawsa;Muna|Muuna;Roda|Rooda;Anab|Canab;Khadra|Khadro;Ikran|Ikraan;Nimco|Nimo'),
    family: L('Abdi|Cabdi;Hassan|Xasan;Warsame|Warsama;Mohamud|Maxamuud|Mahmoud;Farah|Faarax;Yusuf|Yuusuf;Ali|Cali;Osman|Cusmaan|Usman;Ahmed|Axmed;Jama|Jaamac|Jamac;Hirsi|Xirsi;Nur|Nuur;Omar|Cumar;Adan|Aadan|Aden;Elmi|Cilmi;Dahir|Daahir;Guled|Guuleed;Abdulle|Cabdulle;Isse|Ciise|Issa;Mohamed|Maxamed;Aden|Aadan;Gedi|Geedi;Hersi|Xirsi;Samatar|Samatar;Egal|Cigaal;Duale|Ducaale;Abdirahman|Cabdiraxmaan;Shire|Shirre;Kahin|Kaahin'),
    original: { Mohammed: 'محمد', Ahmed: 'أحمد', Fatima: 'فاطمة', Amina: 'أمينة', Hassan: 'حسن', Ali: 'علي', Omar: 'عمر', Yusuf: 'يوسف' },
    origins: [
      { pcode: 'SO2701', country: 'SO', names: ['Kismayo', 'Kismaayo', 'Chisimaio'] },
      { pcode: 'SO2201', country: 'SO', names: ['Baidoa', 'Baydhabo'] },
      { pcode: 'SO2401', country: 'SO', names: ['Beledweyne', 'Beledweyn', 'Belet Weyne'] },
      { pcode: 'SO2501', country: 'SO', names: ['Mogadishu', 'Muqdisho', 'Xamar'] },
      { pcode: 'SO2601', country: 'SO', names: ['Garbaharey', 'Garbahaarreey'] },
      { pcode: 'SO2702', country: 'SO', names: ['Afmadow', 'Afmadu'] },
    ],
    separations: [
      { pcode: 'SO2703', country: 'SO', names: ['Dhobley', 'Dobley', 'Dhoobley'] },
      { pcode: 'KE0701', country: 'KE', names: ['Dadaab', 'Hagadera', 'Ifo'] },
      { pcode: 'ET0501', country: 'ET', names: ['Dolo Ado', 'Dollo Ado', 'Melkadida'] },
    ],
  },
  {
    id: 'arabic', weight: 0.18, nationality: 'SY', languages: ['ar'],
    male: L('Mohammad|Muhammad|Mohamed|Mohammed;Ahmad|Ahmed;Khaled|Khalid|Khaleed;Omar|Umar|Omer;Yousef|Youssef|Yusuf;Hussein|Husayn|Houssein;Mahmoud|Mahmud;Ibrahim|Ebrahim;Abdulrahman|Abd al-Rahman|Abdelrahman;Hamza|Hamzah;Bilal|Belal;Tariq|Tarek|Tareq;Samir|Sameer;Karim|Kareem;Yaseen|Yassin|Yasin;Anas|Anass;Ayman|Aiman;Fares|Faris;Majed|Majid;Nasser|Nasir;Rami|Ramy;Ziad|Ziyad;Adel|Adil;Haidar|Hayder|Haydar;Walid|Waleed;Jamal|Gamal;Issa|Eisa;Mousa|Musa;Suleiman|Sulayman|Soliman'),
    female: L('Fatima|Fatema|Fatimah;Aisha|Aicha|Aysha;Maryam|Mariam|Meryem;Zainab|Zaynab|Zeinab;Noor|Nour|Nur;Sara|Sarah;Layla|Leila|Laila;Huda|Houda;Rana|Ranaa;Reem|Rim;Yasmin|Yasmine|Jasmin;Hiba|Heba;Amal|Amel;Salma|Selma;Lama|Lamaa;Dunia|Donia|Dunya;Ruqaya|Roqaya|Ruqayya;Safiya|Safia;Samira|Sameera;Jamila|Jameela;Halima|Haleema;Nisreen|Nesrine;Ghada|Rhada;Wafaa|Wafa;Hanan|Hanane;Iman|Eman;Rahaf|Rahaaf;Jana|Janna'),
    family: L('Al-Hassan|Alhasan|al-Hasan;Al-Ali|Alali;Haddad|Al-Haddad;Khalaf|Khalef;Hamdan|Hamdane;Al-Halabi|Halabi;Darwish|Derwich|Darwiche;Al-Khatib|Khatib|El Khatib;Abbas|Abas;Al-Jubouri|Al-Juburi|Jbouri;Qabbani|Kabbani;Al-Najjar|Najjar|Nagar;Al-Rawi|Rawi;Al-Sheikh|Alcheikh|El Sheikh;Al-Obaidi|Al-Ubaydi|Obeidi;Al-Zubaidi|Zubaydi;Al-Tamimi|Tamimi;Al-Dulaimi|Dulaimi|Dleimi;Al-Shammari|Shammari;Al-Masri|Masri;Al-Homsi|Homsi;Al-Kurdi|Kurdi;Al-Baghdadi|Baghdadi;Al-Mosuli|Mousili;Saleh|Salih;Mansour|Mansur;Yassin|Yasin;Othman|Osman|Uthman'),
    original: { Mohammad: 'محمد', Ahmad: 'أحمد', Khaled: 'خالد', Omar: 'عمر', Fatima: 'فاطمة', Maryam: 'مريم', Noor: 'نور', Layla: 'ليلى', Haddad: 'حداد', 'Al-Hassan': 'الحسن' },
    origins: [
      { pcode: 'SY02', country: 'SY', names: ['Aleppo', 'Halab', 'Alep'] },
      { pcode: 'SY04', country: 'SY', names: ['Homs', 'Hims'] },
      { pcode: 'SY07', country: 'SY', names: ['Idlib', 'Idleb'] },
      { pcode: 'SY11', country: 'SY', names: ['Raqqa', 'Ar-Raqqah', 'Rakka'] },
      { pcode: 'IQ05', country: 'IQ', names: ['Mosul', 'Al-Mawsil', 'Mossoul'] },
      { pcode: 'SD04', country: 'SD', names: ['El Fasher', 'Al-Fashir', 'Fasher'] },
      { pcode: 'SD09', country: 'SD', names: ['Geneina', 'El Geneina', 'Al-Junaynah'] },
    ],
    separations: [
      { pcode: 'TR27', country: 'TR', names: ['Gaziantep', 'Antep'] },
      { pcode: 'GR42', country: 'GR', names: ['Lesvos', 'Lesbos', 'Moria'] },
      { pcode: 'TD08', country: 'TD', names: ['Adre', 'Adré'] },
      { pcode: 'JO02', country: 'JO', names: ['Zaatari', 'Mafraq'] },
    ],
  },
  {
    id: 'afghan', weight: 0.14, nationality: 'AF', languages: ['fa', 'ps'],
    male: L('Ahmad|Ahmed;Mohammad|Muhammad|Mohammed;Abdul|Abdol;Hamid|Hameed;Rahim|Raheem;Farid|Fareed;Jawad|Javad;Mustafa|Mostafa;Sohail|Suhail|Sohayl;Naveed|Navid;Zabihullah|Zabiullah;Rahmatullah|Rahmatollah;Wahid|Waheed;Bilal|Belal;Idris|Edris;Shafiq|Shafeeq;Ajmal|Ajmall;Qasim|Kasim|Qassem;Rashid|Rasheed;Samiullah|Samiollah;Habib|Habeeb;Nasir|Naser;Yama|Yamah;Omid|Umeed;Elham|Ilham;Mahdi|Mehdi'),
    female: L('Fatima|Fatema;Zahra|Zohra;Maryam|Mariam;Nargis|Narges;Parwana|Parvana;Shabnam|Shabnum;Soraya|Suraya;Laila|Leila|Layla;Mursal|Morsal;Freshta|Fereshta;Hadia|Hadiya;Nazia|Naziya;Zainab|Zaynab;Roya|Roia;Sima|Seema;Farzana|Farzaneh;Gulalai|Gulalay;Malalai|Malalay;Tahmina|Tahmineh;Wajiha|Wajeeha;Shukria|Shukriya;Marzia|Marziya;Lina|Leena;Nilofar|Nilufar'),
    family: L('Ahmadzai|Ahmadzay;Popal|Popalzai;Hakimi|Hakeemi;Rahimi|Rahimy;Sultani|Soltani;Karimi|Karimy;Noori|Nouri|Nuri;Amiri|Amiry;Safi|Saafi;Mohammadi|Muhammadi;Hussaini|Husaini|Hosseini;Stanikzai|Stanekzai;Wardak|Wardag;Durrani|Durani;Barakzai|Barakzay;Yousafzai|Yusufzai;Niazi|Niyazi;Qaderi|Qadiri;Azimi|Azeemi;Haidari|Hayderi;Jalali|Jalaly;Samadi|Samady;Omari|Umari;Habibi|Habeebi;Faizi|Faizy'),
    original: { Ahmad: 'احمد', Mohammad: 'محمد', Fatima: 'فاطمه', Zahra: 'زهرا', Rahimi: 'رحیمی', Karimi: 'کریمی' },
    origins: [
      { pcode: 'AF01', country: 'AF', names: ['Kabul', 'Kaabul'] },
      { pcode: 'AF23', country: 'AF', names: ['Kandahar', 'Qandahar'] },
      { pcode: 'AF30', country: 'AF', names: ['Herat', 'Hirat'] },
      { pcode: 'AF18', country: 'AF', names: ['Kunduz', 'Qunduz'] },
      { pcode: 'AF06', country: 'AF', names: ['Jalalabad', 'Nangarhar'] },
    ],
    separations: [
      { pcode: 'PK04', country: 'PK', names: ['Torkham', 'Torkham border'] },
      { pcode: 'IR30', country: 'IR', names: ['Islam Qala', 'Dogharoun'] },
      { pcode: 'AF01', country: 'AF', names: ['Kabul airport', 'Hamid Karzai International Airport', 'HKIA'] },
    ],
  },
  {
    id: 'ukrainian', weight: 0.16, nationality: 'UA', languages: ['uk', 'ru'],
    male: L('Oleksandr|Aleksandr|Alexander|Oleksander;Andrii|Andriy|Andrey|Andrij;Dmytro|Dmitriy|Dmitry|Dmytryi;Serhii|Sergiy|Sergey|Serhiy;Mykola|Nikolai|Mikola;Volodymyr|Vladimir|Wolodymyr;Maksym|Maxim|Maksim;Yurii|Yuriy|Yuri|Jurij;Ivan|Iwan;Artem|Artyom|Artiom;Bohdan|Bogdan;Denys|Denis;Kyrylo|Kirill|Kirilo;Taras|Tarass;Mykhailo|Mikhail|Michael;Pavlo|Pavel|Paul;Vasyl|Vasiliy|Wasyl;Roman|Roman;Oleh|Oleg;Ihor|Igor;Vitalii|Vitaliy|Vitaly;Yaroslav|Jaroslaw;Danylo|Daniil|Danilo;Matvii|Matvey|Matviy;Nazar|Nazarii;Illia|Ilya|Ilia'),
    female: L('Olena|Elena|Helena;Tetiana|Tetyana|Tatiana|Tatyana;Iryna|Irina|Iryna;Nataliia|Natalia|Natalya;Yuliia|Yulia|Julia;Kateryna|Ekaterina|Katerina;Anastasiia|Anastasia|Anastasiya;Sofiia|Sofia|Sophia;Viktoriia|Viktoria|Victoria;Oksana|Oxana;Daryna|Darina;Polina|Polyna;Mariia|Maria|Mariya;Alina|Alyna;Khrystyna|Kristina|Christina;Valeriia|Valeria|Valeriya;Diana|Dianna;Veronika|Veronica;Yevheniia|Evgeniya|Eugenia;Liudmyla|Lyudmila|Ludmila;Halyna|Galina|Halina;Svitlana|Svetlana;Zlata|Slata;Vira|Vera'),
    family: L('Shevchenko|Schewtschenko|Chevtchenko;Kovalenko|Kowalenko;Bondarenko|Bondarenko;Tkachenko|Tkatschenko;Kravchenko|Krawtschenko;Melnyk|Melnik|Melnyk;Shevchuk|Shewtschuk;Boiko|Boyko|Bojko;Koval|Kowal;Oliinyk|Oleynik|Olijnyk;Lysenko|Lisenko;Marchenko|Martschenko;Rudenko|Rudenko;Savchenko|Sawtschenko;Petrenko|Petrenko;Moroz|Moros;Pavlenko|Pawlenko;Klymenko|Klimenko;Levchenko|Lewtschenko;Kravets|Krawez;Ponomarenko|Ponomarenko;Polishchuk|Polischuk;Kozak|Kosak;Tkachuk|Tkatschuk;Honcharenko|Goncharenko;Vasylenko|Vasilenko;Karpenko|Karpenko;Zinchenko|Sintschenko;Hrytsenko|Gritsenko;Ostapenko|Ostapenko'),
    original: { Oleksandr: 'Олександр', Andrii: 'Андрій', Dmytro: 'Дмитро', Olena: 'Олена', Iryna: 'Ірина', Shevchenko: 'Шевченко', Kovalenko: 'Коваленко', Melnyk: 'Мельник' },
    origins: [
      { pcode: 'UA14', country: 'UA', names: ['Mariupol', 'Mariupil'] },
      { pcode: 'UA63', country: 'UA', names: ['Kharkiv', 'Kharkov', 'Charkiw'] },
      { pcode: 'UA65', country: 'UA', names: ['Kherson', 'Cherson'] },
      { pcode: 'UA48', country: 'UA', names: ['Mykolaiv', 'Nikolaev'] },
      { pcode: 'UA23', country: 'UA', names: ['Zaporizhzhia', 'Zaporozhye', 'Saporischschja'] },
      { pcode: 'UA12', country: 'UA', names: ['Dnipro', 'Dnepr'] },
    ],
    separations: [
      { pcode: 'PL06', country: 'PL', names: ['Przemysl', 'Przemyśl', 'Medyka'] },
      { pcode: 'MD00', country: 'MD', names: ['Palanca', 'Palanka'] },
      { pcode: 'UA46', country: 'UA', names: ['Lviv', 'Lvov', 'Lwow'] },
      { pcode: 'RO33', country: 'RO', names: ['Siret'] },
    ],
  },
  {
    id: 'congolese', weight: 0.12, nationality: 'CD', languages: ['sw', 'ln', 'fr'],
    male: L('Jean-Pierre|Jean Pierre|Jeanpierre;Patrick|Patrice;Emmanuel|Emanuel|Emmanuelle;Christian|Kristian;Joseph|Josef;Dieudonne|Dieudonné|Dieu-Donne;Blaise|Blaize;Fiston|Fistone;Trésor|Tresor;Merveille|Merveil;Glody|Glodi;Moise|Moïse|Moses;Daniel|Danny;Gloire|Gloir;Prince|Prinz;Exaucé|Exauce;Jonathan|Jonatan;Héritier|Heritier;Josué|Josue;Benjamin|Benjamen;Samuel|Samwel;Jacques|Jack;Pascal|Paskal'),
    female: L('Marie|Mary;Esther|Ester;Grace|Grâce;Chantal|Shantal;Rachel|Rachelle;Sarah|Sara;Divine|Divina;Nadine|Nadina;Aline|Alina;Josephine|Joséphine;Solange|Solanj;Furaha|Foraha;Neema|Nema;Gracia|Grazia;Ruth|Rut;Dorcas|Dorkas;Bénédicte|Benedicte;Sifa|Siffa;Mapendo|Mapendu;Nsimire|Nsimile;Consolata|Consolate;Francine|Fransine;Jeanne|Jeane'),
    family: L('Kabila|Kabilla;Mukendi|Mukendji;Tshibangu|Tshibango;Mbuyi|Mbuyu;Ilunga|Ilunga;Kasongo|Kassongo;Mutombo|Moutombo;Lukusa|Loukoussa;Kalala|Kalala;Bahati|Bahaty;Mugisha|Mugisa;Habimana|Abimana;Nsengiyumva|Nsengiyumba;Kabongo|Kabongo;Mwamba|Mwambah;Kalonji|Kalondji;Tshisekedi|Tshisekedi;Mulumba|Moulumba;Kayembe|Kayembé;Banza|Banzah;Kyungu|Kiungu;Mushagalusa|Mushagaluza;Bisimwa|Bisimua;Cirhuza|Chiruza;Amani|Amany;Byamungu|Biamungu'),
    origins: [
      { pcode: 'CD61', country: 'CD', names: ['Goma', 'Goma ville'] },
      { pcode: 'CD62', country: 'CD', names: ['Bukavu', 'Boukavou'] },
      { pcode: 'CD54', country: 'CD', names: ['Bunia', 'Bounia'] },
      { pcode: 'CD61', country: 'CD', names: ['Rutshuru', 'Rutchuru'] },
      { pcode: 'CD63', country: 'CD', names: ['Uvira', 'Ouvira'] },
    ],
    separations: [
      { pcode: 'UG20', country: 'UG', names: ['Nyakabande', 'Kisoro'] },
      { pcode: 'RW41', country: 'RW', names: ['Gisenyi', 'Rubavu'] },
      { pcode: 'CD61', country: 'CD', names: ['Kanyaruchinya', 'Kanyarushinya'] },
    ],
  },
  {
    id: 'tigrinya', weight: 0.08, nationality: 'ER', languages: ['ti'],
    male: L('Tesfay|Tesfaye|Tesfai;Yonas|Yohannes|Johannes;Dawit|Dawitt|David;Mehari|Mehary;Samuel|Samiel;Filmon|Filimon;Habtom|Habtome;Kidane|Kidan;Berhane|Berhan|Birhane;Amanuel|Amanual|Emmanuel;Robel|Robiel;Henok|Enoch'),
    female: L('Helen|Hellen|Helena;Senait|Senayt;Selam|Salam;Saba|Sabah;Rahel|Rachel;Feven|Fiven;Yordanos|Jordanos;Winta|Wintana;Luwam|Luam;Hiwet|Hewet;Meron|Miron'),
    family: L('Tesfamariam|Tesfamaryam|Tesfa Mariam;Gebremedhin|Gebre Medhin|Ghebremedhin;Haile|Hailé|Hayle;Tekle|Teklé;Berhe|Berhé|Birhe;Kidane|Kidan;Ghebreyesus|Gebreyesus|Gebre Yesus;Mebrahtu|Mebrahtom;Woldemichael|Wolde Michael|Weldemikael;Asfaha|Asfeha'),
    original: { Tesfay: 'ተስፋይ', Yonas: 'ዮናስ', Helen: 'ሄለን', Haile: 'ሃይለ', Berhe: 'በርሀ' },
    origins: [
      { pcode: 'ER01', country: 'ER', names: ['Asmara', 'Asmera'] },
      { pcode: 'ER04', country: 'ER', names: ['Keren', 'Kern'] },
      { pcode: 'ET01', country: 'ET', names: ['Shire', 'Inda Selassie'] },
    ],
    separations: [
      { pcode: 'SD08', country: 'SD', names: ['Kassala', 'Shagarab'] },
      { pcode: 'LY01', country: 'LY', names: ['Tripoli', 'Tarabulus'] },
      { pcode: 'IT19', country: 'IT', names: ['Lampedusa'] },
    ],
  },
  {
    id: 'rohingya', weight: 0.06, nationality: 'MM', languages: ['rhg', 'my'],
    male: L('Mohammed|Mohammad|Muhammad;Nur|Noor|Nurul;Abul|Abdul;Rashid|Rashed;Hamid|Hamed;Jamal|Jamaal;Anwar|Anowar;Shafi|Shofi;Karim|Korim;Yunus|Younus'),
    female: L('Rokeya|Rokiya|Rukiya;Hasina|Hashina;Fatema|Fatima;Rahima|Rohima;Noor|Nur;Jannat|Jannatul;Sakina|Shakina;Hamida|Homida;Morjina|Marjina;Asma|Asmah'),
    family: L('Begum|Begom;Khatun|Khatoon;Hossain|Hussain|Hossen;Ullah|Ulla;Alam|Alom;Islam|Eslam;Rahman|Rohman;Ahmed|Ahmad'),
    origins: [
      { pcode: 'MM012', country: 'MM', names: ['Maungdaw', 'Maungtaw'] },
      { pcode: 'MM012', country: 'MM', names: ['Buthidaung', 'Buthidaung township'] },
      { pcode: 'MM011', country: 'MM', names: ['Sittwe', 'Akyab'] },
    ],
    separations: [
      { pcode: 'BD20', country: 'BD', names: ["Cox's Bazar", 'Coxs Bazar', 'Kutupalong'] },
      { pcode: 'BD20', country: 'BD', names: ['Teknaf', 'Tekhnaf'] },
    ],
  },
  {
    id: 'south-sudanese', weight: 0.06, nationality: 'SS', languages: ['din', 'nus', 'ar'],
    male: L('Deng|Dheng;Garang|Garaang;Machar|Machaar;Kuol|Kuel;Majok|Majook;Gatluak|Gatluok;Chol|Chool;Malual|Malwal;Akech|Akec;Bol|Bool'),
    female: L('Nyandeng|Nyandheng;Achol|Acol;Ayen|Ayeen;Nyabol|Nyaboll;Adut|Aduot;Nyakuoth|Nyakuot;Akuol|Akuel;Abuk|Abuok'),
    family: L('Deng|Dheng;Garang|Garaang;Lual|Luol;Makuei|Makuey;Kiir|Kir;Nyuon|Nyuan;Ajak|Ajaak;Mayen|Mayeen'),
    origins: [
      { pcode: 'SS01', country: 'SS', names: ['Malakal', 'Malakaal'] },
      { pcode: 'SS03', country: 'SS', names: ['Bor', 'Bor town'] },
      { pcode: 'SS04', country: 'SS', names: ['Bentiu', 'Bantiu'] },
    ],
    separations: [
      { pcode: 'UG30', country: 'UG', names: ['Bidibidi', 'Bidi Bidi'] },
      { pcode: 'ET12', country: 'ET', names: ['Gambella', 'Gambela'] },
      { pcode: 'SD10', country: 'SD', names: ['Kosti', 'Kusti'] },
    ],
  },
];
