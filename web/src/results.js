import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { LAC_TAGS, tagInfo } from './tags.js';

// How each kind of result looks. The kind is read from the result's shape, not the module's name, so a module
// added later in one of these formats is drawn too; anything else is shown as JSON.

export function kindOf(results) {
  if (!Array.isArray(results)) return 'json';
  if (results.length > 0 && results.every((r) => typeof r === 'string')) return 'words';
  const first = results[0];
  if (!first || typeof first !== 'object') return 'json';
  if (Array.isArray(first.word)) return 'lac';
  if ('positive_probs' in first && 'negative_probs' in first) return 'sentiment';
  if (Array.isArray(first.data)) return 'vision';
  if (Object.values(first).length > 0 && Object.values(first).every((v) => typeof v === 'number')) return 'classes';
  return 'json';
}

const pct = (p) => `${(p * 100).toFixed(p >= 0.995 || p < 0.1 ? 1 : 0)}%`;
const conf = (c) => (typeof c === 'number' ? c.toFixed(3) : '');

// ---- text

function Legend({ tags }) {
  return html`<ul class="legend" aria-label="Tags in this result">
    ${tags.map((t) => { const info = tagInfo(t); return html`<li><span class=${`tag g-${info.group}`}>${t}</span> ${info.meaning}</li>`; })}
  </ul>`;
}

export function LacResult({ results, texts }) {
  const present = [...new Set(results.flatMap((r) => r.tag || []))].filter((t) => t !== '');
  return html`<div class="lac">
    ${results.map((r, i) => html`<div class="sentence">
      ${texts[i] !== undefined && results.length > 1 ? html`<p class="source">${texts[i]}</p>` : null}
      <ol class="tokens" aria-label=${`Words of text ${i + 1}`}>
        ${r.word.map((w, j) => {
          const tag = r.tag ? r.tag[j] : undefined;
          const info = tag !== undefined ? tagInfo(tag) : undefined;
          return html`<li class=${`tok ${info ? `g-${info.group}` : 'g-none'}`} data-tag=${tag} title=${info ? `${tag}: ${info.meaning}` : undefined}>
            <span class="w">${w || '∅'}</span>${info ? html`<span class="t"><span class="sr">, tag </span>${tag}</span>` : null}
          </li>`;
        })}
      </ol>
    </div>`)}
    ${present.length > 0 ? html`<${Legend} tags=${present} />
    <details class="all-tags"><summary>All LAC tags</summary><${Legend} tags=${LAC_TAGS.map(([t]) => t)} /></details>` : null}
  </div>`;
}

export function WordsResult({ results }) {
  return html`<ol class="chips" aria-label=${`${results.length} words`}>${results.map((w) => html`<li>${w}</li>`)}</ol>`;
}

export function SentimentResult({ results }) {
  return html`<ul class="senti">${results.map((r) => html`<li>
    <p class="source">${r.text}</p>
    <p class="verdict"><strong>${r.sentiment_key || r.sentiment_label}</strong> (positive ${pct(r.positive_probs)}, negative ${pct(r.negative_probs)})</p>
    <div class="bar" role="img" aria-label=${`positive ${pct(r.positive_probs)}, negative ${pct(r.negative_probs)}`}>
      <span class="pos" style=${{ width: `${r.positive_probs * 100}%` }}></span><span class="neg" style=${{ width: `${r.negative_probs * 100}%` }}></span>
    </div>
    <div class="bar-keys" aria-hidden="true"><span>positive</span><span>negative</span></div>
  </li>`)}</ul>`;
}

export function ClassesResult({ results, names }) {
  return html`<div class="classes">${results.map((r, i) => html`<div>
    <h4>${names[i] || `image ${i + 1}`}</h4>
    <table><thead><tr><th scope="col">class</th><th scope="col">probability</th></tr></thead>
    <tbody>${Object.entries(r).sort((a, b) => b[1] - a[1]).map(([k, v]) => html`<tr><td>${k}</td><td>
      <span class="pbar"><span style=${{ width: `${v * 100}%` }}></span></span> ${conf(v)}</td></tr>`)}</tbody></table>
  </div>`)}</div>`;
}

export function JsonResult({ results }) {
  return html`<pre class="json">${JSON.stringify(results, null, 2)}</pre>`;
}

// ---- images

/** Boxes, faces and OCR lines as one shape: a label, a confidence, a box or a polygon. */
export function visionItems(result) {
  return (result.data || []).map((d, index) => {
    if (Array.isArray(d.text_box_position)) {
      return { index, label: d.text, confidence: d.confidence, points: d.text_box_position, where: d.text_box_position.map((p) => p.join(',')).join(' ') };
    }
    if (typeof d.left === 'number') {
      const box = [d.left, d.top, d.right, d.bottom];
      return { index, label: d.label ?? 'face', confidence: d.confidence, box, where: box.map((v) => Math.round(v)).join(', ') };
    }
    return { index, label: JSON.stringify(d), confidence: typeof d.confidence === 'number' ? d.confidence : 1, where: '' };
  });
}

