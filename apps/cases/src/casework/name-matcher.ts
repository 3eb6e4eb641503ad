import { Injectable } from '@nestjs/common';
import { MatchingEngine } from '@kinlink/matching-engine';
import type { NameLike, SamePersonProbability } from '../domain';

/**
 * The port that tells whether two names are the same person — the matching engine itself, so
 * a restriction on "Mohammed Abdi Farah" also catches "Muhamad Cabdi Faarax".
 */
@Injectable()
export class NameMatcher {
  private readonly engine = new MatchingEngine();

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
