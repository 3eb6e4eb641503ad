import { Module } from '@nestjs/common';
import { CaseworkConsumer } from './casework.consumer';
import { Clock } from './clock';
import { DecideProposal } from './decide-proposal.usecase';
import { NameMatcher } from './name-matcher';
import { RecordProposal } from './record-proposal.usecase';
import { RecordSafeguardingFacts } from './record-safeguarding-facts.usecase';
import { TransitionCase } from './transition-case.usecase';

@Module({ controllers: [CaseworkConsumer], providers: [Clock, NameMatcher, RecordProposal, DecideProposal, TransitionCase, RecordSafeguardingFacts] })
export class CaseworkModule {}
