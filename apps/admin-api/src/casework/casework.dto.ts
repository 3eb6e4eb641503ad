import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const CASE_COMMANDS = [
  'start_verification', 'submit_verification', 'approve_verification', 'fail_verification', 'plan_reunification',
  'record_reunification', 'record_follow_up', 'close', 'reopen', 'move_to_alternative_care', 'suspend', 'resume',
] as const;

/**
 * A workflow step. Only these fields are accepted (whitelist): no client can set the case's
 * agency, status, owner or actor — those come from the case and the token. The cases service
 * checks which fields each step needs and refuses a step the rules forbid.
 */
export class CaseTransitionDto {
  @ApiProperty({ enum: CASE_COMMANDS }) @IsIn(CASE_COMMANDS) type!: (typeof CASE_COMMANDS)[number];
  @ApiPropertyOptional({ description: 'fail_verification / close / reopen / suspend / move_to_alternative_care: the reason code' })
  @IsOptional() @IsString() @MaxLength(60) reasonCode?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @ApiPropertyOptional({ description: 'submit_verification (all items) / fail_verification (findings): adultWantsToCare, adultAbleToCare, childKnowsAdult, childWishes (wants|assents|refuses), informationMatches, bestInterestsAssessmentRecorded, recommendation?, notes?' })
  @IsOptional() @IsObject() checklist?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'plan_reunification: YYYY-MM-DD' }) @IsOptional() @IsString() @MaxLength(40) plannedDate?: string;
  @ApiPropertyOptional({ description: 'plan_reunification / record_reunification: where' }) @IsOptional() @IsString() @MaxLength(300) place?: string;
  @ApiPropertyOptional({ description: 'record_reunification: YYYY-MM-DD' }) @IsOptional() @IsString() @MaxLength(40) date?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() reunitedWithVerifiedAdult?: boolean;
  @ApiPropertyOptional({ description: 'record_reunification when not with the verified adult' }) @IsOptional() @IsString() @MaxLength(60) notReunitedReasonCode?: string;
  @ApiPropertyOptional({ description: 'record_follow_up: YYYY-MM-DD' }) @IsOptional() @IsString() @MaxLength(40) visitDate?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() childSeen?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(60) outcomeCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() needsFurtherFollowUp?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) nextVisitDueBy?: string;
}

export const CASE_STATUSES = [
  'match_confirmed', 'verification_in_progress', 'verification_submitted', 'verified', 'verification_failed', 'reunification_planned',
  'reunified', 'follow_up', 'closed', 'alternative_care', 'suspended', 'superseded',
] as const;

export class ListCasesQuery {
  @ApiPropertyOptional({ enum: CASE_STATUSES }) @IsOptional() @IsIn(CASE_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'only cases involving this agency (within your scope)' })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/) agency?: string;
  @ApiPropertyOptional({ description: 'opened at or after (ISO date-time)' }) @IsOptional() @IsISO8601() createdSince?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}
