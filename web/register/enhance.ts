import './register.css';

/**
 * Makes the server-rendered registration form nicer when JavaScript runs: the next list of places is
 * fetched as soon as one is chosen (a few dozen names, never the whole country), the first error gets
 * the focus, and the form cannot be sent twice. Without this script the form works the same.
 */
const LEVELS = ['region', 'department', 'commune'] as const;

interface AreaItem {
  pcode: string;
  name: string;
}

function byId<T extends HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

async function fillChildren(level: number, parent: string): Promise<void> {
  const name = LEVELS[level + 1];
  if (!name) return;
  const select = byId<HTMLSelectElement>(name);
  const wrapper = select?.closest<HTMLElement>('.f');
  if (!select || !wrapper) return;
  // Everything below the changed list is emptied first.
  for (let below = level + 1; below < LEVELS.length; below++) {
    const other = byId<HTMLSelectElement>(LEVELS[below] ?? '');
    if (!other) continue;
    other.length = 1;
    other.value = '';
    other.closest<HTMLElement>('.f')?.setAttribute('hidden', '');
  }
  if (parent === '') return;
  const response = await fetch(`/api/v1/areas?parent=${encodeURIComponent(parent)}`);
  if (!response.ok) return;
  const { items } = (await response.json()) as { items: AreaItem[] };
  if (items.length === 0) return;
  for (const item of items) select.add(new Option(item.name, item.pcode));
  wrapper.removeAttribute('hidden');
}

function start(): void {
  document.documentElement.classList.add('js');
  LEVELS.forEach((name, level) => {
    byId<HTMLSelectElement>(name)?.addEventListener('change', (event) => {
      void fillChildren(level, (event.target as HTMLSelectElement).value).catch(() => {
        // Offline or the server is unreachable: the "show the next list" button works without us.
        document.documentElement.classList.remove('js');
      });
    });
  });
  const summary = byId('summary');
  if (summary) summary.focus();
  const form = document.querySelector('form');
  form?.addEventListener('submit', (event) => {
    const submitter = event.submitter;
    if (submitter?.classList.contains('next')) return;
    const button = form.querySelector<HTMLButtonElement>('button.go');
    if (!button) return;
    if (button.disabled) {
      event.preventDefault();
      return;
    }
    button.disabled = true;
    button.dataset.label = button.textContent ?? '';
    button.textContent = button.dataset.sending ?? button.textContent;
  });
  // Back to a page kept in memory: the button is usable again.
  window.addEventListener('pageshow', () => {
    const button = form?.querySelector<HTMLButtonElement>('button.go');
    if (button?.disabled) {
      button.disabled = false;
      button.textContent = button.dataset.label ?? button.textContent;
    }
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
