// What the retention rules and an erasure say, in the UI language: why a client's record
// may go (or stays), and what a purge or an erasure request removed. The core sends the
// rule with its days and the (kind, count) pairs; the words are the window's.
import type { Rule } from '../backend';
import { formatNumber, t, tDynamic, tp } from '../i18n/index.svelte';

// The days stay as the core sends them (YYYY-MM-DD), in every language: the same day the
// erasure letter and the log write, so the client's letter and the screen read alike.

/**
 * The rule in words, e.g. "journal: last entry 2014-03-02, kept 10 years". In a notes
 * clinic (`notes`) the journal rule is the notes period and says so.
 */
export function ruleText(rule: Rule, notes = false): string {
  switch (rule.kind) {
    case 'journal':
      return tp(notes ? 'rule.notes' : 'rule.journal', rule.years, { date: rule.last_entry });
    case 'inactive':
      return tp('rule.inactive', rule.years, { date: rule.last_activity });
    case 'bookkeeping':
      return t('rule.bookkeeping', { date: rule.last_invoice });
  }
}

/** What went, one item per kind with its count ("Journal entries: 12"); kinds with nothing left out. */
export function removedItems(removed: readonly (readonly [string, number])[]): { kind: string; text: string }[] {
  return removed
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => ({ kind, text: `${tDynamic(`removed.${kind}`, kind)}: ${formatNumber(n)}` }));
}
