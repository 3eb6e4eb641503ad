/**
 * The name-evidence model — a FROZEN copy of kinlink-fs-1.3.0 (libs/matching-engine/src/model/default-model.ts
 * at commit e3bec6a), renamed kinlink-names-1.0.0; kinlink-names-1.1.0 adds one comparator, the joined
 * compound given name (`comparators.joinedCompounds`: Jean-Claoude × Jeanclaude), reviewed with
 * bench/matching/restrictions.ts (catch 71.85 → 72.09 % by names alone, 97.66 → 97.75 % for the same
 * role; false flags unchanged), weights unchanged. Used where the evidence of names alone decides
 * something on its own threshold: the safeguarding restriction check (RESTRICTION_MATCH_THRESHOLD,
 * apps/cases) and the admin API's name search (MIN_NAME_EVIDENCE_BITS). Those thresholds were set on
 * these weights; a refit of the matching model moves the name weights, so it must not move them
 * unreviewed. Replace it only with a model reviewed by bench/matching/restrictions.ts (catch and
 * false-flag rates) and a new version.
 */
import { MatchModelJson } from '../model';

export const NAME_EVIDENCE_MODEL_JSON: MatchModelJson = {
  "modelVersion": "kinlink-names-1.1.0",
  "description": "Name evidence for the safeguarding restriction check (apps/cases NameMatcher) and the admin API's name search: kinlink-fs-1.3.0 frozen (its field weights are kinlink-fs-1.1.0's), versioned apart from the matching model so that a refit of the matching model cannot move what a restriction refuses. 1.1.0 = 1.0.0 with joined compound given names compared (comparators.joinedCompounds). Change it only with a review by bench/matching/restrictions.ts.",
  "prior": {
    "child-sought": 0.7506,
    "duplicate-child": 0.0798,
    "same-sought-child": 0.0936,
    "possible-sibling": 0.9608,
    "minPopulation": 1000
  },
  "fields": {
    "name.first": {
      "exact": {
        "m": 0.6021,
        "u": 0.004821,
        "mSibling": 0.009443
      },
      "variant": {
        "m": 0.1034,
        "u": 0.004201,
        "mSibling": 0.001847
      },
      "jw92": {
        "m": 0.0611,
        "u": 0.0005362,
        "mSibling": 0.0009625
      },
      "nickname": {
        "m": 0.038,
        "u": 0.05383,
        "mSibling": 0.04903
      },
      "swapped": {
        "m": 0.06588,
        "u": 0.0001862,
        "mSibling": 0.001119
      },
      "phonetic": {
        "m": 0.07806,
        "u": 0.002014,
        "mSibling": 0.001223
      },
      "elsewhere": {
        "m": 0.0303,
        "u": 0.01895,
        "mSibling": 0.09487
      },
      "jw85": {
        "m": 0.006537,
        "u": 0.001126,
        "mSibling": 0.002107
      },
      "jw70": {
        "m": 0.005821,
        "u": 0.02106,
        "mSibling": 0.02531
      },
      "none": {
        "m": 0.008866,
        "u": 0.8933,
        "mSibling": 0.8141
      }
    },
    "name.rest": {
      "all2": {
        "m": 0.1979,
        "u": 0.0002058,
        "mSibling": 0.07945
      },
      "all1": {
        "m": 0.494,
        "u": 0.01048,
        "mSibling": 0.3933
      },
      "some": {
        "m": 0.06778,
        "u": 0.008267,
        "mSibling": 0.09746
      },
      "fuzzy": {
        "m": 0.06447,
        "u": 0.008852,
        "mSibling": 0.05343
      },
      "none": {
        "m": 0.1319,
        "u": 0.9694,
        "mSibling": 0.3362
      },
      "via-father": {
        "m": 0.04396,
        "u": 0.002753,
        "mSibling": 0.04019
      }
    },
    "birth": {
      "exact": {
        "m": 0.2113,
        "u": 3.751e-05,
        "mSibling": 0.005029
      },
      "dm-swap": {
        "m": 0.007801,
        "u": 1.25e-05,
        "mSibling": 0.0001437
      },
      "ym": {
        "m": 0.02706,
        "u": 0.001141,
        "mSibling": 0.001753
      },
      "y": {
        "m": 0.1522,
        "u": 0.02109,
        "mSibling": 0.02336
      },
      "y1": {
        "m": 0.03934,
        "u": 0.04068,
        "mSibling": 0.03923
      },
      "y2": {
        "m": 0.00156,
        "u": 0.03457,
        "mSibling": 0.03221
      },
      "y4": {
        "m": 0.005013,
        "u": 0.08031,
        "mSibling": 0.07377
      },
      "far": {
        "m": 0.002822,
        "u": 0.2701,
        "mSibling": 0.2297
      },
      "e0": {
        "m": 0.1979,
        "u": 0.03324,
        "mSibling": 0.0475
      },
      "e1": {
        "m": 0.2128,
        "u": 0.05257,
        "mSibling": 0.06342
      },
      "e2": {
        "m": 0.08708,
        "u": 0.05105,
        "mSibling": 0.05716
      },
      "e4": {
        "m": 0.04824,
        "u": 0.09581,
        "mSibling": 0.0998
      },
      "efar": {
        "m": 0.006938,
        "u": 0.3194,
        "mSibling": 0.3269
      }
    },
    "sex": {
      "agree": {
        "m": 0.9905,
        "u": 0.5026,
        "mSibling": 0.5045
      },
      "disagree": {
        "m": 0.009545,
        "u": 0.4974,
        "mSibling": 0.4955
      }
    },
    "origin": {
      "exact": {
        "m": 0.1709,
        "u": 0.0003073,
        "mSibling": 0.1745
      },
      "admin2": {
        "m": 0.1324,
        "u": 0.0003004,
        "mSibling": 0.138
      },
      "admin1": {
        "m": 0.2856,
        "u": 0.01152,
        "mSibling": 0.2745
      },
      "country": {
        "m": 0.03774,
        "u": 0.04297,
        "mSibling": 0.03719
      },
      "text": {
        "m": 0.2898,
        "u": 0.005666,
        "mSibling": 0.2873
      },
      "text-disagree": {
        "m": 0.05542,
        "u": 0.07726,
        "mSibling": 0.05851
      },
      "disagree": {
        "m": 0.02819,
        "u": 0.862,
        "mSibling": 0.02999
      }
    },
    "separation.place": {
      "exact": {
        "m": 0.2457,
        "u": 0.0004888,
        "mSibling": 0.2329
      },
      "admin2": {
        "m": 0.0001008,
        "u": 4.25e-06,
        "mSibling": 8.672e-05
      },
      "admin1": {
        "m": 0.329,
        "u": 0.008573,
        "mSibling": 0.3328
      },
      "country": {
        "m": 0.01441,
        "u": 0.009542,
        "mSibling": 0.01396
      },
      "text": {
        "m": 0.2222,
        "u": 0.003294,
        "mSibling": 0.2287
      },
      "text-disagree": {
        "m": 0.08836,
        "u": 0.2127,
        "mSibling": 0.08993
      },
      "disagree": {
        "m": 0.1003,
        "u": 0.7654,
        "mSibling": 0.1017
      }
    },
    "separation.date": {
      "d7": {
        "m": 0.2596,
        "u": 0.007793,
        "mSibling": 0.225
      },
      "d31": {
        "m": 0.5183,
        "u": 0.02447,
        "mSibling": 0.5052
      },
      "d92": {
        "m": 0.1338,
        "u": 0.05556,
        "mSibling": 0.1785
      },
      "d365": {
        "m": 0.07581,
        "u": 0.219,
        "mSibling": 0.08016
      },
      "far": {
        "m": 0.01243,
        "u": 0.6932,
        "mSibling": 0.01114
      }
    },
    "mother": {
      "full": {
        "m": 0.2578,
        "u": 0.0005848,
        "mSibling": 0.2227
      },
      "first": {
        "m": 0.5433,
        "u": 0.01343,
        "mSibling": 0.5768
      },
      "fuzzy": {
        "m": 0.08936,
        "u": 0.005622,
        "mSibling": 0.09112
      },
      "disagree": {
        "m": 0.1095,
        "u": 0.9804,
        "mSibling": 0.1095
      }
    },
    "father": {
      "full": {
        "m": 0.2217,
        "u": 0.0005711,
        "mSibling": 0.1962
      },
      "first": {
        "m": 0.5958,
        "u": 0.02227,
        "mSibling": 0.6243
      },
      "fuzzy": {
        "m": 0.07147,
        "u": 0.004426,
        "mSibling": 0.07322
      },
      "disagree": {
        "m": 0.111,
        "u": 0.9727,
        "mSibling": 0.1063
      }
    },
    "siblings": {
      "agree": {
        "m": 0.826,
        "u": 0.01809,
        "mSibling": 0.4793
      },
      "disagree": {
        "m": 0.174,
        "u": 0.9819,
        "mSibling": 0.5207
      }
    },
    "cross-sibling": {
      "listed": {
        "m": 0.01533,
        "u": 0.01468,
        "mSibling": 0.7309
      },
      "not-listed": {
        "m": 0.9847,
        "u": 0.9853,
        "mSibling": 0.2691
      }
    },
    "languages": {
      "agree": {
        "m": 0.9272,
        "u": 0.1424,
        "mSibling": 0.927
      },
      "disagree": {
        "m": 0.07278,
        "u": 0.8576,
        "mSibling": 0.07297
      }
    },
    "nationality": {
      "agree": {
        "m": 0.8978,
        "u": 0.135,
        "mSibling": 0.9001
      },
      "disagree": {
        "m": 0.1022,
        "u": 0.865,
        "mSibling": 0.09995
      }
    }
  },
  "tf": {
    "minPopulation": 1000,
    "maxAdjustment": 6
  },
  "proposalThreshold": 0.5,
  "siblingThreshold": 0.5,
  "estimatedFrom": {
    "frozenFrom": "kinlink-fs-1.3.0",
    "commit": "e3bec6a",
    "original": {
      "method": "labelled-pairs",
      "generator": "bench/matching/generator.ts",
      "seed": 1001,
      "recordsPerSide": 20000,
      "pairs": {
        "childSought": 15011,
        "duplicateChild": 798,
        "sameSoughtChild": 936,
        "siblings": 19216,
        "random": 400000
      },
      "noiseProfile": "hard",
      "noiseVersion": 1038
    }
  },
  "calibration": {
    "tfScale": 0.7222,
    "intercept": -0.9465,
    "siblingIntercept": 0.4737,
    "fittedOn": {
      "sameVsUnrelated": {
        "pairs": 724709,
        "positives": 6450
      },
      "sameVsSiblings": {
        "pairs": 11091,
        "positives": 6450
      },
      "perLevel": true,
      "l2": 5
    },
    "levelWeights": {
      "name.first": {
        "exact": 5.9445,
        "variant": 4.8686,
        "jw92": 4.7229,
        "nickname": 0.9477,
        "swapped": 7.7467,
        "phonetic": 3.8435,
        "elsewhere": 1.4274,
        "jw85": 2.8208,
        "jw70": -1.4456,
        "none": -5.4593
      },
      "name.rest": {
        "all2": 6.2475,
        "all1": 3.0603,
        "some": 0.6391,
        "fuzzy": 2.1907,
        "none": -1.3803,
        "via-father": 4.0141
      },
      "birth": {
        "exact": 13.0092,
        "dm-swap": 9.3741,
        "ym": 4.9571,
        "y": 3.2399,
        "y1": 0.2656,
        "y2": -4.587,
        "y4": -4.225,
        "far": -6.715,
        "e0": 2.6817,
        "e1": 2.1533,
        "e2": 0.752,
        "e4": -1.162,
        "efar": -6.0959
      },
      "sex": {
        "agree": 0.241,
        "disagree": -4.7834
      },
      "origin": {
        "exact": 7.6223,
        "admin2": 7.6616,
        "admin1": 2.0093,
        "country": -2.366,
        "text": 3.2966,
        "text-disagree": -2.0579,
        "disagree": -3.4332
      },
      "separation.place": {
        "exact": 7.8707,
        "admin2": 4.5679,
        "admin1": 2.8835,
        "country": -0.1429,
        "text": 3.8497,
        "text-disagree": -1.5201,
        "disagree": -2.6189
      },
      "separation.date": {
        "d7": 4.7997,
        "d31": 4.1951,
        "d92": 1.5501,
        "d365": -1.7735,
        "far": -6.0176
      },
      "mother": {
        "full": 6.5107,
        "first": 3.9581,
        "fuzzy": 3.5454,
        "disagree": -3.5318
      },
      "father": {
        "full": 6.7757,
        "first": 2.315,
        "fuzzy": 3.1906,
        "disagree": -3.2459
      },
      "siblings": {
        "agree": 5.3221,
        "disagree": -2.1426
      },
      "cross-sibling": {
        "listed": -0.5326,
        "not-listed": -0.4589
      },
      "languages": {
        "agree": 0.3289,
        "disagree": -1.1855
      },
      "nationality": {
        "agree": 0.1461,
        "disagree": -0.7655
      }
    },
    "siblingLevelWeights": {
      "name.first": {
        "exact": 6.203,
        "variant": 5.6366,
        "jw92": 6.1568,
        "nickname": -0.4756,
        "swapped": 5.8804,
        "phonetic": 6.0388,
        "elsewhere": -1.1353,
        "jw85": 1.6407,
        "jw70": -2.4043,
        "none": -6.424
      },
      "name.rest": {
        "all2": 1.2524,
        "all1": 0.4913,
        "some": -0.2786,
        "fuzzy": 0.2551,
        "none": -1.8568,
        "via-father": 0.1779
      },
      "birth": {
        "exact": 5.8075,
        "dm-swap": 5.7716,
        "ym": 3.9526,
        "y": 2.9518,
        "y1": -0.5415,
        "y2": -4.3255,
        "y4": -3.6716,
        "far": -6.3505,
        "e0": 2.0917,
        "e1": 1.7021,
        "e2": 0.7356,
        "e4": -1.1317,
        "efar": -5.3993
      },
      "sex": {
        "agree": 1.3926,
        "disagree": -5.6465
      },
      "origin": {
        "exact": -0.1006,
        "admin2": 0.2881,
        "admin1": 0.3439,
        "country": -0.1172,
        "text": -0.1744,
        "text-disagree": 0.251,
        "disagree": 0.0859
      },
      "separation.place": {
        "exact": -0.1765,
        "admin2": 0.2171,
        "admin1": 0.0556,
        "country": 0.0347,
        "text": 0.1416,
        "text-disagree": -0.0601,
        "disagree": 0.1195
      },
      "separation.date": {
        "d7": 0.3815,
        "d31": -0.2292,
        "d92": -0.2702,
        "d365": 0.2084,
        "far": 0.1773
      },
      "mother": {
        "full": -0.1821,
        "first": -0.0482,
        "fuzzy": -0.027,
        "disagree": 0.3229
      },
      "father": {
        "full": 0.4456,
        "first": 0.2725,
        "fuzzy": 0.2421,
        "disagree": -0.289
      },
      "siblings": {
        "agree": 0.7812,
        "disagree": -1.4616
      },
      "cross-sibling": {
        "listed": -5.941,
        "not-listed": 0.6023
      },
      "languages": {
        "agree": 0.3577,
        "disagree": 0.1266
      },
      "nationality": {
        "agree": 0.0866,
        "disagree": 0.1713
      }
    }
  },
  "oneToOne": {
    "slope": 0.9323,
    "intercept": 1.2767,
    "fittedOn": {
      "seed": 1001,
      "recordsPerSide": 100000,
      "queries": 4000,
      "pairs": 226581,
      "positives": 2954
    }
  },
  "comparators": {
    "joinedCompounds": true
  }
};
