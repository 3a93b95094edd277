// The list of slash commands over the composer while a command's name is typed (issue 19): draws what
// CommandCompletion (commands.js) decides and hands it the composer's text and keys. Its keys are heard on the way
// down to the input (capture on the form), so Enter picks a command here before the composer would send. A pick
// fills "/name " into the composer. Every string from a bot goes in as text.

import { botBadge } from './bot-badge.js';
import { usageArgs } from './commands.js';
import { el } from './dom.js';

export class CommandMenu {
  // completion: a CommandCompletion. input: the composer's textarea; list: the <ul> the commands are drawn in;
  // form: the composer. offered(): whether the open room takes commands (an end-to-end encrypted chat does not: the
  // server cannot read what would be one). Everything is let go when `signal` aborts.
  constructor(completion, { input, list, form, offered = () => true }, signal) {
    this.completion = completion;
    this.input = input;
    this.list = list;
    this.form = form;
    this.offered = offered;
    this.focused = false;
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    this.bind(signal);
  }

  bind(signal) {
    const { input, list, form } = this;
    input.addEventListener('input', () => this.refresh(), { signal });
    input.addEventListener('focus', () => {
      this.focused = true;
      this.refresh();
    }, { signal });
    input.addEventListener('blur', () => {
      this.focused = false;
      this.draw();
    }, { signal });
    form.addEventListener('keydown', (e) => {
      if (e.target !== input || e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return;
      const action = this.completion.key(e.key, { shift: e.shiftKey });
      if (action === null) {
        // Enter sends what is typed: the list has nothing more to say about it.
        if (e.key === 'Enter' && !e.shiftKey) this.sent();
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      if (action === 'pick') this.fill(this.completion.pick());
      else this.draw();
    }, { signal, capture: true });
    form.addEventListener('submit', () => this.sent(), { signal });
    // The input keeps the focus (and a phone its keyboard) when an item is clicked.
    list.addEventListener('mousedown', (e) => e.preventDefault(), { signal });
    list.addEventListener('click', (e) => {
      const item = e.target.closest('[data-index]');
      if (item) this.fill(this.completion.pick(Number(item.dataset.index)));
    }, { signal });
  }

  // The composer's text or the commands changed.
  refresh() {
    this.focused = document.activeElement === this.input;
    this.completion.update(this.offered() ? this.input.value : '');
    this.draw();
  }

  sent() {
    this.completion.sent();
    this.draw();
  }

  // The picked command in the composer, the caret after it, as if typed (so the composer's own listeners hear it).
  fill(text) {
    if (text === null) return;
    this.input.value = text;
    this.input.setSelectionRange(text.length, text.length);
    this.input.focus({ preventScroll: true });
    this.input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  draw() {
    const { completion, list, input } = this;
    const status = completion.status();
    const shown = this.focused && completion.open && (completion.items.length > 0 || status !== null);
    list.hidden = !shown;
    input.setAttribute('aria-expanded', String(shown));
    if (!shown) {
      list.replaceChildren();
      input.removeAttribute('aria-activedescendant');
      return;
    }
    if (status !== null) {
      list.replaceChildren(el('li', 'command-status', status));
      input.removeAttribute('aria-activedescendant');
      return;
    }
    list.replaceChildren(...completion.items.map((command, i) => this.option(command, i, i === completion.selected)));
    const chosen = list.querySelector('[aria-selected="true"]');
    input.setAttribute('aria-activedescendant', chosen.id);
    chosen.scrollIntoView({ block: 'nearest' });
  }

  option(command, index, selected) {
    const item = el('li', 'command-option');
    item.id = `command-option-${index}`;
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', String(selected));
    item.dataset.index = String(index);
    item.dataset.command = command.name;
    const head = el('div', 'command-head');
    head.append(el('span', 'command-name', `/${command.name}`));
    const args = usageArgs(command);
    if (args) head.append(' ', el('span', 'command-usage', args));
    const bot = el('span', 'command-bot');
    bot.append(el('span', 'command-bot-name', command.bot), ' ', botBadge());
    head.append(bot);
    item.append(head);
    if (command.description) item.append(el('div', 'command-description', command.description));
    return item;
  }

  clear() {
    this.list.replaceChildren();
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
