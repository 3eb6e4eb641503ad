import { Module } from '@nestjs/common';
import { CandidateIndex } from './candidate-index';
import { MatchRecordChange } from './match-record-change.usecase';
import { RecordsConsumer } from './records.consumer';

@Module({ controllers: [RecordsConsumer], providers: [CandidateIndex, MatchRecordChange] })
export class MatchingModule {}
