import { CommonProblem, ProblemException, problemVocabulary } from './problem.js';

describe('problemVocabulary', () => {
  const Demo = problemVocabulary({
    THING_NOT_FOUND: { status: 404, title: '东西不存在 (thing not found)' },
    THING_LOCKED: { status: 409, title: '东西已锁定 (thing locked)' },
  });

  it('raises the declared status, code and title, with the detail and field errors given', () => {
    const err = Demo.THING_NOT_FOUND('id 42', [{ field: 'id', message: 'unknown' }]);
    expect(err).toBeInstanceOf(ProblemException);
    expect(err.getStatus()).toBe(404);
    expect(err.getResponse()).toEqual({
      type: 'urn:gov-mp:problem:thing-not-found',
      title: '东西不存在 (thing not found)',
      status: 404,
      code: 'THING_NOT_FOUND',
      detail: 'id 42',
      errors: [{ field: 'id', message: 'unknown' }],
    });
    expect(err.message).toBe('THING_NOT_FOUND: 东西不存在 (thing not found)');
  });

  it('knows its own problems and no other', () => {
    expect(Demo.THING_LOCKED.is(Demo.THING_LOCKED())).toBe(true);
    expect(Demo.THING_LOCKED.is(Demo.THING_NOT_FOUND())).toBe(false);
    expect(Demo.THING_LOCKED.is(new Error('THING_LOCKED'))).toBe(false);
    expect(Demo.THING_LOCKED.is(null)).toBe(false);
    expect(Demo.THING_LOCKED.code).toBe('THING_LOCKED');
    expect(Demo.THING_LOCKED.status).toBe(409);
  });

  it.each([
    ['a lower-case code', { thing_missing: { status: 404, title: 't' } }, /SCREAMING_SNAKE_CASE/],
    ['a success status', { THING_OK: { status: 200, title: 't' } }, /not an error status/],
    ['a status beyond 599', { THING_ODD: { status: 600, title: 't' } }, /not an error status/],
    ['a fractional status', { THING_ODD: { status: 404.5, title: 't' } }, /not an error status/],
  ])('refuses %s when the vocabulary is declared', (_name, entries, message) => {
    expect(() => problemVocabulary(entries)).toThrow(message);
  });

  it('is frozen: a module cannot add or replace a problem at run time', () => {
    expect(Object.isFrozen(CommonProblem)).toBe(true);
    expect(() => Object.assign(CommonProblem, { INVALID_INPUT: () => null })).toThrow(TypeError);
  });
});
