import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { INTERNAL_TOPICS, KinlinkEvent } from '@kinlink/contracts';
import { DecideProposal } from './decide-proposal.usecase';
import { RecordProposal } from './record-proposal.usecase';
import { RecordSafeguardingFacts } from './record-safeguarding-facts.usecase';
import { TransitionCase } from './transition-case.usecase';

/** Thin edges: each event type → one use case. */
@Controller()
export class CaseworkConsumer {
  constructor(
    private readonly recordProposal: RecordProposal,
    private readonly decideProposal: DecideProposal,
    private readonly transitionCase: TransitionCase,
    private readonly recordSafeguardingFacts: RecordSafeguardingFacts,
  ) {}

  @EventPattern(INTERNAL_TOPICS.records)
  async onRecord(@Payload() e: KinlinkEvent) {
    await this.recordSafeguardingFacts.execute(e);
  }

  @EventPattern(INTERNAL_TOPICS.matches)
  async onMatch(@Payload() e: KinlinkEvent) {
    if (e.type === 'match.proposed' || e.type === 'match.withdrawn') await this.recordProposal.execute(e as KinlinkEvent<'match.proposed'>);
    // match.rescored updates a probability, which cases does not keep (review and protection do not depend on it): nothing to do
  }

  @EventPattern(INTERNAL_TOPICS.caseCommands)
  async onCommand(@Payload() e: KinlinkEvent) {
    if (e.type === 'proposal.decision-requested') await this.decideProposal.execute(e as KinlinkEvent<'proposal.decision-requested'>);
    else if (e.type === 'case.transition-requested') await this.transitionCase.execute(e as KinlinkEvent<'case.transition-requested'>);
  }
}
