import { render } from 'preact';
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { loadModules, predict } from './api.js';
import { bodyOf, fieldsOf, initialValue, isImageModule, samplesFor } from './args.js';
import { ClassesResult, JsonResult, kindOf, LacResult, SentimentResult, VisionResult, WordsResult } from './results.js';
import { curlSnippet, pythonSnippet } from './snippets.js';

// The playground: the served modules (GET /modules), a form per module built from its argument descriptions,
// and each run's result, latency, Server-Timing and the same request as curl and Python.

const KEY_STORE = 'hub-playground-api-key';
const session = {
  get: () => { try { return sessionStorage.getItem(KEY_STORE) || ''; } catch { return ''; } },
  set: (v) => { try { if (v) sessionStorage.setItem(KEY_STORE, v); else sessionStorage.removeItem(KEY_STORE); } catch { /* private mode */ } },
};

/** Each module's form values, images and last run, kept while another module is shown. */
const memory = new Map();

/** `#/lac` selects lac; other fragments (the skip link's #main) leave the selection as it is. */
const selectedFromHash = () => (location.hash.startsWith('#/') ? decodeURIComponent(location.hash.slice(2)) : undefined);

// ---- images in: file picker, drop, paste

function readImage(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ name: file.name || 'pasted image', type: file.type, size: file.size, url: URL.createObjectURL(file), b64: url.slice(url.indexOf(',') + 1) });
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function ImageInput({ images, setImages, id }) {
  const [over, setOver] = useState(false);
  const add = async (files) => {
    const list = [...files];
    if (list.length === 0) return;
    const read = await Promise.all(list.map(readImage));
    // Functional updates: a paste right after a removal must not bring the removed image back.
    setImages((current) => [...current, ...read]);
  };
  useEffect(() => {
    // Paste anywhere on the page while an image module is shown (not into a text field).
    const onPaste = (e) => {
      const target = e.target;
      if (target && (target.tagName === 'TEXTAREA' || (target.tagName === 'INPUT' && target.type !== 'file'))) return;
      const files = [...(e.clipboardData ? e.clipboardData.files : [])];
      if (files.length) { e.preventDefault(); void add(files); }
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  });
  return html`<div class="images-field">
    <div class=${`drop ${over ? 'over' : ''}`}
      onDragOver=${(e) => { e.preventDefault(); setOver(true); }} onDragLeave=${() => setOver(false)}
      onDrop=${(e) => { e.preventDefault(); setOver(false); void add(e.dataTransfer.files); }}>
      <label for=${id}><strong>Choose images</strong>, drop them here, or paste one (Ctrl+V)</label>
      <input id=${id} type="file" accept="image/*" multiple onChange=${(e) => { void add(e.currentTarget.files); e.currentTarget.value = ''; }} />
    </div>
    ${images.length > 0 ? html`<ul class="thumbs" aria-label="Images to send">${images.map((img, i) => html`<li>
      <img src=${img.url} alt="" onError=${(e) => e.currentTarget.classList.add('broken')} /><span class="name">${img.name}</span>
      <button type="button" class="link" onClick=${() => setImages((current) => current.filter((x) => x !== img))} aria-label=${`Remove ${img.name}`}>Remove</button>
    </li>`)}</ul>` : null}
  </div>`;
}

// ---- one argument

function Field({ field, value, setValue, samples, module }) {
  const id = `arg-${module}-${field.name}`;
  const help = html`<span class="help" id=${`${id}-help`}>${field.help}${field.default !== undefined && field.default !== null ? ` (default ${JSON.stringify(field.default)})` : ''}</span>`;
  const name = html`<code>${field.name}</code>${field.required ? html` <span class="req">required</span>` : null} <span class="type">${field.type}</span>`;
  if (field.kind === 'bool') {
    return html`<div class="field check">
      <input id=${id} type="checkbox" checked=${value} onChange=${(e) => setValue(e.currentTarget.checked)} aria-describedby=${`${id}-help`} />
      <label for=${id}>${name}</label>${help}
    </div>`;
  }
  if (field.kind === 'texts' || field.kind === 'text') {
    return html`<div class="field">
      <label for=${id}>${name}${field.kind === 'texts' ? html` <span class="type">one text per line</span>` : null}</label>
      <textarea id=${id} rows=${field.kind === 'texts' ? 3 : 2} value=${value} onInput=${(e) => setValue(e.currentTarget.value)} aria-describedby=${`${id}-help`} lang="zh"></textarea>
      ${help}
      ${samples.length ? html`<div class="samples" role="group" aria-label="Sample sentences">
        <span>Try:</span>${samples.map((s) => html`<button type="button" class="sample" onClick=${() => setValue(s)} lang="zh">${s}</button>`)}
      </div>` : null}
    </div>`;
  }
  const input = field.kind === 'number'
    ? html`<input id=${id} type="number" inputmode="decimal" min=${field.min} max=${field.max} step=${field.step} value=${value} onInput=${(e) => setValue(e.currentTarget.value)} aria-describedby=${`${id}-help`} />`
    : html`<input id=${id} type="text" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} aria-describedby=${`${id}-help`} spellcheck="false" placeholder=${field.kind === 'json' ? 'JSON' : ''} />`;
  return html`<div class="field"><label for=${id}>${name}</label>${input}${help}</div>`;
}

// ---- a run's outcome

function Timing({ run }) {
  const server = run.timing.filter((t) => Number.isFinite(t.dur));
  return html`<div class="timing" role="status">
    <span class=${`badge ${run.ok ? 'ok' : 'bad'}`}>${run.ok ? 'OK' : 'Error'} · HTTP ${run.http ?? '—'}${run.status ? ` · status ${run.status}` : ''}</span>
    <span><strong>${Math.round(run.latency)} ms</strong> round trip</span>
    ${server.length ? html`<span class="server-timing">Server-Timing: ${server.map((t) => html`<span class="st"><span class="st-name">${t.name}</span> ${t.dur.toFixed(1)} ms</span>`)}</span>` : null}
  </div>`;
}

function CopyButton({ text, what }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); setDone(true); setTimeout(() => setDone(false), 1500); } catch { setDone(false); }
  };
  return html`<button type="button" class="copy" onClick=${copy} aria-label=${`Copy the ${what} snippet`}>${done ? 'Copied' : 'Copy'}</button>`;
}

