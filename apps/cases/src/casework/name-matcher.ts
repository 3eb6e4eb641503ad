import { Inject, Injectable, Optional } from '@nestjs/common';
import { MatchingEngine, MatchModel, nameEvidenceModel } from '@kinlink/matching-engine';
import type { NameLike, SamePersonProbability } from '../domain';

/**
 * The model whose name evidence the restriction check uses (optional provider; default: the
 * engine's name-evidence model, versioned apart from the matching model so that a refit does not
 * move what a restriction refuses). Lets a safeguarding review measure a candidate before it ships.
 */
export const NAME_EVIDENCE_MODEL = Symbol('NAME_EVIDENCE_MODEL');

/**
 * The port that tells whether two names are the same person — the matching engine itself, so
 * a restriction on "Mohammed Abdi Farah" also catches "Muhamad Cabdi Faarax".
 */
@Injectable()
export class NameMatcher {
  private readonly engine: MatchingEngine;

  constructor(@Optional() @Inject(NAME_EVIDENCE_MODEL) model?: MatchModel) {
    this.engine = new MatchingEngine({ model: model ?? nameEvidenceModel() });
  }

  /** version of the model the name evidence comes from (recorded with a refusal's review) */
  get modelVersion(): string {
    return this.engine.modelVersion;
  }

  readonly samePerson: SamePersonProbability = (restricted, inquirer) => {
    // synchronous: no other check can interleave between upsert, search and remove
    this.engine.upsert({ id: 'restricted', side: 'child', agencyId: 'restriction', consentForTracing: true, name: restricted });
    try {
      const hit = this.engine.searchByName({ name: fullName(inquirer), side: 'child' }, { limit: 1 })[0];
      if (!hit) return 0;
      // the evidence of the names alone, at even prior odds: the population base rate that search
      // applies answers "which record is this?", not "is this inquirer that named person?"
      const bits = hit.explanation.filter((f) => f.field !== 'prior').reduce((sum, f) => sum + f.weight, 0);
      return 1 / (1 + 2 ** -bits);
    } finally {
      this.engine.remove('restricted');
    }
  };
}

function fullName(n: NameLike): string {
  return n.full ?? ([n.given, n.middle, n.family].filter(Boolean).join(' ') || n.original || '');
}
