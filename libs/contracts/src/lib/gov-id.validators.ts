import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { validateCitizenId, validateCreditCode, citizenIdErrorMessage, creditCodeErrorMessage } from '@gmp/gov-standards';

/** Citizen ID number per GB 11643-1999 (format, real date not in the future, check character). */
export function IsCitizenIdNumber(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCitizenIdNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateCitizenId(value).valid,
        defaultMessage: (args?: ValidationArguments) => citizenIdMessage(args?.value),
      },
    });
}

/** Unified social credit code per GB 32100-2015 (alphabet, both check characters). */
export function IsCreditCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCreditCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && validateCreditCode(value).valid,
        defaultMessage: (args?: ValidationArguments) => creditCodeMessage(args?.value),
      },
    });
}

/**
 * A holder id whose kind follows a sibling `holderType` property: `person` → citizen ID
 * number, `company` → unified social credit code.
 */
export function IsHolderId(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHolderId',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          if (typeof value !== 'string') return false;
          const type = (args?.object as { holderType?: string } | undefined)?.holderType;
          return type === 'company' ? validateCreditCode(value).valid : validateCitizenId(value).valid;
        },
        defaultMessage: (args?: ValidationArguments) => {
          const type = (args?.object as { holderType?: string } | undefined)?.holderType;
          return type === 'company' ? creditCodeMessage(args?.value) : citizenIdMessage(args?.value);
        },
      },
    });
}

function citizenIdMessage(value: unknown): string {
  if (typeof value !== 'string') return '身份证号码必须是字符串 (citizen ID number must be a string)';
  const result = validateCitizenId(value);
  return result.valid ? '' : `身份证号码无效：${citizenIdErrorMessage(result.reason)}`;
}

function creditCodeMessage(value: unknown): string {
  if (typeof value !== 'string') return '统一社会信用代码必须是字符串 (credit code must be a string)';
  const result = validateCreditCode(value);
  return result.valid ? '' : `统一社会信用代码无效：${creditCodeErrorMessage(result.reason)}`;
}
