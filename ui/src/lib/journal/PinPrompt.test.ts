import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { setLanguage } from '../i18n/index.svelte';
import PinPrompt from './PinPrompt.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
  setLanguage('en');
});

describe('the PIN prompt at the desk', () => {
  it('says how long a locked-out person must wait, in words', async () => {
    mockIPC((cmd) => {
      if (cmd === 'pin_candidates') return [{ id: 'sofie', name: 'Sofie Berg' }];
      if (cmd === 'staff_photo') return null;
      if (cmd === 'unlock_with_pin') throw { code: 'pinLocked', message: 'raw', detail: { kind: 'retryAfter', seconds: 30 } };
    });
    setLanguage('da');
    render(PinPrompt, { props: { onUnlocked: () => {} } });
    await screen.findByRole('option', { name: 'Sofie Berg' });
    await fireEvent.input(screen.getByTestId('pin.pin'), { target: { value: '794061' } });
    await fireEvent.click(screen.getByTestId('pin.submit'));
    const error = await screen.findByTestId('pin.error');
    expect(error.textContent).toBe('For mange forkerte PIN-forsøg. Prøv igen om 30 sekunder.');
  });
});