function Snippets({ run }) {
  const [tab, setTab] = useState('curl');
  const text = tab === 'curl' ? run.curl : run.python;
  return html`<section class="snippets" aria-label="The same request from code">
    <div class="tabs" role="tablist" aria-label="Language">
      ${[['curl', 'curl'], ['python', 'Python requests']].map(([k, label]) => html`<button type="button" role="tab" id=${`tab-${k}`} aria-selected=${tab === k} aria-controls="snippet"
        tabindex=${tab === k ? 0 : -1} onClick=${() => setTab(k)}
        onKeyDown=${(e) => { if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { const next = tab === 'curl' ? 'python' : 'curl'; setTab(next); document.getElementById(`tab-${next}`)?.focus(); } }}>${label}</button>`)}
      <${CopyButton} text=${text} what=${tab} />
    </div>
    <pre id="snippet" role="tabpanel" aria-labelledby=${`tab-${tab}`} tabindex="0" class=${`snippet ${tab}`}><code>${text}</code></pre>
  </section>`;
}

function Outcome({ run, images }) {
  const [threshold, setThreshold] = useState(0);
  if (!run.ok) {
    return html`<div class="error" role="alert">
      <p class="error-title">The server refused the request${run.status ? ` (status ${run.status}, HTTP ${run.http})` : run.http ? ` (HTTP ${run.http})` : ''}:</p>
      <p class="msg">${run.msg}</p>
    </div>`;
  }
  const kind = kindOf(run.results);
  const vision = kind === 'vision';
  return html`<div class="outcome">
    ${vision && run.results.some((r) => (r.data || []).length > 0) ? html`<div class="slider">
      <label for="conf">Show results with confidence at least <output for="conf">${threshold.toFixed(2)}</output></label>
      <input id="conf" type="range" min="0" max="1" step="0.01" value=${threshold} onInput=${(e) => setThreshold(Number(e.currentTarget.value))} />
    </div>` : null}
    ${kind === 'lac' ? html`<${LacResult} results=${run.results} texts=${run.texts} />`
      : kind === 'words' ? html`<${WordsResult} results=${run.results} />`
      : kind === 'sentiment' ? html`<${SentimentResult} results=${run.results} />`
      : kind === 'classes' ? html`<${ClassesResult} results=${run.results} names=${images.map((i) => i.name)} />`
      : vision ? html`<${VisionResult} results=${run.results} images=${images} threshold=${threshold} />`
      : html`<${JsonResult} results=${run.results} />`}
    <details class="raw"><summary>Raw reply (${run.bytes.toLocaleString()} bytes)</summary><pre class="json">${JSON.stringify({ msg: '', results: run.results, status: run.status }, null, 2)}</pre></details>
  </div>`;
}

