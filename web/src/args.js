// A module's form from its argument descriptions (GET /modules `arguments`, what `hub show` prints):
// {name, type, default, help, required}.

const RANGE = /(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)/;
const HALF_OPEN = /\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]/;

/** What input an argument gets: images, texts (one per line), text, bool, number, string, or json. */
export function fieldOf(arg) {
  const type = String(arg.type || '').toLowerCase();
  const field = { ...arg, kind: 'json' };
  if (arg.name === 'images') field.kind = 'images';
  else if (type.startsWith('bool')) field.kind = 'bool';
  else if (type.startsWith('float') || type.startsWith('int')) {
    field.kind = 'number';
    field.integer = type.startsWith('int');
    const range = RANGE.exec(type) || HALF_OPEN.exec(type);
    if (range) [field.min, field.max] = [Number(range[1]), Number(range[2])];
    field.step = field.integer ? 1 : field.max !== undefined && field.max <= 1 ? 0.05 : 0.1;
  } else if (type.includes('list[str]')) field.kind = 'texts';
  else if (type === 'str' && arg.required) field.kind = 'text';
  else if (type === 'str') field.kind = 'string';
  // Accepted so PaddleHub clients keep working, with no effect here: out of the way, in a closed group.
  field.compat = /^accepted for compatibility/i.test(arg.help || '') || arg.name === 'use_gpu';
  return field;
}

/** A module's fields; `images` and text fields first. */
export function fieldsOf(module) {
  return (module.arguments || []).map(fieldOf);
}

export const isImageModule = (module) => (module.arguments || []).some((a) => a.name === 'images');

/** What an argument starts as: the config's predict_args, else the module's default. */
export function initialValue(module, field) {
  const preset = module.predictArgs && module.predictArgs[field.name];
  const value = preset !== undefined ? preset : field.default;
  if (field.kind === 'texts') return Array.isArray(value) ? value.join('\n') : value == null ? '' : String(value);
  if (field.kind === 'text' || field.kind === 'string') return value == null ? '' : String(value);
  if (field.kind === 'bool') return Boolean(value);
  if (field.kind === 'number') return value == null ? '' : String(value);
  if (field.kind === 'json') return value === undefined ? '' : JSON.stringify(value);
  return value;
}

/**
 * The request body: required arguments, and every other one whose value differs from where it started, so the
 * body (and its curl) says only what was chosen. An empty text box leaves its argument out: the server says
 * what is missing. Throws on a value that cannot be sent (a JSON field that is not JSON).
 */
export function bodyOf(module, fields, values, imageCount) {
  const body = {};
  for (const field of fields) {
    const value = values[field.name];
    const initial = initialValue(module, field);
    if (field.kind === 'images') {
      if (imageCount > 0) body.images = new Array(imageCount).fill('');
      continue;
    }
    if (!field.required && value === initial) continue;
    if (field.kind === 'texts') {
      const lines = String(value).split('\n').map((l) => l.trim()).filter((l) => l !== '');
      if (lines.length > 0) body[field.name] = lines;
    } else if (field.kind === 'text') {
      body[field.name] = String(value);
    } else if (field.kind === 'string') {
      if (value !== '') body[field.name] = value;
    } else if (field.kind === 'bool') {
      body[field.name] = Boolean(value);
    } else if (field.kind === 'number') {
      if (value !== '') body[field.name] = Number(value);
    } else if (value !== '') {
      try {
        body[field.name] = JSON.parse(value);
      } catch {
        throw new Error(`${field.name}: not valid JSON`);
      }
    }
  }
  return body;
}

/** Sample texts for the text modules, the module's own example first. */
export function samplesFor(module) {
  const own = [];
  for (const v of Object.values(module.example || {})) {
    if (typeof v === 'string') own.push(v);
    else if (Array.isArray(v)) own.push(...v.filter((x) => typeof x === 'string'));
  }
  const byTask = {
    sentiment_classification: ['这家餐厅的菜很好吃，服务也周到', '这部电影太无聊了，浪费时间'],
    word_segmentation: ['我来到北京清华大学', '他来到了网易杭研大厦'],
    lexical_analysis: ['今天是个好日子', '天气预报说今天要下雨', '李小龙在香港出生', '我在北京天安门广场见到了张三'],
  };
  return [...new Set([...own, ...(byTask[module.task] || ['今天是个好日子'])])].slice(0, 5);
}
