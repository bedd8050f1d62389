/**
 * The demo's in-memory account store. Its methods are async, as a database
 * client's would be, so the routes show `asyncHandler()` and a context that
 * survives `await`.
 */
import { defineErrors } from 'kompliant-envelope';

/** An account as stored. `fax` is a legacy field, kept for old clients. */
export interface Account {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly fax: string | null;
}

/** What a client sends to create an account. */
export interface NewAccount {
  readonly name: string;
  readonly email: string;
}

/** The demo's own error codes, next to the standard ones. */
export const AccountErrors = defineErrors({
  ACCOUNT_NOT_FOUND: { status: 400, message: 'No account exists with this id.' },
  EMAIL_TAKEN: { status: 400, message: 'An account with this email already exists.' },
});

const SEED: readonly Omit<Account, 'id'>[] = [
  { name: 'Ada Lovelace', email: 'ada@example.com', fax: '+44 20 7946 0018' },
  { name: 'Grace Hopper', email: 'grace@example.com', fax: null },
  { name: 'Alan Turing', email: 'alan@example.com', fax: '+44 161 496 0427' },
];

/** A store seeded with three accounts, `acc_1` to `acc_3`; new ones get `acc_4`, `acc_5`, … */
export class AccountStore {
  readonly #accounts = new Map<string, Account>();
  #nextId = 1;

  constructor() {
    for (const account of SEED) this.#insert(account);
  }

  async list(): Promise<Account[]> {
    return [...this.#accounts.values()];
  }

  /** The account, or `undefined`. */
  async find(id: string): Promise<Account | undefined> {
    return this.#accounts.get(id);
  }

  async count(): Promise<number> {
    return this.#accounts.size;
  }

  /**
   * Creates an account; throws `EMAIL_TAKEN` for an email already in use.
   * The check and the insert run before any `await`, so concurrent batch
   * items cannot both claim one email.
   */
  async create(input: NewAccount): Promise<Account> {
    const email = input.email.toLowerCase();
    for (const account of this.#accounts.values()) {
      if (account.email.toLowerCase() === email) throw AccountErrors.EMAIL_TAKEN({ field: 'email' });
    }
    return this.#insert({ name: input.name, email: input.email, fax: null });
  }

  #insert(fields: Omit<Account, 'id'>): Account {
    const account: Account = { id: `acc_${this.#nextId++}`, ...fields };
    this.#accounts.set(account.id, account);
    return account;
  }
}
