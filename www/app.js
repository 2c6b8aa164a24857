// Loads the npm package built into /pkg/ and lists the APIs it knows.
const tbody = document.querySelector('#apis tbody');
const status = document.querySelector('#status');

function cell(text, className) {
  const td = document.createElement('td');
  if (className === 'name') {
    const code = document.createElement('code');
    code.textContent = text;
    td.append(code);
  } else {
    td.textContent = text;
    if (className) td.className = className;
  }
  return td;
}

try {
  const { apis } = await import('/pkg/index.js');
  const list = apis();
  tbody.replaceChildren(
    ...list.map((api) => {
      const tr = document.createElement('tr');
      tr.dataset.api = api.name;
      tr.append(cell(api.name, 'name'), cell(api.protocol, 'protocol'), cell(api.title.zh), cell(api.title.en));
      return tr;
    }),
  );
  status.textContent = `${list.length} APIs`;
  document.body.dataset.ready = 'true';
} catch (error) {
  tbody.replaceChildren();
  status.className = 'error';
  status.textContent = `Could not load /pkg/index.js (run make pkg or make start): ${error}`;
  document.body.dataset.ready = 'error';
  throw error;
}
