import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, type Settings } from '@/lib/storage/settings';
import { buttonNamed, interact, render as renderUi, typeInto, until } from '@/test/react';
import { DelegatesForm } from './delegates-form';
import { initialPrescriber } from './prescriber-picker';

let container: HTMLDivElement;
const delegate: Settings = { ...DEFAULT_SETTINGS, identity: { userId: 'u2', name: 'Sam Nurse', role: 'delegate' } };

async function render(settings: Settings): Promise<void> {
  ({ container } = await renderUi(<DelegatesForm settings={settings} />));
}

function type(label: string, value: string, index = 0): void {
  const inputs = [...container.querySelectorAll('label')].filter((l) => l.firstChild?.textContent?.trim() === label).map((l) => l.querySelector('input'));
  const input = inputs[index];
  if (!input) throw new Error(`no input ${label}`);
  typeInto(input, value);
}
async function click(name: string): Promise<void> {
  const button = buttonNamed(container, name);
  if (!button) throw new Error(`no button ${name}`);
  await interact(() => {
    button.click();
  });
}

describe('DelegatesForm', () => {
  it('refuses a bad NPI or DEA number, saving nothing; saves a good list', async () => {
    await render(delegate);
    expect(container.textContent).toContain('You review as a delegate');
    await interact(() => {
      type("Prescriber's name", 'Dr. Avery Quill');
      type('NPI', '123');
      type('DEA number', 'nope');
    });
    await click('Save prescribers');
    expect(container.textContent).toContain('An NPI has 10 digits');
    expect(container.textContent).toContain('A DEA number is 2 letters and 7 digits');
    expect((await loadSettings()).supervisingPrescribers).toEqual([]);

    await interact(() => {
      type('NPI', '1234567893');
      type('DEA number', 'aq1234563');
    });
    await click('Add a prescriber');
    await interact(() => {
      type("Prescriber's name", 'Dr. Rowan Vale', 1);
    });
    await click('Save prescribers');
    await until(() => {
      expect(container.textContent).toContain('Prescribers saved ✓');
    });
    expect((await loadSettings()).supervisingPrescribers).toEqual([
      { name: 'Dr. Avery Quill', npi: '1234567893', dea: 'AQ1234563' },
      { name: 'Dr. Rowan Vale' },
    ]);
  });

  it('refuses the same prescriber twice', async () => {
    await render(delegate);
    await click('Add a prescriber');
    await interact(() => {
      type("Prescriber's name", 'Dr. Avery Quill', 0);
      type("Prescriber's name", 'dr. avery quill', 1);
    });
    await click('Save prescribers');
    expect(container.textContent).toContain('Each prescriber once, please');
  });

  it('tells a prescriber it is only for delegates', async () => {
    await render({ ...DEFAULT_SETTINGS, identity: { userId: 'u1', name: 'Dr. Avery Quill', role: 'prescriber' } });
    expect(container.textContent).toContain('Only used when you review as a delegate');
  });
});

describe('initialPrescriber', () => {
  const s: Settings = { ...delegate, supervisingPrescribers: [{ name: 'Dr. Avery Quill' }, { name: 'Dr. Rowan Vale' }] };
  it.each([
    [undefined, 'Dr. Avery Quill'],
    ['Rowan Vale', 'Dr. Rowan Vale'],
    ['DR. ROWAN VALE', 'Dr. Rowan Vale'],
    ['Someone Else', 'Dr. Avery Quill'],
  ])('EHR user %j → %s', (ehrUser, expected) => {
    expect(initialPrescriber(s, ehrUser)).toBe(expected);
  });
  it('no prescribers → nothing chosen', () => {
    expect(initialPrescriber(delegate, 'x')).toBe('');
  });
});
