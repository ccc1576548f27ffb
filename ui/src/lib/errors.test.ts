import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from './i18n/index.svelte';
import { errorText, waitText } from './errors';

afterEach(() => setLanguage('en'));

const locked = (code: 'pinLocked' | 'tooManyAttempts', seconds: number | null) => ({
  code,
  message: 'raw core text',
  detail: seconds === null ? null : { kind: 'retryAfter' as const, seconds },
});

describe('how long a lockout lasts, in words', () => {
  it('says the wait the core gives, in the UI language, with the right plural', () => {
    setLanguage('da');
    expect(errorText(locked('pinLocked', 30))).toBe('For mange forkerte PIN-forsøg. Prøv igen om 30 sekunder.');
    expect(errorText(locked('pinLocked', 1))).toBe('For mange forkerte PIN-forsøg. Prøv igen om 1 sekund.');
    expect(errorText(locked('tooManyAttempts', 240))).toBe('For mange forkerte forsøg. Prøv igen om 4 minutter.');
    expect(errorText(locked('tooManyAttempts', 3600))).toBe('For mange forkerte forsøg. Prøv igen om 60 minutter.');
    setLanguage('sv');
    expect(errorText(locked('pinLocked', 60))).toBe('För många felaktiga PIN-försök. Försök igen om 60 sekunder.');
    expect(errorText(locked('tooManyAttempts', 121))).toBe('För många felaktiga försök. Försök igen om 3 minuter.');
    setLanguage('nb');
    expect(errorText(locked('pinLocked', 150))).toBe('For mange feil PIN-forsøk. Prøv igjen om 3 minutter.');
    setLanguage('en');
    expect(errorText(locked('pinLocked', 1))).toBe('Too many wrong PINs. Try again in 1 second.');
  });

  it('never shows a made-up wait when the core gives none', () => {
    setLanguage('da');
    expect(errorText(locked('pinLocked', null))).toBe('For mange forkerte PIN-forsøg. Prøv igen om lidt.');
    expect(errorText({ code: 'tooManyAttempts' })).toBe('For mange forkerte forsøg. Prøv igen om lidt.');
    setLanguage('en');
    // A detail of another kind is no wait.
    const other = { code: 'tooManyAttempts', message: 'raw', detail: { kind: 'existingClient', client: 'x' } };
    expect(errorText(other)).toBe('Too many wrong attempts. Try again in a little while.');
  });

  it('rounds up, and moves from seconds to minutes to hours', () => {
    setLanguage('en');
    expect(waitText(0.2)).toBe('1 second');
    expect(waitText(29.1)).toBe('30 seconds');
    expect(waitText(120)).toBe('120 seconds');
    expect(waitText(121)).toBe('3 minutes');
    expect(waitText(61 * 60 + 1)).toBe('62 minutes');
    expect(waitText(3 * 3600)).toBe('3 hours');
    setLanguage('da');
    expect(waitText(60 * 60 * 2 + 1)).toBe('3 timer');
  });

  it('other failures show their own message, never the core’s text', () => {
    setLanguage('nb');
    expect(errorText({ code: 'wrongPin', message: 'raw core text', detail: null })).toBe('Feil PIN.');
    expect(errorText(new Error('boom'))).not.toContain('boom');
  });
});
