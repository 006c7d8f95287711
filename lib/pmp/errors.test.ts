import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuthProblem, PATIENT_MISMATCH, PmpError, PmpErrorKind, describePmpError, kindForHttpStatus, normalizeError } from './errors';

describe('PmpError', () => {
  it.each([
    ['unreachable', true],
    ['timeout', true],
    ['server-error', true],
    ['unauthorized', false],
    ['no-match', false],
    ['multiple-matches', false],
    ['malformed', false],
    ['bad-request', false],
  ] as const)('%s is retryable by default: %s', (kind, retryable) => {
    expect(new PmpError(kind).retryable).toBe(retryable);
  });

  it('lets a caller override retryable and keeps the cause', () => {
    const cause = new Error('x');
    const e = new PmpError('server-error', { retryable: false, cause, detail: 'd' });
    expect(e).toMatchObject({ kind: 'server-error', retryable: false, detail: 'd', name: 'PmpError' });
    expect(e.cause).toBe(cause);
    expect(e).toBeInstanceOf(Error);
  });

  it('keeps details out of the message and caps their length', () => {
    const e = new PmpError('no-match', { detail: 'x'.repeat(1000) });
    expect(e.message).toBe('PMP error: no-match');
    expect(e.detail).toHaveLength(300);
  });
});

describe('kindForHttpStatus', () => {
  it.each([
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'bad-request'],
    [408, 'timeout'],
    [413, 'bad-request'],
    [422, 'bad-request'],
    [429, 'server-error'],
    [500, 'server-error'],
    [502, 'server-error'],
    [503, 'server-error'],
    [504, 'timeout'],
  ])('%i -> %s', (status, kind) => {
    expect(kindForHttpStatus(status)).toBe(kind);
  });
});

describe('normalizeError', () => {
  const zodError = z.string().safeParse(1).error;

  it.each([
    ['a TypeError from fetch', new TypeError('Failed to fetch'), 'unreachable'],
    ['a TimeoutError', new DOMException('t', 'TimeoutError'), 'timeout'],
    ['an AbortError', new DOMException('a', 'AbortError'), 'unreachable'],
    ['a plain object named TimeoutError', { name: 'TimeoutError' }, 'timeout'],
    ['a SyntaxError', new SyntaxError('Unexpected token'), 'malformed'],
    ['a ZodError', zodError, 'malformed'],
    ['an object with an HTTP status', { status: 503 }, 'server-error'],
    ['an object with status 401', { status: 401 }, 'unauthorized'],
    ['a plain Error', new Error('boom'), 'server-error'],
    ['a string', 'boom', 'server-error'],
    ['undefined', undefined, 'server-error'],
  ])('%s -> %s', (_label, input, kind) => {
    expect(normalizeError(input).kind).toBe(kind);
  });

  it('returns a PmpError unchanged', () => {
    const e = new PmpError('no-match');
    expect(normalizeError(e)).toBe(e);
  });

  it('does not retry an unknown failure', () => {
    expect(normalizeError(new Error('bug')).retryable).toBe(false);
  });
});

describe('describePmpError', () => {
  it.each(PmpErrorKind.options)('%s has plain words', (kind) => {
    const d = describePmpError(new PmpError(kind, { detail: 'Morgan Testwell 1961-04-09' }));
    expect(d.title.length).toBeGreaterThan(5);
    expect(d.body.length).toBeGreaterThan(20);
    // The detail may hold patient data from a server; the description never repeats it.
    expect(`${d.title} ${d.body}`).not.toMatch(/Morgan|Testwell|1961/);
    expect(d.retryable).toBe(new PmpError(kind).retryable);
  });

  it.each([
    ['timeout', 'The PMP did not answer'],
    ['no-match', 'No patient in the PMP matches'],
    ['multiple-matches', 'Several patients in the PMP match'],
  ] as const)('%s reads "%s"', (kind, title) => {
    expect(describePmpError(new PmpError(kind)).title).toBe(title);
  });

  it('names an answer about another patient', () => {
    expect(describePmpError(new PmpError('malformed', { detail: PATIENT_MISMATCH })).title).toBe('The PMP answered about a different patient');
  });
});

describe('SMART Backend Services failures (auth)', () => {
  it.each(AuthProblem.options)('%s has its own plain-words title and body', (auth) => {
    const d = describePmpError(new PmpError('unauthorized', { auth }));
    expect(d.title.length).toBeGreaterThan(10);
    expect(d.body.length).toBeGreaterThan(20);
    expect(d.title).not.toBe(describePmpError(new PmpError('unauthorized')).title);
  });

  it('keeps the auth problem on the error, and tells an unknown client from a refused token', () => {
    const e = new PmpError('unauthorized', { auth: 'invalid-client', detail: 'HTTP 401' });
    expect(e).toMatchObject({ kind: 'unauthorized', auth: 'invalid-client', retryable: false });
    expect(describePmpError(e).title).toMatch(/does not recognise this extension/);
    expect(new Set(AuthProblem.options.map((a) => describePmpError(new PmpError('unauthorized', { auth: a })).title)).size).toBe(AuthProblem.options.length);
  });

  it('an unreachable token endpoint stays retryable', () => {
    expect(describePmpError(new PmpError('unreachable', { auth: 'token-endpoint-unreachable' })).retryable).toBe(true);
  });
});
