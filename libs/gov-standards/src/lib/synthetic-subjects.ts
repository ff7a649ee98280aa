import { generateCitizenId } from './citizen-id.util.js';
import { generateCreditCode } from './credit-code.util.js';

/**
 * Synthetic data subjects for demos and tests, shared by every service's demo seed: citizens
 * with valid GB 11643 numbers and companies with valid GB 32100 codes. 张三's number is the
 * standard's own example; the others are generated. None of them is a real person or company.
 */
export const DEMO_CITIZENS = [
  { name: '张三', id: '11010519491231002X' },
  { name: '李四', id: generateCitizenId({ regionCode: '320102', birthDate: '1990-03-07', sequence: 123 }) },
  { name: '王五', id: generateCitizenId({ regionCode: '320506', birthDate: '1985-11-20', sequence: 88 }) },
] as const;

export const DEMO_COMPANIES = [
  { name: '南京示例科技有限公司', id: generateCreditCode({ regionCode: '320100', organisationBody: 'MA1XK2Q8' }) },
  { name: '苏州样例餐饮有限公司', id: generateCreditCode({ regionCode: '320500', organisationBody: 'MA27LB3P' }) },
] as const;
