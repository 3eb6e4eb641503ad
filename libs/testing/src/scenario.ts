/**
 * A realistic pair: agency `unhcr` registers a Somali boy in a camp; agency `icrc` takes a tracing
 * request from his mother, who gives the names in another romanisation (Somali c/x conventions)
 * and an estimated age instead of a date of birth.
 */
export function registeredBoy(suffix = '') {
  return {
    name: { given: `Mohammed${suffix}`, family: 'Abdi', middle: 'Hassan', original: 'محمد عبدي' },
    sex: 'male',
    dateOfBirth: '2016-03-12',
    placeOfOrigin: { text: 'Kismayo, Lower Juba', pcode: 'SO2701', country: 'SO' },
    separation: { date: '2026-09-03', place: { text: 'Dhobley border crossing', country: 'SO' }, cause: 'conflict' },
    languages: ['so'],
    nationality: 'SO',
    family: { mother: { name: { given: 'Amina', family: 'Hassan' } }, father: { name: { given: 'Abdi', family: 'Yusuf' } } },
    status: 'unaccompanied',
    registeredOn: '2026-10-02',
    currentLocation: { text: 'Dadaab, Hagadera block C', country: 'KE' },
    careArrangement: { type: 'foster' },
    consent: { tracing: true, sharing: true },
  };
}

export function motherSearching(suffix = '') {
  return {
    inquiryDate: '2026-10-20',
    inquirer: { name: { given: 'Aamina', family: 'Xasan' }, relation: 'mother', sex: 'female' },
    soughtChildren: [{
      ref: 'c1',
      name: { given: `Muhamad${suffix}`, family: 'Cabdi' },
      sex: 'male',
      estimatedAge: { years: 10, asOf: '2026-10-20' },
      placeOfOrigin: { text: 'Kismaayo', country: 'SO' },
      separation: { date: '2026-09', cause: 'conflict' },
      family: { mother: { name: { given: 'Aamina', family: 'Xasan' } }, father: { name: { given: 'Cabdi', family: 'Yuusuf' } } },
      languages: ['so'],
    }],
    consent: { tracing: true, sharing: true },
  };
}
