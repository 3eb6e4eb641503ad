import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export const CASE_COMMANDS = [
  'start_verification', 'submit_verification', 'approve_verification', 'fail_verification', 'plan_reunification',
  'record_reunification', 'record_follow_up', 'close', 'reopen', 'move_to_alternative_care', 'suspend', 'resume',
] as const;

/**
 * A workflow step. Only these fields are accepted (whitelist): no client can set the case's
 * agency, status, owner or actor — those come from the case and the token.
 */
export class CaseTransitionDto {
  @ApiProperty({ enum: CASE_COMMANDS }) @IsIn(CASE_COMMANDS) type!: (typeof CASE_COMMANDS)[number];
  @ApiPropertyOptional({ description: 'reason code for fail / close / reopen / suspend / alternative care' })
  @IsOptional() @IsString() @MaxLength(60) reason?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @ApiPropertyOptional({ description: 'submit_verification: the verification checklist' }) @IsOptional() @IsObject() checklist?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'plan_reunification: { plannedDate, place }' }) @IsOptional() @IsObject() plan?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'record_reunification: { date, place, reunitedWithVerifiedAdult, notReunitedReason? }' }) @IsOptional() @IsObject() reunification?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'record_follow_up: { visitDate, childSeen, outcome, needsFurtherFollowUp }' }) @IsOptional() @IsObject() visit?: Record<string, unknown>;
}
