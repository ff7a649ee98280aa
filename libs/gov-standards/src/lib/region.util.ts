/**
 * Administrative divisions (GB/T 2260 行政区划代码) a case can be accepted, handled or delivered
 * in: the province-level divisions of China (跨省通办) and the cities of Jiangsu (the provincial
 * node and its 13 city nodes). A county's code is not listed: its city's stands for it.
 */
export const REGIONS: Readonly<Record<string, string>> = {
  '110000': '北京市',
  '120000': '天津市',
  '130000': '河北省',
  '140000': '山西省',
  '150000': '内蒙古自治区',
  '210000': '辽宁省',
  '220000': '吉林省',
  '230000': '黑龙江省',
  '310000': '上海市',
  '320000': '江苏省',
  '320100': '南京市',
  '320200': '无锡市',
  '320300': '徐州市',
  '320400': '常州市',
  '320500': '苏州市',
  '320600': '南通市',
  '320700': '连云港市',
  '320800': '淮安市',
  '320900': '盐城市',
  '321000': '扬州市',
  '321100': '镇江市',
  '321200': '泰州市',
  '321300': '宿迁市',
  '330000': '浙江省',
  '340000': '安徽省',
  '350000': '福建省',
  '360000': '江西省',
  '370000': '山东省',
  '410000': '河南省',
  '420000': '湖北省',
  '430000': '湖南省',
  '440000': '广东省',
  '450000': '广西壮族自治区',
  '460000': '海南省',
  '500000': '重庆市',
  '510000': '四川省',
  '520000': '贵州省',
  '530000': '云南省',
  '540000': '西藏自治区',
  '610000': '陕西省',
  '620000': '甘肃省',
  '630000': '青海省',
  '640000': '宁夏回族自治区',
  '650000': '新疆维吾尔自治区',
};

function listed(code: string): string | null {
  return Object.hasOwn(REGIONS, code) ? REGIONS[code]! : null;
}

/**
 * The division's name — a county's by its city (or, outside Jiangsu, its province), with its
 * code: 南京市（320102） — or null for a code under no listed division.
 */
export function regionName(code: string): string | null {
  if (!/^\d{6}$/.test(code)) return null;
  const exact = listed(code);
  if (exact) return exact;
  const above = listed(`${code.slice(0, 4)}00`) ?? listed(`${code.slice(0, 2)}0000`);
  return above ? `${above}（${code}）` : null;
}

/** A region as the platform shows it: its code and name. */
export function regionRef(code: string): { code: string; name: string } {
  return { code, name: regionName(code) ?? code };
}

/**
 * 跨域: whether a case received in `accept` and handled (or delivered) in `other` crosses
 * regions — neither lies within the other. A province's department handling a city's
 * application, or a city's handling the provincial node's, is 跨层级 (across levels), not 跨域.
 */
export function crossesRegions(other: string, accept: string): boolean {
  return !regionWithin(other, accept) && !regionWithin(accept, other);
}

/**
 * Whether `inner` lies within `outer` (a province holds its cities and counties, a city its
 * counties): a case accepted by the provincial node and handled by a city's department is not
 * handled across regions (跨域); one accepted in 苏州 and handled in 南京 is.
 */
export function regionWithin(inner: string, outer: string): boolean {
  if (outer.endsWith('0000')) return inner.slice(0, 2) === outer.slice(0, 2);
  if (outer.endsWith('00')) return inner.slice(0, 4) === outer.slice(0, 4);
  return inner === outer;
}
