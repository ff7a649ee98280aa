import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fonts as notoSansHans } from '@embedpdf/fonts-sc';
import * as fontkit from 'fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';

/** What a rendered licence shows: the GB/T 36902/36903 record fields and the type's data items. */
export interface LicenceSheet {
  typeName: string;
  licenceId: string;
  number: string;
  holderName: string;
  /** As printed: a company's credit code in full, a person's ID number masked. */
  holderIdShown: string;
  holderType: 'person' | 'company';
  issuerName: string;
  issueDate: string;
  validUntil?: string | null;
  /** Data items in display order, each with its label (the type schema's `title`, else the key). */
  items: { label: string; value: string }[];
}

/** The default CJK face: Noto Sans Hans (SIL OFL 1.1) from the npm package @embedpdf/fonts-sc. */
export function defaultLicenceFontPath(): string {
  const regular = (notoSansHans as { file: string; weight: number }[]).find((f) => f.weight === 400)?.file ?? 'NotoSansHans-Regular.otf';
  return join(dirname(fileURLToPath(import.meta.resolve('@embedpdf/fonts-sc'))), '..', 'fonts', regular);
}

/** Font bytes by path, with the timer that lets them go once no licence has been rendered for FONT_IDLE_MS. */
const fonts = new Map<string, { bytes: Promise<Uint8Array>; release: NodeJS.Timeout }>();
/**
 * A parsed CJK font holds some 30 MB (bytes and fontkit's tables): kept while licences are being
 * rendered, released a minute after the last one, so an idle service does not carry it.
 */
const FONT_IDLE_MS = 60_000;

/**
 * Upstream fontkit 2 as pdf-lib's font engine: its subsetter is correct for CID-keyed CFF fonts
 * (Noto/Source Han), which the @pdf-lib/fontkit fork corrupts (Hopding/pdf-lib#1232). pdf-lib
 * asks a subset for `encodeStream()`; fontkit 2 offers `encode()`.
 */
const parsed = new WeakMap<Uint8Array, unknown>();
const FONTKIT = {
  // The same bytes parse once: fonts are read-only to pdf-lib, and subsets are made per document.
  create(bytes: Uint8Array) {
    const known = parsed.get(bytes);
    if (known) return known;
    const font = fontkit.create(bytes) as { createSubset(): { encode(): Uint8Array } };
    parsed.set(bytes, font);
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset() as { encode(): Uint8Array; encodeStream?: () => unknown };
      subset.encodeStream = () => {
        const stream = new EventEmitter();
        setImmediate(() => {
          try {
            stream.emit('data', subset.encode());
            stream.emit('end');
          } catch (err) {
            stream.emit('error', err);
          }
        });
        return stream;
      };
      return subset;
    };
    return font;
  },
};

/**
 * Font bytes read once per path while in use (an 8 MB OpenType CFF font; only the glyphs used
 * are embedded); the same bytes, and so the same parsed font, until FONT_IDLE_MS without use.
 */
export function loadLicenceFont(path = defaultLicenceFontPath()): Promise<Uint8Array> {
  const known = fonts.get(path);
  if (known) clearTimeout(known.release);
  const bytes = known?.bytes ?? readFile(path).then((b) => new Uint8Array(b));
  if (!known) bytes.catch(() => fonts.delete(path));
  const release = setTimeout(() => fonts.delete(path), FONT_IDLE_MS);
  release.unref();
  fonts.set(path, { bytes, release });
  return bytes;
}

const A4: [number, number] = [595.28, 841.89];
const INK = rgb(0.1, 0.1, 0.1);
const RED = rgb(0.72, 0.08, 0.08);
const MARGIN = 64;

/**
 * Renders an e-licence as a one-page A4 PDF with Chinese text (font subset embedded, text
 * extractable), leaving the lower right free for the issuing authority's seal, which
 * `sealPdf` of `@gmp/e-seal` places there by default (120 pt square, 72 pt from the edges).
 * The PDF carries the licence identifier in its metadata.
 */
export async function renderLicencePdf(sheet: LicenceSheet, o: { font?: Uint8Array; now?: Date } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(FONTKIT as never);
  const font = await doc.embedFont(o.font ?? (await loadLicenceFont()), { subset: true });
  const page = doc.addPage(A4);
  const [width, height] = A4;
  doc.setTitle(`${sheet.typeName} ${sheet.number}`);
  doc.setSubject(sheet.licenceId);
  doc.setKeywords(['电子证照', sheet.licenceId]);
  doc.setProducer('政务中台 gov-middle-platform e-licence');
  doc.setCreationDate(o.now ?? new Date());

  page.drawRectangle({ x: 36, y: 36, width: width - 72, height: height - 72, borderColor: RED, borderWidth: 2 });
  page.drawRectangle({ x: 42, y: 42, width: width - 84, height: height - 84, borderColor: RED, borderWidth: 0.6 });
  centred(page, font, sheet.typeName, 30, height - 120, RED);
  centred(page, font, '电子证照', 12, height - 146, INK);

  let y = height - 200;
  const rows: [string, string][] = [
    ['证照编号', sheet.number],
    [sheet.holderType === 'company' ? '持证主体' : '持证人', sheet.holderName],
    [sheet.holderType === 'company' ? '统一社会信用代码' : '身份证件号码', sheet.holderIdShown],
    ...sheet.items.map((i): [string, string] => [i.label, i.value]),
    ['有效期至', sheet.validUntil ? chineseDate(sheet.validUntil) : '长期'],
  ];
  const labelWidth = 130;
  const valueWidth = width - 2 * MARGIN - labelWidth;
  for (const [label, value] of rows) {
    const lines = wrap(font, value, 12, valueWidth);
    if (y - lines.length * 18 < 230) break; // the lower part belongs to the issuer and the seal
    page.drawText(label, { x: MARGIN, y, size: 12, font, color: INK });
    for (const line of lines) {
      page.drawText(line, { x: MARGIN + labelWidth, y, size: 12, font, color: INK });
      y -= 18;
    }
    y -= 8;
  }

  // Issuer and date where the seal goes (the seal covers them, as on paper).
  const right = width - 72 - 60;
  centredAt(page, font, sheet.issuerName, 13, right, 150, INK);
  centredAt(page, font, chineseDate(sheet.issueDate), 12, right, 128, INK);
  page.drawText(`证照标识 ${sheet.licenceId}`, { x: MARGIN, y: 60, size: 7, font, color: INK });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

function centred(page: PDFPage, font: PDFFont, text: string, size: number, y: number, color: ReturnType<typeof rgb>): void {
  centredAt(page, font, text, size, page.getWidth() / 2, y, color);
}

function centredAt(page: PDFPage, font: PDFFont, text: string, size: number, cx: number, y: number, color: ReturnType<typeof rgb>): void {
  page.drawText(text, { x: cx - font.widthOfTextAtSize(text, size) / 2, y, size, font, color });
}

/** Breaks text into lines that fit (CJK text has no spaces: it breaks between any two characters). */
export function wrap(font: PDFFont, text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const ch of paragraph) {
      if (line && font.widthOfTextAtSize(line + ch, size) > maxWidth) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines;
}

/** 2026-12-01 → 2026年12月01日 */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${y}年${m}月${d}日`;
}
