import { crossesRegions, REGIONS, regionName, regionRef, regionWithin } from './region.util.js';

describe('regions (GB/T 2260)', () => {
  it('knows Jiangsu, its 13 cities and every province-level division', () => {
    expect(regionName('320000')).toBe('江苏省');
    expect(Object.keys(REGIONS).filter((c) => c.startsWith('32') && c !== '320000')).toHaveLength(13);
    expect(Object.keys(REGIONS).filter((c) => c.endsWith('0000'))).toHaveLength(31);
    expect(Object.keys(REGIONS).every((c) => /^\d{6}$/.test(c))).toBe(true);
  });

  it('answers null for a code it does not list, and never an inherited property', () => {
    for (const code of ['999999', '990100', 'toString', '__proto__', '', '32010']) expect(regionName(code)).toBeNull();
    // A county by its city (a county elsewhere by its province), with its code.
    expect(regionRef('320102')).toEqual({ code: '320102', name: '南京市（320102）' });
    expect(regionName('330106')).toBe('浙江省（330106）');
    expect(regionRef('320500')).toEqual({ code: '320500', name: '苏州市' });
  });

  it('places a city within its province, a county within its city — and nothing within a sibling', () => {
    expect(regionWithin('320100', '320000')).toBe(true);
    expect(regionWithin('320102', '320100')).toBe(true);
    expect(regionWithin('320102', '320000')).toBe(true);
    expect(regionWithin('320500', '320500')).toBe(true);
    expect(regionWithin('320100', '320500')).toBe(false);
    expect(regionWithin('320000', '320100')).toBe(false);
    expect(regionWithin('310000', '320000')).toBe(false);
    expect(regionWithin('320102', '320103')).toBe(false);
  });

  it('crosses regions only between divisions neither of which holds the other (across levels is not 跨域)', () => {
    expect(crossesRegions('320100', '320500')).toBe(true);
    expect(crossesRegions('310000', '320100')).toBe(true);
    expect(crossesRegions('320100', '320000')).toBe(false);
    expect(crossesRegions('320000', '320500')).toBe(false);
    expect(crossesRegions('320102', '320100')).toBe(false);
    expect(crossesRegions('320500', '320500')).toBe(false);
  });
});
