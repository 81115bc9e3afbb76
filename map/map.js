// The map page (/map): Mali's regions, cercles or communes on any date since 1996-11-04, drawn
// as SVG from the API's GeoJSON (each unit's shape on the date: communes are COD-AB's, every
// other unit the union of the communes it holds then). Everything comes from this server's
// /graphql: no script, style, font or tile from anywhere else, so the page works offline.
// Longitude and latitude are drawn as x and y, x scaled by the cosine of Mali's middle
// latitude (17°), which keeps the country's proportions at this scale.

const FIRST_DAY = '1996-11-04';
const KX = Math.cos((17 * Math.PI) / 180);

const FIELDS = 'code name codes { system value } population(year: 2009) computedArea';
const LEVELS = {
  regions: {
    query: `query Map($d: Date) { items: regions(asOf: $d) { ${FIELDS} geometry(simplify: 1500, precision: 3) } }`,
    pick: (data) => data.items,
  },
  cercles: {
    query: `query Map($d: Date) { items: cercles(asOf: $d, first: 200) { nodes { ${FIELDS} geometry(simplify: 800, precision: 3) } } }`,
    pick: (data) => data.items.nodes,
  },
  communes: {
    query: `query Map($d: Date) { items: communes(asOf: $d, first: 703) { nodes { code name population(year: 2009) computedArea geometry(simplify: 300, precision: 3) } } }`,
    pick: (data) => data.items.nodes,
  },
};

const HISTORY = `query History($code: String!, $d: Date) {
  unit(code: $code, asOf: $d) {
    __typename name code
    ... on Cercle { regionHistory { region { name } from until } successors { date cercle { name } } predecessors { date cercle { name } } }
    ... on Commune { regionHistory { region { name } from until } cercle { name } }
    ... on Region { successors { date region { name } } predecessors { date region { name } } }
  }
}`;

const $ = (id) => document.getElementById(id);
const svg = $('map');
const tooltip = $('tooltip');
const panel = $('panel');

async function graphql(query, variables) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

// Days since the first day, and back: the slider's value is a day.
const DAY = 86400000;
const dayOf = (iso) => Math.round((Date.parse(iso) - Date.parse(FIRST_DAY)) / DAY);
const isoOf = (day) => new Date(Date.parse(FIRST_DAY) + day * DAY).toISOString().slice(0, 10);

