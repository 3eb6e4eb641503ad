import { Module } from '@nestjs/common';
import { CandidateIndex } from './candidate-index';
import { CandidateSnapshots } from './candidate-snapshots';
import { MatchRecordChange } from './match-record-change.usecase';
import { RecordsConsumer } from './records.consumer';
import { ReplicaFeed } from './replica-feed';

@Module({ controllers: [RecordsConsumer], providers: [CandidateIndex, CandidateSnapshots, MatchRecordChange, ReplicaFeed] })
export class MatchingModule {}