/** Dark enough for white label text (contrast over 4.5:1); labels get them in order of first appearance. */
const PALETTE = ['#c2185b', '#0b57d0', '#a14d00', '#00734a', '#7b3fc4', '#b3261e', '#006a78', '#5f6300'];

/** Width of a label in SVG units, near enough to size its background. */
const textWidth = (text, size) => [...text].reduce((w, ch) => w + (ch.codePointAt(0) > 0x2e80 ? 1 : 0.62), 0) * size;

function Shape({ item, width, ocr, colour: labelColour }) {
  const stroke = Math.max(2, width / 300);
  const size = Math.max(12, Math.round(width / 45));
  const colour = ocr ? PALETTE[0] : labelColour;
  const label = ocr ? `${item.label} ${conf(item.confidence)}` : `${item.label} ${pct(item.confidence)}`;
  const [x, y] = item.box ? [item.box[0], item.box[1]] : item.points ? [Math.min(...item.points.map((p) => p[0])), Math.min(...item.points.map((p) => p[1]))] : [0, 0];
  const ly = y - size - 4 >= 0 ? y - size - 4 : y + stroke;
  return html`<g class="shape" data-label=${item.label}>
    ${item.box ? html`<rect x=${item.box[0]} y=${item.box[1]} width=${item.box[2] - item.box[0]} height=${item.box[3] - item.box[1]} fill="none" stroke=${colour} stroke-width=${stroke} />` : null}
    ${item.points ? html`<polygon points=${item.points.map((p) => p.join(',')).join(' ')} fill=${colour} fill-opacity="0.12" stroke=${colour} stroke-width=${stroke} />` : null}
    <rect x=${x} y=${ly} width=${textWidth(label, size) + 8} height=${size + 4} fill=${colour} />
    <text x=${x + 4} y=${ly + size - 1} font-size=${size} fill="#fff" font-family="system-ui, sans-serif">${label}</text>
  </g>`;
}

function Stage({ image, items, ocr, colours }) {
  const [size, setSize] = useState(image.width ? { w: image.width, h: image.height } : undefined);
  const shown = items.filter((i) => i.shown);
  return html`<div class="frame">
    <img src=${image.url} alt=${`Uploaded image: ${image.name}`} onLoad=${(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })} />
    ${size ? html`<svg class="overlay" viewBox=${`0 0 ${size.w} ${size.h}`} preserveAspectRatio="none" role="img"
        aria-label=${shown.length ? `${shown.length} shown: ${shown.map((i) => `${i.label} ${conf(i.confidence)}`).join('; ')}` : 'nothing shown'}>
      ${shown.map((item) => html`<${Shape} key=${item.index} item=${item} width=${size.w} ocr=${ocr} colour=${colours.get(item.label)} />`)}
    </svg>` : null}
  </div>`;
}

export function VisionResult({ results, images, threshold }) {
  return html`<div class="vision">${results.map((result, i) => {
    const image = images[i];
    const items = visionItems(result).map((item) => ({ ...item, shown: !(item.confidence < threshold) }));
    const ocr = items.some((item) => item.points);
    const colours = new Map([...new Set(items.map((item) => item.label))].map((label, k) => [label, PALETTE[k % PALETTE.length]]));
    const shownCount = items.filter((item) => item.shown).length;
    return html`<section class="image-result" aria-label=${`Result for ${image ? image.name : `image ${i + 1}`}`}>
      ${image ? html`<${Stage} image=${image} items=${items} ocr=${ocr} colours=${colours} />` : null}
      <p class="count">${items.length === 0 ? 'Nothing found.' : `${shownCount} of ${items.length} shown`}</p>
      ${items.length > 0 ? html`<div class="table-wrap"><table class="results-table">
        <thead><tr><th scope="col">#</th><th scope="col">${ocr ? 'text' : 'label'}</th><th scope="col">confidence</th><th scope="col">${ocr ? 'polygon' : 'box (left, top, right, bottom)'}</th></tr></thead>
        <tbody>${items.map((item) => html`<tr class=${item.shown ? '' : 'filtered'} hidden=${!item.shown}>
          <td>${item.index + 1}</td><td class="label">${item.label}</td><td>${conf(item.confidence)}</td><td class="where">${item.where}</td></tr>`)}</tbody>
      </table></div>` : null}
      ${result.image ? html`<details><summary>Drawn by the server (visualization)</summary><img class="server-drawn" src=${`data:image/jpeg;base64,${result.image}`} alt="The server's drawing of the result" /></details>` : null}
    </section>`;
  })}</div>`;
}
