import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import { envBoolean } from '@gmp/service-kit';

/** The business platform's own variables: the built-in simulated department (demos, tests, benchmarks). */
export class BusinessConfig {
  /** Answer every dispatched part as its department would (auto-approve after a delay); off in production. */
  @Transform(envBoolean)
  @IsBoolean()
  BUSINESS_SIMULATED_DEPARTMENTS = false;

  /** How long the simulated department takes per part (ms). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  BUSINESS_SIMULATED_DELAY_MS = 2_000;

  /** Share of parts the simulated department rejects (0–1), to exercise rejections. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  BUSINESS_SIMULATED_REJECT_RATE = 0;

  /** Departments the simulated department leaves alone (comma-separated): their systems answer for real. */
  @IsString()
  @MaxLength(2000)
  BUSINESS_SIMULATED_EXCEPT = '';
}
