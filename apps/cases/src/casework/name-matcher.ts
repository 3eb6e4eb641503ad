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
      return this.engine.searchByName({ name: fullName(inquirer), side: 'child' }, { limit: 1 })[0]?.probability ?? 0;
    } finally {
      this.engine.remove('restricted');
    }
  };
}

function fullName(n: NameLike): string {
  return n.full ?? ([n.given, n.middle, n.family].filter(Boolean).join(' ') || n.original || '');
}
