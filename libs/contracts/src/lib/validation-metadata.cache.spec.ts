import { IsInt, IsString, Length, Min } from 'class-validator';
import { validateMessage } from './message-validation.util.js';

class Base {
  @IsString() @Length(1, 4) code!: string;
}

class Derived extends Base {
  @IsInt() @Min(1) count!: number;
}

class LaterDecorated {
  @IsInt() n!: number;
  name!: string;
}

const fields = (r: ReturnType<typeof validateMessage>) => (r.ok ? [] : r.errors.map((e) => e.field).sort());

describe('cached validation metadata lookups', () => {
  it('keeps each class its own rules and its ancestors’, validation after validation', () => {
    for (let i = 0; i < 3; i++) {
      expect(fields(validateMessage(Base, { code: 'toolong' }))).toEqual(['code']);
      expect(fields(validateMessage(Derived, { code: 'toolong', count: 0 }))).toEqual(['code', 'count']);
      expect(fields(validateMessage(Derived, { code: 'ok', count: 2 }))).toEqual([]);
      expect(fields(validateMessage(Base, { code: 'ok', count: 0 }))).toEqual([]);
    }
  });

  it('sees a rule registered after the class was first validated', () => {
    expect(validateMessage(LaterDecorated, { n: 1, name: 5 }).ok).toBe(true);
    IsString()(LaterDecorated.prototype, 'name');
    expect(fields(validateMessage(LaterDecorated, { n: 1, name: 5 }))).toEqual(['name']);
  });
});
