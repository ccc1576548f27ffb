// What the invoice screens say about a line they cannot read, in the UI language.
import { t } from '../i18n/index.svelte';
import type { LineProblem } from './lines';

export function lineProblemText(p: LineProblem): string {
  switch (p.what) {
    case 'description':
      return t('lines.badDescription', { line: p.line });
    case 'quantity':
      return t('lines.badQuantity', { line: p.line });
    case 'price':
      return t('lines.badPrice', { line: p.line });
    case 'discount':
      return t('lines.badDiscount', { line: p.line });
  }
}
