import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** Filter of the model calibration report. Unknown parameters are refused (400). */
export class ModelCalibrationQuery {
  @ApiPropertyOptional({ description: 'only proposals involving this agency (within your scope)' })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9-]{1,39}$/) agency?: string;
}
