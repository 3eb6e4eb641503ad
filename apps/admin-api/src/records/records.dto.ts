import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ERASURE_REASONS, ErasureReason } from '@kinlink/contracts';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const RECORD_STATUSES = ['open', 'closed', 'erased'] as const;

/** Filters of the children and tracing-request lists. Unknown parameters are refused (400). */
export class ListRecordsQuery {
  @ApiPropertyOptional({ description: 'only this agency’s records (within your scope)' })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/) agency?: string;
  @ApiPropertyOptional({ enum: RECORD_STATUSES }) @IsOptional() @IsIn(RECORD_STATUSES) status?: string;
  @ApiPropertyOptional({ description: 'registered (first received) at or after: ISO date or date-time' }) @IsOptional() @IsISO8601() registeredSince?: string;
  @ApiPropertyOptional({
    minLength: 2, maxLength: 100,
    description: 'fuzzy name search, any script and spelling (محمد عبدي ≈ Mohammed Abdi ≈ Muhamad Cabdi): children by their name; tracing requests by a sought child’s or the inquirer’s name. Results are ranked by match probability.',
  })
  @IsOptional() @IsString() @MinLength(2) @MaxLength(100) name?: string;
  @ApiPropertyOptional({
    minimum: 0, maximum: 1, default: 0,
    description: 'with `name`: the lowest match probability returned (the probability that a record is the person sought, among all records: it falls as the population grows, so prefer the ranking)',
  })
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0) @Max(1) minMatch?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

/** The older substring search over all fields (`GET /records`). */
export class SearchRecordsQuery {
  @ApiProperty({ minLength: 2, maxLength: 100, description: 'a substring of any field' }) @IsString() @MinLength(2) @MaxLength(100) name!: string;
  @ApiPropertyOptional({ enum: ['child', 'tracing-request'] }) @IsOptional() @IsIn(['child', 'tracing-request']) kind?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
}

/**
 * A request to erase a child's or tracing request's data (crypto-shredding, irreversible). The
 * reason is a code (it goes into the audit log); `confirm` must repeat the record id.
 */
export class EraseRecordDto {
  @ApiProperty({ enum: ERASURE_REASONS }) @IsIn(ERASURE_REASONS) reasonCode!: ErasureReason;
  @ApiPropertyOptional({ maxLength: 500, description: 'why, for the record (kept in the request event, not in the audit leaf)' })
  @IsOptional() @IsString() @MaxLength(500) note?: string;
  @ApiPropertyOptional({ description: 'the record id again: erasure cannot be undone' }) @IsOptional() @IsString() @MaxLength(40) confirm?: string;
}
