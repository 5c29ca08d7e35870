// The run as a client would write it: curl and Python requests, PaddleHub's way (base64 images in JSON).

const IMAGE = (i) => `\uE000IMAGE${i}\uE000`;

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A JSON value as a Python literal (True/False/None; JSON strings are valid Python strings). */
function py(value, indent = '') {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return JSON.stringify(value);
  if (typeof value === 'string') {
    const image = /^\uE000IMAGE(\d+)\uE000$/.exec(value);
    return image ? `IMAGE_${image[1]}` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => py(v, indent)).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${py(v, indent)}`).join(', ')}}`;
}

/** body with images replaced by their file names' placeholders. */
function withPlaceholders(body, files) {
  return Array.isArray(body.images) ? { ...body, images: files.map((_, i) => IMAGE(i)) } : body;
}

const fileName = (f, i) => (f && f.name) || `image${i + 1}.jpg`;

export function curlSnippet(origin, module, body, files, withKey) {
  const url = `${origin}/predict/${module}`;
  const auth = withKey ? ' \\\n     -H "Authorization: Bearer $HUB_API_KEY"' : '';
  const json = JSON.stringify(withPlaceholders(body, files));
  if (!Array.isArray(body.images)) {
    return `curl -H 'Content-Type: application/json'${auth} \\\n     -d ${shellQuote(json)} \\\n     ${url}`;
  }
  // Images are too large for a command-line argument: the body is written to curl's stdin.
  const parts = json.split(/\uE000IMAGE\d+\uE000/);
  const lines = [];
  parts.forEach((part, i) => {
    if (part) lines.push(`  printf '%s' ${shellQuote(part)}`);
    if (i < parts.length - 1) lines.push(`  base64 -w0 ${shellQuote(fileName(files[i], i))}`);
  });
  return `{\n${lines.join('\n')}\n} | curl -H 'Content-Type: application/json'${auth} \\\n     --data-binary @- ${url}`;
}

export function pythonSnippet(origin, module, body, files, withKey) {
  const url = `${origin}/predict/${module}`;
  const imports = ['json', 'requests'];
  const pre = [];
  if (Array.isArray(body.images)) {
    imports.unshift('base64');
    pre.push('', 'def b64(path):', '    with open(path, "rb") as f:', '        return base64.b64encode(f.read()).decode()', '');
    files.forEach((f, i) => pre.push(`IMAGE_${i} = b64(${JSON.stringify(fileName(f, i))})`));
  }
  if (withKey) imports.push('os');
  const headers = withKey
    ? '{"Content-type": "application/json", "Authorization": "Bearer " + os.environ["HUB_API_KEY"]}'
    : '{"Content-type": "application/json"}';
  return [
    `import ${imports.sort().join(', ')}`,
    ...pre,
    '',
    `data = ${py(withPlaceholders(body, files))}`,
    `r = requests.post(${JSON.stringify(url)},`,
    `                  headers=${headers},`,
    '                  data=json.dumps(data))',
    'print(r.json()["results"])',
  ].join('\n');
}
