import { Module } from '@nestjs/common';
import { kinlinkConfigModule } from '@kinlink/config';
import { DatabaseModule } from '@kinlink/database';
import { KafkaModule } from '@kinlink/kafka';
import { PrivacyModule } from '@kinlink/privacy';
import { matchingEnvSchema } from './config';
import { CandidateEntity, ProposalEntity } from './matching/matching.entities';
import { MatchingModule } from './matching/matching.module';
import { Matching1732700000002 } from './migrations/1732700000002-matching';
import { CandidateSafeguarding1732700000007 } from './migrations/1732700000007-candidate-safeguarding';
import { CandidateChangeSeq1732700000020 } from './migrations/1732700000020-candidate-change-seq';
import { ProposalScoredFrom1732700000024 } from './migrations/1732700000024-proposal-scored-from';

@Module({
  imports: [
    kinlinkConfigModule(matchingEnvSchema),
    DatabaseModule.forService({ schema: 'matching', entities: [CandidateEntity, ProposalEntity], migrations: [Matching1732700000002, CandidateSafeguarding1732700000007, CandidateChangeSeq1732700000020, ProposalScoredFrom1732700000024] }),
    KafkaModule.forService('matching'),
    PrivacyModule.forService(),
    MatchingModule,
  ],
})
export class MatchingServiceModule {}
