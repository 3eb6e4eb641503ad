import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const PROPOSAL_STATUSES = ['pending', 'confirmed', 'rejected', 'possible_sibling', 'possible_duplicate', 'info_requested', 'withdrawn', 'superseded'] as const;
export const DECISIONS = ['confirm', 'reject', 'possible_sibling', 'possible_duplicate', 'request_information'] as const;
/** The status each decision leads to. */
export const DECISION_TARGET: Readonly<Record<(typeof DECISIONS)[number], (typeof PROPOSAL_STATUSES)[number]>> = {
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
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

export class DecideProposalDto {
  @ApiProperty({ enum: DECISIONS }) @IsIn(DECISIONS) decision!: (typeof DECISIONS)[number];
  @ApiPropertyOptional({ enum: REJECT_REASONS, description: 'required when rejecting' }) @IsOptional() @IsIn(REJECT_REASONS) reasonCode?: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}