// ---- one module

function ModulePanel({ module, apiKey }) {
  const fields = useMemo(() => fieldsOf(module), [module]);
  const saved = memory.get(module.name);
  const [values, setValues] = useState(() => saved?.values ?? Object.fromEntries(fields.filter((f) => f.kind !== 'images').map((f) => [f.name, initialValue(module, f)])));
  const [images, setImages] = useState(saved?.images ?? []);
  const [run, setRun] = useState(saved?.run);
  const [busy, setBusy] = useState(false);
  const outcome = useRef(null);
  useEffect(() => { memory.set(module.name, { values, images, run }); }, [values, images, run]);

  const imageModule = isImageModule(module);
  const samples = imageModule ? [] : samplesFor(module);
  const main = fields.filter((f) => !f.compat);
  const compat = fields.filter((f) => f.compat);
  const set = (name) => (v) => setValues((current) => ({ ...current, [name]: v }));

  const submit = async (e) => {
    e.preventDefault();
    let body;
    try {
      body = bodyOf(module, fields, values, images.length);
    } catch (error) {
      setRun({ ok: false, msg: error.message, latency: 0, timing: [] });
      return;
    }
    const sent = { ...body };
    if (body.images) sent.images = images.map((i) => i.b64);
    setBusy(true);
    const reply = await predict(module.name, sent, apiKey);
    setBusy(false);
    const origin = location.origin;
    const textField = fields.find((f) => f.kind === 'texts' || f.kind === 'text');
    const texts = textField && body[textField.name] !== undefined ? [].concat(body[textField.name]) : [];
    setRun({ ...reply, texts, images: [...images], curl: curlSnippet(origin, module.name, body, images, Boolean(apiKey)), python: pythonSnippet(origin, module.name, body, images, Boolean(apiKey)) });
    // Focus stays on the form (Enter again re-runs); the result is announced (role=status / alert) and scrolled
    // into view when it starts below the screen, as on a phone.
    requestAnimationFrame(() => {
      const box = outcome.current?.getBoundingClientRect();
      if (box && box.top > innerHeight - 80) outcome.current.scrollIntoView({ block: 'start' });
    });
  };

  return html`<article class="panel" aria-labelledby="module-title">
    <header class="panel-head">
      <h2 id="module-title">${module.name} <span class="ver">${module.version}</span></h2>
      <p class="task">${module.task}</p>
      <p class="summary">${module.summary}</p>
    </header>
    <form onSubmit=${submit} class="form" novalidate>
      ${imageModule ? html`<${ImageInput} images=${images} setImages=${setImages} id=${`images-${module.name}`} />` : null}
      ${main.filter((f) => f.kind !== 'images').map((f) => html`<${Field} key=${f.name} field=${f} module=${module.name} value=${values[f.name]} setValue=${set(f.name)} samples=${samples} />`)}
      ${compat.length ? html`<details class="compat"><summary>Arguments accepted for compatibility (${compat.length})</summary>
        ${compat.map((f) => html`<${Field} key=${f.name} field=${f} module=${module.name} value=${values[f.name]} setValue=${set(f.name)} samples=${[]} />`)}
      </details>` : null}
      <div class="actions">
        <button type="submit" class="run" disabled=${busy} aria-busy=${busy}>${busy ? 'Running…' : `Run ${module.name}`}</button>
        <span class="endpoint"><code>POST /predict/${module.name}</code></span>
      </div>
    </form>
    ${run ? html`<section class="run-result" aria-label="Result" ref=${outcome}>
      <h3>Result</h3>
      <${Timing} run=${run} />
      <${Outcome} run=${run} images=${run.images || []} key=${run.latency} />
      ${run.curl ? html`<${Snippets} run=${run} />` : null}
    </section>` : null}
  </article>`;
}

