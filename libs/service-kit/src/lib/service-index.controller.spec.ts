import { prefersHtml } from './service-index.controller.js';

describe('root index: JSON or HTML', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', true],
    ['text/html', true],
    ['text/html, application/json', false],
    ['application/json;q=0.5, text/html;q=0.9', true],
    ['text/html;q=0', false],
  ])('Accept %s → HTML %s', (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });
});
