import { Module } from '@nestjs/common';
import { CaseworkConsumer } from './casework.consumer';
import { Clock } from './clock';
import { DecideProposal } from './decide-proposal.usecase';
import { RecordProposal } from './record-proposal.usecase';
import { TransitionCase } from './transition-case.usecase';

@Module({ controllers: [CaseworkConsumer], providers: [Clock, RecordProposal, DecideProposal, TransitionCase] })
export class CaseworkModule {}
