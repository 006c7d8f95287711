import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '@/lib/storage/settings';
import { renderNow } from '@/test/react';
import { initialPrescriber, PrescriberPicker, sameName } from './prescriber-picker';

const delegate: Settings = {
  ...DEFAULT_SETTINGS,
  identity: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' },
  supervisingPrescribers: [{ name: 'Dr. Rowan Vale' }, { name: 'Dr. Avery Quill', npi: '1234567893' }, { name: 'Anh Do' }],
};

describe('sameName: the EHR user against a supervising prescriber', () => {
  it.each([
    ['Avery Quill', 'Dr. Avery Quill', true],
    ['Dr. Avery Quill', 'Dr. Avery Quill', true],
    ['AVERY QUILL', 'Dr. Avery Quill', true],
    ['Quill, Avery', 'Dr. Avery Quill', true],
    ['Quill, Avery MD', 'Dr. Avery Quill', true],
    ['Avery Quill, MD', 'Dr. Avery Quill', true],
    ['Avery Quill, PA-C', 'Avery Quill', true],
    ['  Avery   Quill ', 'Dr. Avery Quill', true],
    ['Anh Do', 'Anh Do', true],
    ['Do, Anh', 'Anh Do', true],
    ['Anh Do, DO', 'Anh Do', true],
    // Not the same person: never preselected.
    ['Anh', 'Anh Do', false],
    ['Avery Quilling', 'Dr. Avery Quill', false],
    ['Rowan Vale', 'Dr. Avery Quill', false],
    ['Dr.', 'Dr. Avery Quill', false],
    ['', 'Dr. Avery Quill', false],
    ['MD', 'MD', true],
  ])('%j ~ %j → %s', (ehrUser, prescriber, expected) => {
    expect(sameName(ehrUser, prescriber)).toBe(expected);
  });
});

describe('initialPrescriber', () => {
  it.each([
    [undefined, 'Dr. Rowan Vale'],
    ['Avery Quill', 'Dr. Avery Quill'],
    ['Quill, Avery MD', 'Dr. Avery Quill'],
    ['Do, Anh', 'Anh Do'],
    ['Sam Nurse', 'Dr. Rowan Vale'],
    ['', 'Dr. Rowan Vale'],
  ])('EHR user %j → %s', (ehrUser, expected) => {
    expect(initialPrescriber(delegate, ehrUser)).toBe(expected);
  });
});

describe('PrescriberPicker', () => {
  function render(settings: Settings, ehrUser: string | undefined, onChange = vi.fn()) {
    const { container } = renderNow(
      <PrescriberPicker settings={settings} value={initialPrescriber(settings, ehrUser)} onChange={onChange} ehrUser={ehrUser} />,
      { query: false },
    );
    return { select: container.querySelector('select'), text: container.textContent, onChange };
  }

  it('preselects the prescriber the EHR shows signed in (not the first of the list) and says why', () => {
    const { select, text } = render(delegate, 'Quill, Avery');
    expect(select?.value).toBe('Dr. Avery Quill');
    expect([...(select?.options ?? [])].map((o) => o.text)).toEqual(['Dr. Rowan Vale', 'Dr. Avery Quill (NPI 1234567893)', 'Anh Do']);
    expect(text).toContain('The EHR shows Quill, Avery signed in.');
  });

  it('an EHR user who is not one of the prescribers: the first is chosen, and the delegate is told to check', () => {
    const { select, text } = render(delegate, 'Sam Nurse');
    expect(select?.value).toBe('Dr. Rowan Vale');
    expect(text).toContain('The EHR shows Sam Nurse signed in, who is not one of your prescribers');
  });

  it('no EHR user shown: the first prescriber, no hint', () => {
    const { select, text } = render(delegate, undefined);
    expect(select?.value).toBe('Dr. Rowan Vale');
    expect(text).not.toContain('The EHR shows');
  });

  it('choosing another prescriber reports the name', () => {
    const { select, onChange } = render(delegate, 'Avery Quill');
    if (!select) throw new Error('no select');
    act(() => {
      select.value = 'Anh Do';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(onChange).toHaveBeenCalledWith('Anh Do');
  });

  it('no prescribers yet: points to the options instead of a list', () => {
    const { select, text } = render({ ...delegate, supervisingPrescribers: [] }, 'Avery Quill');
    expect(select).toBeNull();
    expect(text).toContain('Add the prescribers you review for');
  });
});
