import { IsDefined, IsInt, Max, Min, ValidateIf } from 'class-validator';

/** Body of the limits endpoints (apps and subscriptions). */
export class LimitsBody {
  /** Calls a second (null: no limit at this level). */
  @IsDefined() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(1_000_000) ratePerSecond!: number | null;
  /** Calls a day, Beijing time (null: no quota at this level). */
  @IsDefined() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) @Max(1_000_000_000) quotaPerDay!: number | null;
}