// ---- the page

function ModuleList({ modules, selected }) {
  return html`<nav class="modules" aria-label="Modules">
    <h2 class="nav-title">Modules <span class="n">${modules.length}</span></h2>
    <ul>${modules.map((m) => html`<li>
      <a href=${`#/${m.name}`} aria-current=${m.name === selected ? 'page' : undefined}>
        <span class="m-name">${m.name}</span>
        <span class="m-meta">${m.task} · ${m.version}</span>
        <span class="m-summary">${m.summary}</span>
      </a>
    </li>`)}</ul>
  </nav>`;
}

function App() {
  const [apiKey, setApiKey] = useState(session.get());
  const [keyDraft, setKeyDraft] = useState(apiKey);
  const [state, setState] = useState({ loading: true });
  const [selected, setSelected] = useState(selectedFromHash());

  useEffect(() => {
    const onHash = () => { const name = selectedFromHash(); if (name !== undefined) setSelected(name); };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    void loadModules(apiKey).then((r) => { if (live) setState(r.ok ? { modules: r.modules } : { error: r }); });
    return () => { live = false; };
  }, [apiKey]);

  const saveKey = (e) => {
    e.preventDefault();
    session.set(keyDraft.trim());
    setApiKey(keyDraft.trim());
  };
  const modules = state.modules || [];
  const current = modules.find((m) => m.name === selected) || modules[0];

  return html`
    <header class="top">
      <h1>Hub Serving <span>playground</span></h1>
      <form class="key" onSubmit=${saveKey}>
        <label for="api-key">API key <span class="opt">(optional)</span></label>
        <input id="api-key" type="password" autocomplete="off" spellcheck="false" value=${keyDraft} onInput=${(e) => setKeyDraft(e.currentTarget.value)}
          aria-describedby="api-key-help" />
        <button type="submit">${apiKey && keyDraft === apiKey ? 'Saved' : 'Use key'}</button>
        <span id="api-key-help" class="help">Sent as <code>Authorization: Bearer …</code>; kept in this tab only.</span>
      </form>
    </header>
    <main id="main" tabindex="-1">
      ${state.error ? html`<div class="error" role="alert"><p class="error-title">Cannot list the modules${state.error.http ? ` (HTTP ${state.error.http})` : ''}:</p><p class="msg">${state.error.msg}</p></div>`
        : state.loading && !state.modules ? html`<p class="loading" role="status">Loading the modules…</p>`
        : modules.length === 0 ? html`<p>No modules are served.</p>`
        : html`<div class="layout">
            <${ModuleList} modules=${modules} selected=${current.name} />
            <${ModulePanel} key=${current.name} module=${current} apiKey=${apiKey} />
          </div>`}
    </main>
    <footer class="foot">The page calls the public API only: <a href="/modules">GET /modules</a> and <code>${'POST /predict/<module>'}</code>.</footer>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
