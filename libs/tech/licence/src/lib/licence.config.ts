import { IsString, MinLength, ValidateIf } from 'class-validator';

/** The e-licence capability's own variables. */
export class LicenceConfig {
  /** Font for rendered e-licence PDFs (an OpenType/TrueType file with CJK glyphs). Unset: Noto Sans Hans from @embedpdf/fonts-sc. Checked at start. */
  @ValidateIf((c: LicenceConfig) => c.LICENCE_FONT_PATH !== undefined)
  @IsString()
  @MinLength(2)
  LICENCE_FONT_PATH?: string;
}
