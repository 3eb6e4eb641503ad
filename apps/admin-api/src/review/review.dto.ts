import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const PROPOSAL_STATUSES = ['pending', 'confirmed', 'rejected', 'possible_sibling', 'possible_duplicate', 'info_requested', 'withdrawn', 'superseded'] as const;
export const DECISIONS = ['confirm', 'reject', 'possible_sibling', 'possible_duplicate', 'request_information', 'release_protection_review'] as const;
/** The status each decision leads to (a protection review's release leaves the status as it is). */
export const DECISION_TARGET: Readonly<Record<Exclude<(typeof DECISIONS)[number], 'release_protection_review'>, (typeof PROPOSAL_STATUSES)[number]>> = {
  confirm: 'confirmed', reject: 'rejected', possible_sibling: 'possible_sibling', possible_duplicate: 'possible_duplicate', request_information: 'info_requested',
};
export const REJECT_REASONS = ['not_same_child', 'different_family', 'insufficient_information', 'duplicate_record', 'other'] as const;

export class ListProposalsQuery {
  @ApiPropertyOptional({ enum: PROPOSAL_STATUSES }) @IsOptional() @IsIn(PROPOSAL_STATUSES) status?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1) minProbability?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1) maxProbability?: number;
  @ApiPropertyOptional({ description: 'only proposals involving this agency (within your scope)' })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/) agency?: string;
  @ApiPropertyOptional({ description: 'ISO date-time' }) @IsOptional() @IsISO8601() createdSince?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 30, description: "the child's age in completed years, at least (from the date of birth, or the estimated age and when it was estimated)" })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(30) ageMin?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 30, description: "the child's age in completed years, at most" })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(30) ageMax?: number;
  @ApiPropertyOptional({ enum: ['created', 'priority'], default: 'created', description: 'created: oldest first (keyset); priority: the review-queue priority, highest first (docs/events.md, "Safeguarding")' })
  @IsOptional() @IsIn(['created', 'priority']) sort?: 'created' | 'priority';
  @ApiPropertyOptional({ enum: ['elevated', 'high'], description: "only proposals for a child at this safeguarding level (proposals whose details you may see)" })
  @IsOptional() @IsIn(['elevated', 'high']) safeguarding?: 'elevated' | 'high';
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only proposals for a child under 5 (true) or not known to be under 5 (false)' })
  @IsOptional() @IsIn(['true', 'false']) under5?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'only proposals for a child with (true) or without (false) recorded specific needs' })
  @IsOptional() @IsIn(['true', 'false']) specificNeeds?: 'true' | 'false';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class DecideProposalDto {
  @ApiProperty({ enum: DECISIONS }) @IsIn(DECISIONS) decision!: (typeof DECISIONS)[number];
  @ApiPropertyOptional({ enum: REJECT_REASONS, description: 'required when rejecting' }) @IsOptional() @IsIn(REJECT_REASONS) reasonCode?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'a supervisor confirming despite a safeguarding restriction (RESTRICTED_INQUIRER, RESTRICTED_ROLE_CLAIMED) says why; recorded and audited' })
  @IsOptional() @IsString() @MaxLength(2000) overrideReason?: string;
}
