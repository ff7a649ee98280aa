/**
 * In-app messages may be addressed to a person by the keyed hash of their ID number
 * (`subject:<key>`) — a case applied for at a window carries no account, and the person may
 * open one later. The inbox shows a signed-in person those messages too: this answers the
 * key of an account (the service that holds accounts provides it).
 */
export interface InboxSubjects {
  /** subjectKeyOf(the account's ID number), or null for no such person account. */
  keyOf(accountId: string): Promise<string | null>;
}

export const INBOX_SUBJECTS = Symbol('INBOX_SUBJECTS');

/** The in-app recipient for a person known by their subject key. */
export const SUBJECT_RECIPIENT = /^subject:[0-9a-f]{64}$/;
