import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { REGIONS } from '@gmp/gov-standards';
import { envBoolean } from '@gmp/service-kit';

/** The business platform's own variables: the built-in simulated department (demos, tests, benchmarks), the credit record's provider. */
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

  /**
   * The department under which broken commitments (告知承诺失信记录) are written to the data
   * platform's credit library: the provider of its resource `JS-ZWB-XY-0002`.
   */
  @IsString()
  @Length(1, 64)
  BUSINESS_CREDIT_DEPARTMENT = '省政务服务管理办公室';

  /**
   * The data platform resources a matter's commitment check (告知承诺核查) may name
   * (comma-separated): each one the business platform holds a grant on for that purpose. A matter
   * naming another is refused, so the platform's other grants (prefill) are not used for checks.
   */
  @IsString()
  @MaxLength(2000)
  BUSINESS_CHECK_RESOURCES = 'JS-XF-JC-0001';

  /**
   * 收件地 of applications that name none (GB/T 2260): the region this node serves — the province
   * (320000) for the provincial node, a city's code for a city node.
   */
  @IsIn(Object.keys(REGIONS), {
    message: 'BUSINESS_HOME_REGION 须为省级行政区或江苏省设区市的代码 (a province-level division or a Jiangsu city, GB/T 2260)',
  })
  BUSINESS_HOME_REGION = '320000';

  /** The department a bad rating of a whole case (好差评 of the 一件事 itself) goes to for rectification: the service centre. */
  @IsString()
  @Length(1, 64)
  BUSINESS_SERVICE_CENTRE = '南京市政务服务中心';

  /** Working days a department has to rectify a bad rating (整改期限). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  BUSINESS_RECTIFY_DAYS = 5;

  /** BUSINESS_CHECK_RESOURCES as a list. */
  checkResources(): string[] {
    return this.BUSINESS_CHECK_RESOURCES.split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  }
}
