// The payload form, generated from describe(api): fieldsets for objects,
// lists with add and remove, selects for enums, sub-forms (with a raw-JSON
// toggle) for JSON-in-a-string fields. Every container carries the JSON
// Pointer of its value in data-path, which is where validation messages go.
import { h, uid } from './dom.js';
import { esc, formatGmt8, isPlainObject, parseJsonObject, shortLabel, updateIn } from './lib.js';

const OTHER = '__other__';

/** The text an input shows for a value of any type. */
function toText(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The value an input's text stands for: whole numbers for int fields, else the text. */
function fromText(field, text) {
  if (text === '') return undefined;
  if (field.kind === 'int' && /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text))) return Number(text);
  return text;
}

export class Form {
  /** `onEdit(structural)`: the payload changed; structural: the form must be drawn again. */
  constructor(root, { onEdit }) {
    this.root = root;
    this.onEdit = onEdit;
    this.rawJson = new Set(); // JSON-in-a-string fields shown as raw text, by pointer
    this.binds = new Map();
    this.targets = new Map();
    root.addEventListener('input', (e) => this.#input(e));
    root.addEventListener('change', (e) => this.#change(e));
    root.addEventListener('click', (e) => this.#click(e));
  }

  /** Draws the form of `desc` for `payload` (not changed here) in `lang`. */
  render({ desc, payload, lang, t }) {
    this.desc = desc;
    this.payload = payload;
    this.lang = lang;
    this.t = t;
    this.binds.clear();
    this.targets.clear();
    const root = h('div', { class: 'form-root', 'data-path': '' });
    this.#target(root, '');
    if (!isPlainObject(payload)) {
      root.append(h('p', { class: 'notice', text: t.notObjectRoot }));
    } else {
      root.append(...this.#fields(desc.fields, payload, '', []));
    }
    this.root.replaceChildren(root);
  }

  // --- pieces ---------------------------------------------------------------

  #doc(field) {
    return field.doc?.[this.lang] ?? field.doc?.en ?? field.name;
  }

  /** The label text of a field and the help lines under it. */
  #label(field) {
    const doc = this.#doc(field);
    const { label, truncated } = shortLabel(doc, this.lang === 'zh' ? 24 : 48);
    const help = [];
    if (truncated) help.push(h('span', { class: 'doc', text: doc }));
    if (field.note) help.push(h('span', { class: 'note', text: `ℹ ${field.note[this.lang] ?? field.note.en}` }));
    if (field.maxLength != null) help.push(h('span', { class: 'limit', text: this.t.maxLength(field.maxLength) }));
    if (this.desc.idempotencyKey && field.path === this.desc.idempotencyKey) {
      help.push(h('span', { class: 'idem', text: this.t.idempotency(field.name) }));
    }
    return { label, help };
  }

  #required(field) {
    if (field.required === 'error') {
      return [h('span', { class: 'req', 'aria-hidden': 'true', text: '*' }), h('span', { class: 'sr-only', text: ` (${this.t.required})` })];
    }
    if (field.required === 'warning') return h('span', { class: 'rec', text: `(${this.t.recommended})` });
    return null;
  }

  /** Registers a container's issue list. */
  #target(el, path) {
    const list = h('ul', { class: 'issues', id: uid('issues') });
    el.dataset.path = path;
    this.targets.set(path, { el, list });
    return list;
  }