// A colour of its own for each unit, from its code: neighbours rarely share one.
function colour(code) {
  let hash = 0;
  for (const c of code) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${(hash * 137.508) % 360}, 55%, ${58 + (hash % 3) * 8}%)`;
}

function pathData(geometry) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons
    .flatMap((rings) =>
      rings.map((ring) => 'M' + ring.map(([x, y]) => `${(x * KX).toFixed(4)},${(-y).toFixed(4)}`).join('L') + 'Z'),
    )
    .join('');
}

function code(unit, system) {
  return (unit.codes ?? []).find((c) => c.system === system)?.value;
}

function describe(unit) {
  const lines = [`<strong>${escape(unit.name)}</strong> · ${escape(unit.code)}`];
  const pcode = code(unit, 'OCHA_PCODE');
  if (pcode) lines.push(`OCHA p-code ${escape(pcode)}`);
  if (unit.population != null) lines.push(`population 2009: ${unit.population.toLocaleString('en')}`);
  if (unit.computedArea != null) lines.push(`area (computed): ${Math.round(unit.computedArea).toLocaleString('en')} km²`);
  return lines.join('<br>');
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let current = 0;
async function draw() {
  const request = ++current;
  const date = isoOf(Number($('date').value));
  const level = $('level').value;
  $('date-label').value = date;
  $('status').textContent = 'loading…';
  history.replaceState(null, '', `?date=${date}&level=${level}`);
  const data = await graphql(LEVELS[level].query, { d: date });
  if (request !== current) return;
  const units = LEVELS[level].pick(data);
  const paths = [];
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  let undrawn = 0;
  for (const unit of units) {
    if (!unit.geometry) {
      undrawn += 1;
      continue;
    }
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', pathData(unit.geometry));
    path.setAttribute('class', 'unit');
    path.setAttribute('fill', colour(unit.code));
    path.dataset.code = unit.code;
    path.dataset.name = unit.name;
    path.addEventListener('mousemove', (event) => {
      tooltip.innerHTML = describe(unit);
      tooltip.hidden = false;
      tooltip.style.left = `${event.clientX + 12}px`;
      tooltip.style.top = `${event.clientY + 12}px`;
    });
    path.addEventListener('mouseleave', () => (tooltip.hidden = true));
    path.addEventListener('click', () => select(path, unit, date));
    paths.push(path);
    const polygons = unit.geometry.type === 'Polygon' ? [unit.geometry.coordinates] : unit.geometry.coordinates;
    for (const [x, y] of polygons.flat(2)) {
      minX = Math.min(minX, x * KX);
      maxX = Math.max(maxX, x * KX);
      minY = Math.min(minY, -y);
      maxY = Math.max(maxY, -y);
    }
  }
  svg.replaceChildren(...paths);
  if (paths.length) svg.setAttribute('viewBox', `${minX - 0.2} ${minY - 0.2} ${maxX - minX + 0.4} ${maxY - minY + 0.4}`);
  svg.dataset.units = String(paths.length);
  $('status').textContent =
    `${paths.length} ${level} drawn` + (undrawn ? `; ${undrawn} without a shape (no commune placed in them)` : '');
}

async function select(path, unit, date) {
  svg.querySelectorAll('.selected').forEach((p) => p.classList.remove('selected'));
  path.classList.add('selected');
  const variables = { code: unit.code, d: date };
  const { unit: found } = await graphql(HISTORY, variables);
  const parts = [`<h2>${escape(found.name)} <small>(${found.__typename.toLowerCase()} ${escape(found.code)})</small></h2>`];
  if (found.regionHistory) {
    parts.push('<h3>Its regions over time</h3><ol id="regions">');
    for (const period of found.regionHistory) {
      parts.push(`<li>${escape(period.region.name)} <small>${period.from ?? '…'} – ${period.until ?? 'today'}</small></li>`);
    }
    parts.push('</ol>');
  }
  const successors = (found.successors ?? []).map((l) => `${escape((l.cercle ?? l.region).name)} <small>${l.date}</small>`);
  if (successors.length) parts.push(`<h3>Successors</h3><ol><li>${successors.join('</li><li>')}</li></ol>`);
  const predecessors = (found.predecessors ?? []).map((l) => `${escape((l.cercle ?? l.region).name)} <small>${l.date}</small>`);
  if (predecessors.length) parts.push(`<h3>Predecessors</h3><ol><li>${predecessors.join('</li><li>')}</li></ol>`);
  const question = `# ${found.name}'s history, as the map page asked it\n${HISTORY}\n# variables: ${JSON.stringify(variables)}`;
  parts.push(`<p><a id="graphiql-link" href="/?query=${encodeURIComponent(question)}">The same question in GraphiQL</a></p>`);
  panel.innerHTML = parts.join('');
}

async function start() {
  const params = new URLSearchParams(location.search);
  const today = new Date().toISOString().slice(0, 10);
  const slider = $('date');
  slider.max = String(dayOf(today));
  slider.value = String(dayOf(params.get('date') ?? today));
  if (LEVELS[params.get('level')]) $('level').value = params.get('level');
  let timer;
  slider.addEventListener('input', () => {
    $('date-label').value = isoOf(Number(slider.value));
    clearTimeout(timer);
    timer = setTimeout(draw, 150);
  });
  $('level').addEventListener('change', draw);
  const { country } = await graphql('{ country { shape { attribution } } }');
  $('attribution').textContent = `${country.shape.attribution}. Drawn from this server's own API, offline.`;
  await draw();
}

start().catch((error) => ($('status').textContent = `error: ${error.message}`));
