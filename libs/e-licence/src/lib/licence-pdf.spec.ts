import * as fontkit from 'fontkit';
import { chineseDate, type LicenceSheet, renderLicencePdf } from './licence-pdf.js';

const SHEET: LicenceSheet = {
  typeName: '营业执照',
  licenceId: '1.2.156.3005.2.11100000000013338W041.11320000014000000P.1001.001.X',
  number: '32010020261201123456',
  holderName: '南京示例科技有限公司',
  holderIdShown: '91320100MA1XK2Q84P',
  holderType: 'company',
  issuerName: '南京市市场监督管理局',
  issueDate: '2026-12-01',
  validUntil: null,
  items: [
    { label: '法定代表人', value: '张三' },
    {
      label: '经营范围',
      value:
        '软件开发；信息技术咨询服务；数据处理和存储支持服务；人工智能应用软件开发；网络与信息安全软件开发（依法须经批准的项目，经相关部门批准后方可开展经营活动）',
    },
  ],
};

/** Reads a PDF with pdf.js (Mozilla's reader, sharing nothing with pdf-lib): its text, and the fonts it loaded. */
async function readWithPdfJs(pdf: Buffer) {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), fontExtraProperties: true, isEvalSupported: false, disableFontFace: true })
    .promise;
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
  await page.getOperatorList();
  const fonts = [...(page.commonObjs as unknown as Iterable<[string, { missingFile?: boolean; subtype?: string; data?: Uint8Array }]>)]
    .map(([, f]) => f)
    .filter((f) => typeof f === 'object' && f !== null && 'subtype' in f);
  const info = (await doc.getMetadata()).info as { Subject?: string };
  return { text, fonts, subject: info.Subject, pages: doc.numPages };
}

describe('renderLicencePdf', () => {
  it('renders every field in Chinese, wraps long items, and shows 长期 without an end date', async () => {
    const pdf = await renderLicencePdf(SHEET);
    const { text, subject, pages } = await readWithPdfJs(pdf);
    expect(pages).toBe(1);
    expect(subject).toBe(SHEET.licenceId);
    for (const s of [
      '营业执照',
      '电子证照',
      SHEET.number,
      SHEET.holderName,
      SHEET.holderIdShown,
      '法定代表人',
      '张三',
      '经营范围',
      '有效期至',
      '长期',
      SHEET.issuerName,
      '2026年12月01日',
      SHEET.licenceId,
    ]) {
      expect(text).toContain(s);
    }
    // The long item is on several lines and nothing of it is lost.
    expect(text.replace(/\s/g, '')).toContain(SHEET.items[1].value);
  });

  it('embeds a font subset whose glyphs have outlines (the CID-keyed CFF subset is not corrupted), and stays small', async () => {
    const pdf = await renderLicencePdf(SHEET);
    expect(pdf.length).toBeLessThan(200_000); // the full font is 8 MB
    const { fonts } = await readWithPdfJs(pdf);
    expect(fonts).toHaveLength(1);
    const [font] = fonts;
    expect(font.missingFile).toBe(false);
    expect(font.subtype).toBe('CIDFontType0C');
    // pdf.js converted the embedded CFF into an OpenType font: its glyphs must have outlines.
    const parsed = fontkit.create(font.data!) as unknown as { numGlyphs: number; getGlyph(id: number): { path: { commands: unknown[] } } };
    const distinct = new Set(
      [...Object.values(SHEET).join(''), ...SHEET.items.flatMap((i) => [...i.label, ...i.value])].filter((c) => c.trim()),
    );
    expect(parsed.numGlyphs).toBeGreaterThanOrEqual(distinct.size * 0.8);
    let drawn = 0;
    for (let g = 1; g < parsed.numGlyphs; g++) if (parsed.getGlyph(g).path.commands.length > 0) drawn++;
    expect(drawn / (parsed.numGlyphs - 1)).toBeGreaterThan(0.95);
  });

  it('writes dates the Chinese way', () => {
    expect(chineseDate('2046-12-01')).toBe('2046年12月01日');
  });
});