  #bind(el, binding) {
    const id = uid('b');
    this.binds.set(id, binding);
    el.dataset.bind = id;
    return el;
  }

  /** The fields of one object, then the keys of `data` that no field describes. */
  #fields(fields, data, path, steps) {
    const out = [];
    const known = new Set();
    for (const field of fields) {
      if (field.misplaced) continue;
      const names = [field.name, ...(field.aliases ?? [])];
      names.forEach((n) => known.add(n));
      const key = names.find((n) => Object.hasOwn(data, n)) ?? field.name;
      const fpath = `${path}/${esc(key)}`;
      const fsteps = [...steps, { key }];
      const value = data[key];
      if (field.list) out.push(this.#list(field, value, fpath, fsteps));
      else if (field.kind === 'object') out.push(this.#object(field, value, fpath, fsteps));
      else if (field.kind === 'json') out.push(this.#json(field, value, fpath, fsteps));
      else out.push(this.#scalar(field, value, fpath, fsteps));
    }
    const extra = Object.keys(data).filter((k) => !known.has(k));
    if (extra.length) {
      out.push(
        h('div', { class: 'extras' },
          h('p', { class: 'extras-title', text: this.t.extraKeys }),
          h('ul', {}, extra.map((k) =>
            h('li', {},
              h('code', { class: 'key', text: JSON.stringify(k) }), ': ',
              h('code', { class: 'val', text: JSON.stringify(data[k]).slice(0, 120) }), ' ',
              this.#bind(h('button', { type: 'button', class: 'small', 'data-action': 'remove-key', text: this.t.remove, 'aria-label': `${this.t.remove} ${k}` }),
                { steps: [...steps, { key: k }] }))))),
      );
    }
    return out;
  }

  #legend(field, extra) {
    const { label, help } = this.#label(field);
    const legend = h('legend', {}, h('span', { class: 'label-text', text: label }), ' ', h('code', { class: 'name', text: field.name }), ' ', this.#required(field), extra);
    return { legend, help: help.length ? h('p', { class: 'help' }, help.flatMap((x, i) => (i ? [' ', x] : [x]))) : null };
  }

  #object(field, value, path, steps) {
    const fs = h('fieldset', { class: 'obj' });
    const { legend, help } = this.#legend(field);
    const list = this.#target(fs, path);
    fs.append(legend, help ?? '', list);
    if (value !== undefined && !isPlainObject(value)) {
      fs.append(this.#badValue(this.t.notAnObjectValue, value, steps));
    } else {
      fs.append(...this.#fields(field.fields, value ?? {}, path, steps));
    }
    return fs;
  }

  #badValue(text, value, steps, extraButton) {
    return h('p', { class: 'notice' }, text, ' ', h('code', { text: JSON.stringify(value)?.slice(0, 200) ?? String(value) }), ' ',
      extraButton ?? '',
      this.#bind(h('button', { type: 'button', class: 'small', 'data-action': 'clear', text: this.t.clearValue }), { steps }));
  }

  #list(field, value, path, steps) {
    const fs = h('fieldset', { class: 'list' });
    const { label } = this.#label(field);
    const { legend, help } = this.#legend(field);
    const list = this.#target(fs, path);
    fs.append(legend, help ?? '', list);
    if (value !== undefined && !Array.isArray(value)) {
      const make = isPlainObject(value)
        ? this.#bind(h('button', { type: 'button', class: 'small', 'data-action': 'make-list', text: this.t.makeList }), { steps })
        : null;
      fs.append(this.#badValue(this.t.notAList, value, steps, make));
      return fs;
    }
    (value ?? []).forEach((item, i) => {
      const ipath = `${path}/${i}`;
      const isteps = [...steps, { key: i }];
      const remove = this.#bind(
        h('button', { type: 'button', class: 'small remove', 'data-action': 'remove-item', text: this.t.remove, 'aria-label': `${this.t.remove} ${label} ${this.t.item(i + 1)}` }),
        { steps, index: i },
      );
      if (field.kind === 'object') {
        const ifs = h('fieldset', { class: 'obj item' });
        const ilist = this.#target(ifs, ipath);
        ifs.append(h('legend', {}, h('span', { class: 'label-text', text: `${label} · ${this.t.item(i + 1)}` }), ' ', remove), ilist);
        if (isPlainObject(item)) ifs.append(...this.#fields(field.fields, item, ipath, isteps));
        else ifs.append(this.#badValue(this.t.notAnObjectValue, item, isteps));
        fs.append(ifs);
      } else {
        fs.append(this.#scalar(field, item, ipath, isteps, { label: `${label} · ${this.t.item(i + 1)}`, remove, bare: true }));
      }
    });
    fs.append(
      h('div', { class: 'list-actions' },
        this.#bind(h('button', { type: 'button', class: 'small add', 'data-action': 'add-item', text: `+ ${this.t.add(label)}` }), { steps, kind: field.kind })),
    );
    return fs;
  }

  #json(field, value, path, steps) {
    const fs = h('fieldset', { class: 'obj json' });
    const parsed = parseJsonObject(value);
    const forced = !field.fields.length || (value !== undefined && value !== '' && parsed === null);
    const raw = forced || this.rawJson.has(path);
    const toggle = field.fields.length
      ? this.#bind(
          h('button', { type: 'button', class: 'small toggle', 'data-action': 'toggle-json', 'aria-pressed': String(raw), disabled: forced && value !== undefined, text: this.t.rawJson }),
          { path },
        )
      : null;
    const { legend, help } = this.#legend(field, [' ', h('span', { class: 'kind', text: `{ } ${this.t.jsonInString}` }), ' ', toggle]);
    const list = this.#target(fs, path);
    fs.append(legend, help ?? '', list);
    if (raw) {
      const id = uid('in');
      const { label } = this.#label(field);
      if (forced && value !== undefined && field.fields.length) fs.append(h('p', { class: 'notice', text: this.t.notAnObject }));
      fs.append(
        h('label', { for: id, class: 'sr-only', text: `${label} (${this.t.rawJson})` }),
        this.#bind(
          h('textarea', { id, class: 'raw-json', rows: 3, spellcheck: 'false', 'aria-describedby': list.id, value: typeof value === 'string' ? value : toText(value) }),
          { steps, role: 'raw' },
        ),
      );
    } else {
      const inner = [...steps.slice(0, -1), { ...steps[steps.length - 1], json: true }];
      fs.append(...this.#fields(field.fields, parsed ?? {}, path, inner));
    }
    return fs;
  }

  /** One input (or select) with its label, help and issue list. */
  #scalar(field, value, path, steps, opts = {}) {
    const box = h('div', { class: 'field' });
    const list = this.#target(box, path);
    const id = uid('in');
    const { label, help } = this.#label(field);
    const helpEl = !opts.bare && help.length ? h('p', { class: 'help', id: uid('help') }, help.flatMap((x, i) => (i ? [' ', x] : [x]))) : null;
    const describedBy = [helpEl?.id, list.id].filter(Boolean).join(' ');
    const labelEl = h('label', { for: id },
      h('span', { class: 'label-text', text: opts.label ?? label }), ' ',
      opts.bare ? '' : h('code', { class: 'name', text: field.name }), ' ',
      opts.bare ? '' : this.#required(field));
    const common = { id, 'aria-describedby': describedBy, 'aria-required': field.required === 'error' ? 'true' : null };
    let control;
    const text = toText(value);
    if (field.kind === 'bool') {
      const known = value === undefined || typeof value === 'boolean';
      control = this.#bind(
        h('select', common,
          h('option', { value: '', text: this.t.unset, selected: value === undefined }),
          h('option', { value: 'true', text: 'true', selected: value === true }),
          h('option', { value: 'false', text: 'false', selected: value === false }),
          known ? '' : h('option', { value: OTHER, text: JSON.stringify(value), selected: true })),
        { steps, field, role: 'bool' },
      );
    } else if (field.enum?.length) {
      const values = field.enum.map((e) => String(e.value));
      const inEnum = value === undefined || values.includes(text);
      const otherId = uid('in');
      const other = this.#bind(
        h('input', { id: otherId, type: 'text', class: 'other', value: inEnum ? '' : text, hidden: inEnum, 'aria-label': this.t.otherValueLabel(opts.label ?? label), 'aria-describedby': describedBy, autocomplete: 'off', spellcheck: 'false' }),
        { steps, field, role: 'value' },
      );
      const select = this.#bind(
        h('select', common,
          h('option', { value: '', text: this.t.unset, selected: value === undefined }),
          field.enum.map((e) => h('option', { value: String(e.value), selected: inEnum && text === String(e.value), text: `${e.value} — ${e.doc?.[this.lang] ?? e.doc?.en ?? ''}` })),
          h('option', { value: OTHER, selected: !inEnum, text: this.t.otherValue })),
        { steps, field, role: 'enum', other: otherId },
      );
      control = h('div', { class: 'enum' }, select, other);
    } else {
      const long = (field.maxLength ?? 0) >= 200;
      const example = field.example != null ? toText(JSON.parse(field.example)) : '';
      control = this.#bind(
        h(long ? 'textarea' : 'input', {
          ...common,
          type: long ? null : 'text',
          rows: long ? 2 : null,
          value: text,
          placeholder: example ? (this.lang === 'zh' ? `例:${example}` : `e.g. ${example}`) : null,
          inputmode: field.kind === 'int' ? 'numeric' : null,
          autocomplete: 'off',
          spellcheck: 'false',
        }),
        { steps, field, role: 'value' },
      );
      const fmt = field.format?.name;
      if (fmt === 'epoch_millis' || fmt === 'date_time') {
        control = h('div', { class: 'with-button' }, control,
          this.#bind(h('button', { type: 'button', class: 'small', 'data-action': 'now', text: this.t.now, 'aria-label': `${this.t.now}: ${opts.label ?? label}` }), { steps, field, input: id }));
      }
    }
    box.append(labelEl, control, opts.remove ?? '', helpEl ?? '', list);
    return box;
  }

  // --- events -----------------------------------------------------------------

  #set(steps, value) {
    updateIn(this.payload, steps, () => value);
  }

  #input(e) {
    const b = this.binds.get(e.target.dataset?.bind);
    if (!b || e.target.tagName === 'SELECT') return;
    if (b.role === 'raw') this.#set(b.steps, e.target.value === '' ? undefined : e.target.value);
    else if (b.role === 'value') this.#set(b.steps, fromText(b.field, e.target.value));
    else return;
    this.onEdit(false);
  }

  #change(e) {
    const el = e.target;
    const b = this.binds.get(el.dataset?.bind);
    if (!b || el.tagName !== 'SELECT') return;
    if (b.role === 'bool') {
      if (el.value === OTHER) return;
      this.#set(b.steps, el.value === '' ? undefined : el.value === 'true');
    } else if (b.role === 'enum') {
      const other = document.getElementById(b.other);
      if (el.value === OTHER) {
        other.hidden = false;
        other.focus();
        this.#set(b.steps, fromText(b.field, other.value));
      } else {
        other.hidden = true;
        other.value = '';
        this.#set(b.steps, fromText(b.field, el.value));
      }
    }
    this.onEdit(false);
  }

  #click(e) {
    const button = e.target.closest?.('button[data-action]');
    if (!button) return;
    const b = this.binds.get(button.dataset.bind);
    if (!b) return;
    switch (button.dataset.action) {
      case 'add-item':
        updateIn(this.payload, b.steps, (cur) => [...(Array.isArray(cur) ? cur : []), b.kind === 'object' ? {} : '']);
        break;
      case 'remove-item':
        updateIn(this.payload, b.steps, (cur) => {
          const rest = (Array.isArray(cur) ? cur : []).filter((_, i) => i !== b.index);
          return rest.length ? rest : undefined;
        });
        break;
      case 'make-list':
        updateIn(this.payload, b.steps, (cur) => [cur]);
        break;
      case 'remove-key':
      case 'clear':
        this.#set(b.steps, undefined);
        break;
      case 'toggle-json':
        if (this.rawJson.has(b.path)) this.rawJson.delete(b.path);
        else this.rawJson.add(b.path);
        break;
      case 'now': {
        const value = b.field.format.name === 'epoch_millis' ? Date.now() : formatGmt8(Date.now());
        this.#set(b.steps, value);
        document.getElementById(b.input).value = String(value);
        this.onEdit(false);
        return;
      }
      default:
        return;
    }
    this.onEdit(true);
  }

  // --- issues -------------------------------------------------------------------

  /**
   * Puts every issue beside the field it belongs to (or its nearest parent
   * with an input) and returns them as { issue, level, target } for a summary.
   */
  showIssues(report) {
    for (const { el, list } of this.targets.values()) {
      list.replaceChildren();
      el.classList.remove('has-error', 'has-warning');
      for (const c of el.querySelectorAll(':scope > [data-bind], :scope > .enum > [data-bind], :scope > .with-button > [data-bind]')) c.removeAttribute('aria-invalid');
    }
    const placed = [];
    for (const [level, issues] of [['error', report.errors], ['warning', report.warnings]]) {
      for (const issue of issues) {
        let target = issue.path;
        while (!this.targets.has(target) && target !== '') target = target.slice(0, target.lastIndexOf('/'));
        const t = this.targets.get(target) ?? this.targets.get('');
        if (!t) continue;
        const rel = issue.path.slice(target.length);
        const message = this.lang === 'zh' ? issue.messageZh : issue.message;
        t.list.append(
          h('li', { class: `issue ${level}`, 'data-code': issue.code, 'data-path': issue.path },
            h('span', { class: 'badge' }, h('span', { 'aria-hidden': 'true', text: level === 'error' ? '✖' : '⚠' }), ` ${level === 'error' ? this.t.error : this.t.warning}`),
            ' ',
            rel ? h('code', { class: 'rel', text: rel }) : '',
            rel ? ' ' : '',
            message),
        );
        t.el.classList.add(`has-${level}`);
        if (level === 'error') {
          for (const c of t.el.querySelectorAll(':scope > [data-bind], :scope > .enum > [data-bind], :scope > .with-button > [data-bind]')) c.setAttribute('aria-invalid', 'true');
        }
        placed.push({ issue, level, target, el: t.el });
      }
    }
    return placed;
  }
}
