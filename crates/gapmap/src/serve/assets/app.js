"use strict";
// Error capture read by the browser tests: installed before anything else runs.
window.__gapmapErrors = [];
window.addEventListener("error", e => window.__gapmapErrors.push(String(e.message || e)));
window.addEventListener("unhandledrejection", e => window.__gapmapErrors.push("unhandled: " + String(e.reason)));

/* gapmap serve, the planner's page. Plain ES2020, no library. Text enters the page as text nodes
 * only (`el`), never innerHTML; styles through CSSOM only (the server's CSP forbids inline ones). */

/* == dictionary (a key missing in English falls back to French) == */
const I18N = {
  fr: {
    title: "gapmap — carte des formations et besoins de recrutement", lang: "English",
    src: "Source", region: "Région", rule: "Règle de couverture",
    rule_direct: "offre directe", "rule_direct-and-adjacent": "offre directe et voisine",
    demo: "Données de démonstration : chiffres fictifs.", err_close: "Fermer le message", field: "champ",
    err_net: "Le serveur ne répond pas",
    loading: "Chargement…", unknown: "inconnu", py: "pers./an", totals_h: "Chiffres clés de la région",
    k_demand: "Demande", k_covered: "Couverte", k_adjacent: "Voisine (hors couverture)", k_adjacent_in: "dont voisine",
    k_gap: "Écart", k_coverage: "Couverture", k_needs: "{n} besoins",
    note_direct: "« Voisine » : diplômés de formations proches, à reconvertir ; comptés à part, ils restent dans l'écart.",
    "note_direct-and-adjacent": "« Couverte » inclut l'offre voisine (diplômés à reconvertir).",
    map_h: "Carte des écarts", map_intro: "Cliquez sur un département pour filtrer le tableau.",
    map_dep: "{label} ({code}) : filtrer le tableau", map_site: "{name} : {offers} formations, {seats} places",
    map_demand: "{label} : demande {demand}, écart {gap} pers./an, {needs} besoins",
    competence_unfiltered: "Le tableau par compétence ne se filtre pas : choisissez un autre regroupement.",
    seats_at_least: "au moins {n} ({m} formations sans capacité publiée)",
    leg_dep: "Départements", leg_communes: "Communes", leg_sites: "Sites de formation",
    leg_gap: "Demande non couverte (surface selon l'écart, au plus {max} pers./an)",
    table_h: "Écarts entre besoins et formations", axis: "Regrouper par",
    axis_need: "Besoin", axis_rome: "Métier (ROME)", axis_competence: "Compétence", axis_departement: "Département",
    axis_bassin: "Bassin d'emploi", axis_level: "Niveau", axis_buyer: "Recruteur", axis_tag: "Thème",
    s_near: "Autour de la commune (code INSEE)", s_near_ph: "ex. 80021", s_radius: "Rayon (km)",
    filters: "Filtres", f_level_ph: "ex. 3-5", f_rome: "Code ROME", f_rome_ph: "ex. M1810", all: "Tous",
    apply: "Appliquer", reset: "Réinitialiser",
    table_filter: "Filtrer les lignes chargées", table_filter_ph: "code ou libellé",
    caption: "Écarts par {axis}, en personnes par an",
    col_key: "Code", col_label: "Libellé", col_needs: "Besoins", col_demand: "Demande", col_covered: "Couverte",
    col_covered_adjacent: "Voisine", col_gap: "Écart", col_coverage: "Couverture", col_tension: "Difficulté",
    total_row: "Total (filtres appliqués)", no_rows: "Aucune ligne.",
    prev: "Précédent", next: "Suivant", page: "Lignes {from}–{to} sur {count}",
    loaded: "{count} lignes par {axis}", open_need: "Détail du besoin {id}",
    b_small: "effectif faible", b_small_t: "Chiffre fragile : effectif faible ou masqué",
    b_masked: "{n} masqué(s)", b_masked_t: "Volume masqué par l'éditeur, hors des chiffres",
    b_capacity: "capacité ?", b_capacity_t: "{n} besoin(s) à portée de formations de capacité inconnue (écart : {gap})",
    need_h: "Détail du besoin", close_panel: "Fermer le détail",
    n_buyer: "Recruteur", n_location: "Lieu", n_level: "Niveau minimal", n_volume: "Volume publié",
    n_demand: "Demande retenue", n_covered_direct: "Couverte (offre directe)", n_covered_adjacent: "Offre voisine",
    n_covered: "Couverte (retenue)", n_gap: "Écart", n_status: "Diagnostic",
    st_covered: "entièrement couvert", st_masked: "volume masqué par l'éditeur", st_no_volume: "pas de volume à comparer",
    st_no_candidate: "aucune formation à portée n'enseigne ce métier",
    st_adjacent_only: "seules des formations voisines sont à portée (diplômés à reconvertir)",
    st_capacity_unknown: "les formations qui enseignent le métier ne publient pas de capacité",
    st_supply_exhausted: "les diplômés des formations qui enseignent le métier sont tous déjà affectés",
    rome_h: "Fiches ROME", rome_resolved: "Fiches déduites de l'intitulé du poste : à vérifier.", confidence: "confiance {p}",
    untaught_h: "Compétences non enseignées", none: "Aucune.",
    direct_h: "Offre directe", adjacent_h: "Offre voisine",
    c_offer: "Formation", c_school: "Établissement", c_distance: "Distance (km)", c_graduates: "Diplômés / an",
    c_to_need: "Vers ce besoin", c_remaining: "Reste disponible",
    act_extend: "Étendre", act_close: "Fermer", act_t: "Ajouter au scénario : {act} « {label} »",
    search_h: "Recherche", search_mode: "Rechercher parmi", mode_offers: "Formations", mode_resolve: "Métiers",
    mode_competences: "Compétences", search_q: "Texte recherché",
    ph_offers: "ex. aéronautique", ph_resolve: "ex. télépilote de drone", ph_competences: "ex. soudure",
    search_btn: "Rechercher", search_empty: "Saisissez un texte à rechercher.",
    results: "{n} résultat(s) pour « {q} »", no_results: "Aucun résultat.",
    level_n: "niveau {n}", mode_school: "voie scolaire", mode_apprenticeship: "apprentissage",
    seats_n: "{n} places", seats_unknown: "places : inconnu",
    corrected: "(« {w} » n'est ni dans la carte ni dans le ROME : cherché comme « {s} »)",
    "repeats_earlier-year": "année antérieure, non ajoutée", "repeats_course-list": "liste des formations, non ajoutée", "repeats_later-entry": "places des nouveaux élèves seulement", dist_km: "à {d} km", grads: "{n} diplômés/an",
    score: "score {s}", use_rome: "Voir les besoins",
    pick_hint: "Choisissez une formation dans les résultats pour la modification n° {n}.",
    added: "Ajouté au scénario : {act} « {label} »",
    scenario_h: "Scénario : simuler une évolution de l'offre",
    sc_name: "Nom du scénario", sc_default: "Mon scénario",
    add_change: "Ajouter une modification", run: "Lancer la simulation", no_changes: "Ajoutez au moins une modification.",
    kind: "Type", kind_open: "Ouvrir une formation", kind_extend: "Étendre une formation", kind_close: "Fermer une formation",
    offer_id: "Identifiant de l'offre", choose: "Choisir dans la recherche", seats: "Places",
    cfd: "Code CFD (8 caractères)", place: "UAI ou commune (code INSEE)", mode: "Voie", remove: "Supprimer",
    sc_done: "Simulation terminée", result_h: "Résultat : {name}",
    rec_h: "Recommandations : que ouvrir ou étendre ?",
    rec_intro: "Les ouvertures et extensions qui comblent le plus d'écart direct (pondéré par la priorité des recruteurs) par place, sous un budget de places ; chaque action est expliquée.",
    rec_seats: "Budget (places)", rec_ext: "Extensions seulement", rec_go: "Recommander",
    rec_done: "Recommandation calculée", rec_summary: "{n} actions, {seats} places, {euros} € (coûts supposés) : écart direct {before} → {after} pers./an",
    rec_none: "Aucune action ne comble d'écart direct avec ce budget et ces limites.",
    rec_assumptions: "Hypothèses", rec_action: "Action", rec_course: "Formation", rec_school: "Établissement",
    rec_seats_col: "Places", rec_grads: "Diplômés/an", rec_closed: "Écart comblé/an", rec_first: "Premiers diplômés",
    rec_needs: "Besoins servis", rec_why: "Non retenu à la place", rec_open: "ouvrir", rec_extend: "étendre", rec_reduce: "réduire (places vides)", rec_close: "fermer (aucun entrant)",
    before: "Avant", after: "Après", delta: "Variation", pts: "pts",
    changed_needs: "Besoins modifiés", changed_rows: "Lignes modifiées, par {axis}",
    gap_before: "Écart avant", gap_after: "Écart après", covered_before: "Couverte avant", covered_after: "Couverte après",
    no_change: "Aucun changement.",
    footer: "Chiffres en personnes par an ; « inconnu » : donnée manquante (jamais comptée zéro).",
  },
  en: {
    title: "gapmap — training map and recruitment needs", lang: "Français",
    region: "Region", rule: "Coverage rule", rule_direct: "direct supply", "rule_direct-and-adjacent": "direct and adjacent supply",
    demo: "Demo data: fictitious figures.", err_close: "Dismiss", field: "field",
    err_net: "The server does not answer",
    loading: "Loading…", unknown: "unknown", py: "people/yr", totals_h: "Regional headline figures",
    k_demand: "Demand", k_covered: "Covered", k_adjacent: "Adjacent (not counted)", k_adjacent_in: "of which adjacent",
    k_gap: "Gap", k_coverage: "Coverage", k_needs: "{n} needs",
    note_direct: "\"Adjacent\": graduates of related trainings, to retrain; shown apart, they stay in the gap.",
    "note_direct-and-adjacent": "\"Covered\" includes the adjacent supply (graduates to retrain).",
    map_h: "Map of the gaps", map_intro: "Click a département to filter the table.",
    competence_unfiltered: "The competence table cannot be filtered: choose another grouping.",
    seats_at_least: "at least {n} ({m} trainings publish no capacity)",
    leg_dep: "Départements", leg_communes: "Communes",
    map_dep: "{label} ({code}): filter the table", map_site: "{name}: {offers} trainings, {seats} seats",
    map_demand: "{label}: demand {demand}, gap {gap} people/yr, {needs} needs",
    leg_sites: "Training sites", leg_gap: "Uncovered demand (area by gap, at most {max} people/yr)",
    table_h: "Gaps between demand and training", axis: "Group by",
    axis_need: "Need", axis_rome: "Occupation (ROME)", axis_competence: "Competence",
    axis_bassin: "Employment area", axis_level: "Level", axis_buyer: "Buyer", axis_tag: "Tag",
    s_near: "Around the commune (INSEE code)", s_near_ph: "e.g. 80021", s_radius: "Radius (km)",
    filters: "Filters", f_level_ph: "e.g. 3-5", f_rome: "ROME code", f_rome_ph: "e.g. M1810", all: "All",
    apply: "Apply", reset: "Reset",
    table_filter: "Filter the loaded rows", table_filter_ph: "code or label",
    caption: "Gaps by {axis}, in people per year",
    col_label: "Label", col_needs: "Needs", col_demand: "Demand", col_covered: "Covered",
    col_covered_adjacent: "Adjacent", col_gap: "Gap", col_coverage: "Coverage", col_tension: "Difficulty",
    total_row: "Total (filters applied)", no_rows: "No rows.",
    prev: "Previous", next: "Next", page: "Rows {from}–{to} of {count}",
    loaded: "{count} rows by {axis}", open_need: "Detail of need {id}",
    b_small: "small count", b_small_t: "Fragile figure: small or masked count",
    b_masked: "{n} masked", b_masked_t: "Volume masked by the publisher, left out",
    b_capacity: "capacity ?", b_capacity_t: "{n} need(s) within reach of trainings of unknown capacity (gap: {gap})",
    need_h: "Need detail", close_panel: "Close the detail",
    n_buyer: "Buyer", n_location: "Place", n_level: "Minimum level", n_volume: "Published volume",
    n_demand: "Demand used", n_covered_direct: "Covered (direct supply)", n_covered_adjacent: "Adjacent supply",
    n_covered: "Covered (counted)", n_gap: "Gap", n_status: "Diagnosis",
    rome_h: "ROME sheets", rome_resolved: "Sheets inferred from the job title: to be checked.", confidence: "confidence {p}",
    untaught_h: "Competences not taught", none: "None.",
    direct_h: "Direct supply", adjacent_h: "Adjacent supply",
    c_offer: "Training", c_school: "School", c_graduates: "Graduates / yr",
    c_to_need: "To this need", c_remaining: "Still available",
    act_extend: "Extend", act_close: "Close", act_t: "Add to the scenario: {act} \"{label}\"",
    search_h: "Search", search_mode: "Search in", mode_offers: "Trainings", mode_resolve: "Jobs",
    mode_competences: "Competences", search_q: "Search text",
    search_btn: "Search", search_empty: "Type a text to search.",
    results: "{n} result(s) for \"{q}\"", no_results: "No result.",
    level_n: "level {n}", mode_school: "school", mode_apprenticeship: "apprenticeship",
    seats_n: "{n} seats", seats_unknown: "seats: unknown",
    corrected: "(\"{w}\" is in neither the map nor ROME: searched as \"{s}\")",
    "repeats_earlier-year": "earlier year, not added", "repeats_course-list": "course list, not added", "repeats_later-entry": "newcomers' seats only", dist_km: "{d} km away", grads: "{n} graduates/yr",
    use_rome: "Show the needs",
    pick_hint: "Choose a training in the results for change no. {n}.",
    added: "Added to the scenario: {act} \"{label}\"",
    scenario_h: "Scenario: simulate a change of the supply",
    sc_name: "Scenario name", sc_default: "My scenario",
    add_change: "Add a change", run: "Run the simulation", no_changes: "Add at least one change.",
    kind: "Kind", kind_open: "Open a training", kind_extend: "Extend a training", kind_close: "Close a training",
    offer_id: "Offer id", choose: "Choose from search", seats: "Seats",
    cfd: "CFD code (8 characters)", place: "UAI or commune (INSEE code)", mode: "Mode", remove: "Remove",
    sc_done: "Simulation done", result_h: "Result: {name}",
    rec_h: "Recommendations: what to open or extend?",
    rec_intro: "The openings and extensions that close the most direct gap (weighted by buyer priority) per seat, under a seat budget; each action is explained.",
    rec_seats: "Budget (seats)", rec_ext: "Extensions only", rec_go: "Recommend",
    rec_done: "Recommendation computed", rec_summary: "{n} actions, {seats} seats, {euros} € (assumed costs): direct gap {before} → {after} people/yr",
    rec_none: "No action closes any direct gap within this budget and these limits.",
    rec_assumptions: "Assumptions", rec_action: "Action", rec_course: "Course", rec_school: "School",
    rec_seats_col: "Seats", rec_grads: "Graduates/yr", rec_closed: "Gap closed/yr", rec_first: "First graduates",
    rec_needs: "Needs served", rec_why: "Not chosen instead", rec_open: "open", rec_extend: "extend", rec_reduce: "reduce (empty seats)", rec_close: "close (no entrant)",
    before: "Before", after: "After", delta: "Change",
    changed_needs: "Changed needs", changed_rows: "Changed rows, by {axis}",
    gap_before: "Gap before", gap_after: "Gap after", covered_before: "Covered before", covered_after: "Covered after",
    no_change: "No change.",
    footer: "Figures in people per year; \"unknown\": missing data (never counted as zero).",
  },
};

const REGIONS = { 32: "Hauts-de-France" };
const SELECTS = ["departement", "bassin", "buyer", "tag"];  // filters chosen in a list; level and rome are typed
const PAGE = 100;

/* == state == */
const state = {
  lang: "fr", meta: null, map: null, need: null, search: null, whatif: null, recommend: null,
  table: { sort: "gap", order: "desc", offset: 0, data: null, filters: null },
  pickTarget: null,  // the scenario line waiting for an offer chosen in the search
};
const seq = { table: 0, need: 0, search: 0, whatif: 0, recommend: 0 };  // newest request of each kind
let pending = 0;
let lineCount = 0;

/* == helpers == */
const $ = id => document.getElementById(id);
const isNum = v => typeof v === "number" && Number.isFinite(v);
const has = key => key in I18N.fr;

/** Translates `key`, filling {placeholders} from `vars`. */
function t(key, vars) {
  const text = I18N[state.lang][key] ?? I18N.fr[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, k) => (vars[k] != null ? String(vars[k]) : m)) : text;
}

/** Figures: at most 1 decimal, locale grouping; null (never "0") when unknown. */
const fmt = (v, o) => (isNum(v) ? v.toLocaleString(state.lang === "fr" ? "fr-FR" : "en-GB", o) : null);
/** Below 0.05 in size, two significant digits: a small gap never reads "0". */
const tiny = v => isNum(v) && v !== 0 && Math.abs(v) < 0.05;
const fmtNum = (v, digits = 1) => fmt(v, tiny(v) && digits > 0 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: digits });
const fmtInt = v => fmtNum(v, 0);
const fmtPct = v => fmt(v, { style: "percent", maximumFractionDigits: 1 });
const fmtSigned = v => fmt(v, tiny(v) ? { maximumSignificantDigits: 2, signDisplay: "exceptZero" } : { maximumFractionDigits: 1, signDisplay: "exceptZero" });
const orUnknown = s => s ?? t("unknown");

/** An element: props are attributes (dataset, style: objects); kids are nodes or text. */
const el = (tag, props, ...kids) => fill(document.createElement(tag), props, kids);
const svgEl = (tag, props, ...kids) => fill(document.createElementNS("http://www.w3.org/2000/svg", tag), props, kids);
function fill(node, props, kids) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === "dataset" || k === "style") Object.assign(node[k], v);
    else node.setAttribute(k, String(v));
  }
  for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) node.append(kid instanceof Node ? kid : String(kid));
  return node;
}
const clear = node => { node.replaceChildren(); return node; };
const button = (cls, text, props) => el("button", { type: "button", class: cls, ...props }, text);

/** A missing figure: "–" with a title (short), or the word "inconnu". */
const unknownNode = (short = true) => (short ? el("span", { class: "unknown", title: t("unknown"), "aria-label": t("unknown") }, "–")
  : el("span", { class: "unknown" }, t("unknown")));
const numNode = (text, short = true) => text ?? unknownNode(short);
const td = (kids, cls) => el("td", { class: cls }, kids);
const numTd = (v, cls) => td(numNode(fmtNum(v)), "num " + (cls || ""));
const th = (kids, attrs) => el("th", { scope: "col", ...attrs }, kids);
const table = (id, heads, rows) => el("div", { class: "table-wrap short" },
  el("table", { class: "data", id }, el("thead", {}, el("tr", {}, heads)), el("tbody", {}, rows)));

/** Accents and case removed, for the client-side filter. */
const fold = s => String(s ?? "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
const filterLabel = (name, key) => (state.meta?.filters?.[name] || []).find(i => String(i.key) === String(key))?.label;
const axisLabel = axis => (has("axis_" + axis) ? t("axis_" + axis) : axis);
// ": " in English, " : " in French
const colon = () => (state.lang === "fr" ? "\u00a0: " : ": ");
const lc = s => s.charAt(0).toLowerCase() + s.slice(1);  // "Métier (ROME)": "métier (ROME)"

/* == API, errors, busy == */

/** GET/POST /api/v1/<path>, JSON parsed; throws an Error with the server's message and field. */
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch("api/v1/" + path, { ...options, headers: { Accept: "application/json", ...options.headers } });
  } catch (cause) {
    throw new Error(`${t("err_net")} (${cause.message})`);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(body?.message || `HTTP ${response.status}`), { field: body?.field });
  if (body === null) throw new Error(`HTTP ${response.status}: not JSON`);
  return body;
}

/** A failure: banner (role=alert), console, and the field it names marked. */
function reportError(err, source) {
  const message = err?.message || String(err);
  console.error(`gapmap [${source}]: ${message}`);
  clear($("error-message")).append(message, err?.field ? ` (${t("field")}${colon()}${err.field})` : "");
  $("error").hidden = false;
  $("error").dataset.source = source;
  if (source === "whatif") showScenarioError(err);
  else if (source === "recommend") markInvalid({ seats: $("rec-seats"), level: $("rec-level") }[err?.field]);
  else markInvalid(err?.field && (source === "table" ? $("f-" + err.field) : $("s-" + err.field) || (err.field === "q" && $("search-q"))));
}
const setStatus = text => { $("status").textContent = text; };

/** Runs `fn`, reporting a failure under `source` (a success hides its banner); never rejects. */
async function guarded(source, fn) {
  try {
    await fn();
    if ($("error").dataset.source === source) $("error").hidden = true;
  } catch (err) {
    reportError(err, source);
  }
}

/** A user action: data-busy="1" at once, "0" when every action is over. */
function action(source, fn) {
  pending += 1;
  document.body.dataset.busy = "1";
  return guarded(source, fn).finally(() => { if (--pending === 0) document.body.dataset.busy = "0"; });
}

/** Marks one control aria-invalid (and no other). */
function markInvalid(control) {
  document.querySelectorAll("[aria-invalid]").forEach(n => n.removeAttribute("aria-invalid"));
  if (control) control.setAttribute("aria-invalid", "true");
}

/* == language == */

function setLang(lang) {
  state.lang = lang;
  try { localStorage.setItem("gapmap.lang", lang); } catch (_) { /* private mode: not remembered */ }
  applyStaticI18n();
  renderHeader();
  populateControls();
  renderTable();
  renderMap();
  renderNeed();
  renderSearch();
  renderWhatif();
  renderRecommend();
}

/** Translates the static texts: data-i18n (text) and data-i18n-placeholder. */
function applyStaticI18n() {
  document.documentElement.lang = state.lang;
  document.title = t("title");
  document.querySelectorAll("[data-i18n]").forEach(n => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach(n => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  $("lang-switch").lang = state.lang === "fr" ? "en" : "fr";
  $("scenario-name").placeholder = t("sc_default");
  updateSearchMode();
}

/* == header and totals == */

async function loadMeta() {
  state.meta = await api("meta");
  renderHeader();
  populateControls();
}

function renderHeader() {
  const m = state.meta;
  if (!m) return;
  const region = m.region == null ? t("unknown") : REGIONS[m.region] ? `${REGIONS[m.region]} (${m.region})` : m.region;
  $("source-line").textContent = [`${t("src")}${colon()}${m.source}`, `${t("region")}${colon()}${region}`,
    `${t("rule")}${colon()}${t("rule_" + m.coverage_rule)}`, `gapmap ${m.version}`].join(" · ");
  $("demo-banner").hidden = !m.is_demo;
  const total = m.total || {};
  const kpi = (id, label, value, unit, cls) => el("div", { class: "kpi " + (cls || "") }, el("dt", {}, label),
    el("dd", {}, el("span", { id, class: "kpi-value" }, numNode(value, false)), " ", el("span", { class: "unit" }, unit)));
  clear($("totals-list")).append(
    kpi("total-demand", t("k_demand"), fmtNum(total.demand), t("py")),
    kpi("total-covered", t("k_covered"), fmtNum(total.covered), t("py"), "covered"),
    kpi("total-adjacent", t(m.coverage_rule === "direct" ? "k_adjacent" : "k_adjacent_in"), fmtNum(total.covered_adjacent), t("py")),
    kpi("total-gap", t("k_gap"), fmtNum(total.gap), t("py"), "gap"),
    kpi("total-coverage", t("k_coverage"), fmtPct(total.coverage), isNum(m.needs) ? t("k_needs", { n: fmtInt(m.needs) }) : ""));
  $("rule-note").textContent = t("note_" + m.coverage_rule);
}

/* == table controls == */

/** Fills the selects from meta, keeping the choices. */
function populateControls() {
  const axes = (state.meta?.axes || ["rome"]).map(a => ({ key: a, label: axisLabel(a) }));
  fillSelect($("axis"), axes, null, "rome");
  const filters = state.meta?.filters || {};
  for (const name of SELECTS) fillSelect($("f-" + name), filters[name] || [], t("all"));
  fillSelect($("s-departement"), filters.departement || [], t("all"));
  clear($("level-list")).append(...(filters.level || []).map(l => el("option", { value: l.key }, l.label)));
  syncCompetence();
}

/** Rebuilds a select's options (first an empty "all" one when `all` is given). */
function fillSelect(select, items, all, fallback) {
  const previous = select.value || fallback || "";
  clear(select);
  if (all) select.append(el("option", { value: "" }, all));
  for (const { key, label } of items) {
    const k = String(key);
    select.append(el("option", { value: k }, !label || label === k ? k : all ? `${label} (${k})` : label));
  }
  setSelectValue(select, previous);
}

function setSelectValue(select, value) {
  if (value && ![...select.options].some(o => o.value === value)) select.append(el("option", { value }, value));
  select.value = value;
}

/** The competence axis cannot be filtered (the server refuses): filters disabled. */
function syncCompetence() {
  $("filters").disabled = $("axis").value === "competence";
}

function filterQuery() {
  const by = $("axis").value || "rome";
  const params = new URLSearchParams({ by });
  if (by !== "competence") {
    for (const c of document.querySelectorAll("#filters [data-filter]")) {
      const v = c.value.trim();
      if (v) params.set(c.dataset.filter, c.id === "f-rome" ? v.toUpperCase() : v);
    }
  }
  return params;
}

/** Reloads the table, from its first page unless `keepPage`. */
function reloadTable(keepPage) {
  if (!keepPage) state.table.offset = 0;
  return action("table", loadTable);
}

async function loadTable() {
  const mine = ++seq.table;
  const params = filterQuery();
  state.table.filters = params.toString();
  const { sort, order, offset } = state.table;
  Object.entries({ sort, order, limit: PAGE, offset }).forEach(([k, v]) => params.set(k, v));
  setStatus(t("loading"));
  const data = await api("gaps?" + params);
  if (mine !== seq.table) return;  // a newer request superseded this one
  state.table.data = data;
  markInvalid(null);
  renderTable();
  updateMapSelection();
  setStatus(t("loaded", { count: fmtInt(data.count), axis: lc(axisLabel(data.by)) }));
}

/* == gap table == */

/** Columns: Row key, text (ascending first) or figures (a cell). */
const COLUMNS = [
  { key: "key", text: true }, { key: "label", text: true },
  { key: "needs", cell: r => td(numNode(fmtInt(r.needs)), "num") },
  { key: "demand", cell: r => numTd(r.demand) },
  { key: "covered", cell: r => numTd(r.covered) },
  { key: "covered_adjacent", cell: r => numTd(r.covered_adjacent, "muted") },
  { key: "gap", cell: r => numTd(r.gap, r.gap > 0 ? "gap" : "") },
  { key: "coverage", cell: r => td(numNode(fmtPct(r.coverage)), "num") },
  { key: "tension", cell: r => td([numNode(fmtPct(r.tension)), markers(r)], "num") },
];

function renderTable() {
  const data = state.table.data;
  $("gap-caption").textContent = t("caption", { axis: lc(axisLabel(data?.by || $("axis").value)) });
  renderTableHead();
  renderTableBody();
  const foot = clear($("gap-foot"));
  if (data?.total) foot.append(el("tr", {}, el("th", { scope: "row", colspan: 2 }, t("total_row")), COLUMNS.slice(2).map(c => c.cell(data.total))));
  const { offset = 0, count = 0, rows = [] } = data || {};
  $("page-prev").disabled = offset <= 0;
  $("page-next").disabled = offset + rows.length >= count;
  $("page-info").textContent = !count ? "" : t("page", { from: fmtInt(offset + 1), to: fmtInt(offset + rows.length), count: fmtInt(count) });
}

/** Headers: buttons (Enter/Space sort), aria-sort on the sorted one. */
function renderTableHead() {
  const { sort, order } = state.table;
  clear($("gap-head")).append(el("tr", {}, COLUMNS.map(c => {
    const on = sort === c.key;
    return th(button("sort", [t("col_" + c.key), el("span", { class: "arrow", "aria-hidden": "true" }, on ? (order === "asc" ? " ▲" : " ▼") : " ↕")],
      { "data-sort": c.key }), { "aria-sort": on ? (order === "asc" ? "ascending" : "descending") : "none", class: c.text ? null : "num" });
  })));
}

/** The loaded rows the filter box keeps (key or label). */
function renderTableBody() {
  const body = clear($("gap-body"));
  const data = state.table.data;
  if (!data) return;
  const needle = fold($("table-filter").value.trim());
  const rows = data.rows.filter(r => !needle || fold(r.key).includes(needle) || fold(r.label).includes(needle));
  for (const r of rows) {
    body.append(el("tr", { "data-key": r.key }, el("th", { scope: "row" }, data.by === "need" ? needButton(r.key) : r.key),
      td(r.label), COLUMNS.slice(2).map(c => c.cell(r))));
  }
  if (!rows.length) body.append(el("tr", {}, el("td", { colspan: COLUMNS.length, class: "empty" }, t("no_rows"))));
}

const needButton = id => button("open-need link", id, { "data-id": id, "aria-label": t("open_need", { id }) });

/** Reliability markers: small counts, masked needs, unknown capacities. */
function markers(r) {
  const badge = (text, title) => el("span", { class: "badge", title }, text);
  const out = [];
  if (r.small) out.push(badge(t("b_small"), t("b_small_t")));
  if (r.masked_needs > 0) out.push(badge(t("b_masked", { n: r.masked_needs }), t("b_masked_t")));
  if (r.capacity_unknown_needs > 0) {
    out.push(badge(t("b_capacity"), t("b_capacity_t", { n: r.capacity_unknown_needs, gap: orUnknown(fmtNum(r.gap_capacity_unknown)) })));
  }
  return out.length ? el("span", { class: "badges" }, out) : null;
}

/** Same column: the order flips; another: descending first (text: ascending). */
function sortBy(key) {
  const s = state.table;
  if (s.sort === key) s.order = s.order === "asc" ? "desc" : "asc";
  else Object.assign(s, { sort: key, order: COLUMNS.find(c => c.key === key)?.text ? "asc" : "desc" });
  renderTableHead();
  reloadTable();
}

/** Lists the needs of a ROME sheet. */
function showNeedsOf(code) {
  $("f-rome").value = code;
  $("axis").value = "need";
  syncCompetence();
  reloadTable();
  $("table-section").scrollIntoView({ block: "start" });
}

/* == map == */

async function loadMap() {
  state.map = await api("map");
  renderMap();
}

const maxGap = m => Math.max(0, ...(m.demand || []).map(d => (isNum(d.gap) ? d.gap : 0)));

/** Inline SVG: départements (buttons), commune dots, training sites, uncovered demand. */
function renderMap() {
  const m = state.map;
  const max = m ? maxGap(m) : 0;
  clear($("map-legend")).append(el("ul", {}, [["dep", "leg_dep"], ["communes", "leg_communes"], ["site", "leg_sites"], ["demand", "leg_gap"]]
    .map(([cls, key]) => el("li", {}, el("span", { class: "sw sw-" + cls, "aria-hidden": "true" }), t(key, { max: orUnknown(fmtNum(max || null)) })))));
  const box = clear($("map"));
  if (!m) return;
  const s = m.width / 1000;  // sizes below are for a view box 1000 units wide
  const deps = svgEl("g", {});
  const labels = svgEl("g", { class: "dep-labels", "aria-hidden": "true" });
  for (const d of m.departements || []) {
    const name = t("map_dep", { label: d.label, code: d.code });
    deps.append(svgEl("g", { class: "dep", tabindex: 0, role: "button", "aria-pressed": "false", "aria-label": name, "data-code": d.code },
      svgEl("title", {}, name), svgEl("path", { d: d.area || d.path, class: "area" }), svgEl("path", { d: d.path, class: "edge" })));
    if (isNum(d.x) && isNum(d.y)) labels.append(svgEl("text", { x: d.x, y: d.y, "font-size": 22 * s }, d.label));
  }
  const sites = svgEl("g", { class: "sites" });
  for (const p of [...(m.sites || [])].sort((a, b) => b.offers - a.offers)) {
    // Seats: unknown when no offer of the site publishes any; a lower bound when some do not.
    const unknown = p.seats_unknown || 0;
    const seats = unknown >= p.offers ? t("unknown")
      : unknown > 0 ? t("seats_at_least", { n: fmtInt(p.seats), m: fmtInt(unknown) }) : fmtInt(p.seats);
    const title = t("map_site", { name: p.name || p.commune, offers: orUnknown(fmtInt(p.offers)), seats });
    const r = s * (1.5 + 0.9 * Math.sqrt(Math.max(0, p.offers || 0)));
    sites.append(svgEl("circle", { cx: p.x, cy: p.y, r: r.toFixed(2), "data-commune": p.commune }, svgEl("title", {}, title)));
  }
  // Uncovered demand: radius = k * sqrt(gap) (area proportional to the gap), at most 3.5 % of the width.
  const k = max > 0 ? (0.035 * m.width) / Math.sqrt(max) : 0;
  const demand = svgEl("g", { class: "demand" });
  for (const d of (m.demand || []).filter(d => isNum(d.gap) && d.gap > 0).sort((a, b) => b.gap - a.gap)) {
    const title = t("map_demand", { label: d.label || d.place, demand: orUnknown(fmtNum(d.demand)), gap: fmtNum(d.gap), needs: orUnknown(fmtInt(d.needs)) });
    demand.append(svgEl("circle", { cx: d.x, cy: d.y, r: (k * Math.sqrt(d.gap)).toFixed(2), "data-place": d.place }, svgEl("title", {}, title)));
  }
  box.append(svgEl("svg", { viewBox: `0 0 ${m.width} ${m.height}`, class: "map-svg", role: "group", "aria-label": t("map_h") },
    deps, m.points ? svgEl("path", { d: m.points, class: "communes", "stroke-width": 2.5 * s }) : null, labels, sites, demand));
  updateMapSelection();
}

function updateMapSelection() {
  const code = $("f-departement").value;
  document.querySelectorAll("#map .dep").forEach(g => {
    g.classList.toggle("selected", g.dataset.code === code);
    g.setAttribute("aria-pressed", String(g.dataset.code === code));
  });
}

/** A département click filters the table on it; a second click removes the filter. */
function toggleDepartement(code) {
  if ($("axis").value === "competence") {
    setStatus(t("competence_unfiltered"));
    return;
  }
  setSelectValue($("f-departement"), $("f-departement").value === code ? "" : code);
  updateMapSelection();
  reloadTable();
}

/* == need detail == */

function openNeed(id) {
  state.needOpener = document.activeElement;
  $("need-detail").hidden = false;
  clear($("need-body")).append(el("p", { class: "note" }, t("loading")));
  return action("need", async () => {
    const mine = ++seq.need;
    try {
      const data = await api("need?id=" + encodeURIComponent(id));
      if (mine === seq.need) state.need = data;
    } finally {
      if (mine === seq.need) renderNeed();  // on failure: the previous need again, or closed
    }
    if (mine !== seq.need) return;
    setStatus("");
    $("need-detail").scrollIntoView({ block: "start" });
    $("need-detail").focus({ preventScroll: true });
  });
}

const people = v => (isNum(v) ? `${fmtNum(v)} ${t("py")}` : unknownNode(false));

/** The status: in French from the dictionary, else the server's (English) text. */
function statusText(n) {
  const key = "st_" + String(n.status).replace(/-/g, "_");
  return (state.lang === "fr" && has(key) ? t(key) : n.status_text) || n.status || t("unknown");
}

function renderNeed() {
  const n = state.need;
  $("need-detail").hidden = !n;
  const body = clear($("need-body"));
  if (!n) return;
  const figures = [
    ["n_buyer", filterLabel("buyer", n.buyer) || n.buyer || unknownNode(false)],
    ["n_location", n.location_label || n.location || unknownNode(false)],
    ["n_level", n.level == null ? unknownNode(false) : filterLabel("level", n.level) || String(n.level)],
    ["n_volume", people(n.volume)], ["n_demand", people(n.demand)], ["n_covered_direct", people(n.covered_direct)],
    ["n_covered_adjacent", people(n.covered_adjacent)], ["n_covered", people(n.covered)], ["n_gap", people(n.gap), "gap"],
  ];
  const candidates = n.candidates || [];
  body.append(
    el("h3", {}, `${n.specialty} `, el("span", { class: "code" }, n.need)),
    el("p", { class: "need-status", "data-status": n.status }, el("strong", {}, t("n_status") + colon()), statusText(n)),
    el("dl", { class: "figures" }, figures.map(([k, v, cls]) => el("div", { class: cls }, el("dt", {}, t(k)), el("dd", {}, v)))),
    el("div", { class: "blocks" }, romeBlock(n), block(t("untaught_h"),
      (n.untaught_competences || []).map((c, i) => el("li", {}, n.untaught_labels?.[i] || String(c))), "untaught")),
    candidateBlock(t("direct_h"), candidates.filter(c => c.link === "direct"), "need-direct"),
    candidateBlock(t("adjacent_h"), candidates.filter(c => c.link !== "direct"), "need-adjacent"));
}

/** A titled list (or "Aucune."). */
const block = (title, items, id, before) => el("section", {}, el("h4", {}, title), before,
  items.length ? el("ul", { id }, items) : el("p", {}, t("none")));

/** ROME sheets used, with the confidence of those resolved from the job title. */
function romeBlock(n) {
  const res = n.resolutions || [];
  const codes = [...new Set([...(n.rome || []), ...res.map(r => r.rome)])];
  return block(t("rome_h"), codes.map(code => el("li", {}, romeLine({ rome: code, ...res.find(x => x.rome === code) }))),
    "need-rome", n.resolved ? el("p", { class: "note" }, t("rome_resolved")) : null);
}

/** A ROME sheet: code, label(s), confidence, and a button listing its needs. */
const romeLine = r => [el("span", { class: "code" }, r.rome), " ", r.label || "",
  r.sheet_label && r.sheet_label !== r.label ? ` — ${r.sheet_label}` : "",
  isNum(r.confidence) ? ` (${t("confidence", { p: fmtPct(r.confidence) })}) ` : " ", button("use-rome small", t("use_rome"), { "data-rome": r.rome })];

/** "Étendre" / "Fermer": add the offer to the scenario. */
function offerActions(offer, label) {
  const name = label || offer;
  const make = kind => {
    const tip = t("act_t", { act: t("act_" + kind).toLowerCase(), label: name });
    return button("add-change small", t("act_" + kind), { "data-kind": kind, "data-offer": offer, "data-label": name, title: tip, "aria-label": tip });
  };
  return el("span", { class: "actions" }, make("extend"), make("close"));
}

function candidateBlock(title, list, id) {
  const heads = ["c_offer", "c_school", "c_distance", "c_graduates", "c_to_need", "c_remaining"]
    .map((k, i) => th(t(k), { class: i > 1 ? "num" : null }));
  const rows = list.map(c => el("tr", { "data-offer": c.offer }, td([el("span", { title: c.offer }, c.label || c.offer), " ", offerActions(c.offer, c.label)]),
    td(c.school || unknownNode()), numTd(c.distance_km), numTd(c.graduates), numTd(c.to_this_need), numTd(c.offer_remaining)));
  return el("section", {}, el("h4", {}, `${title} (${list.length})`), list.length ? table(id, heads, rows) : el("p", {}, t("none")));
}

/* == search == */

const searchMode = () => document.querySelector("[name=search-mode]:checked")?.value || "offers";

function updateSearchMode() {
  $("search-q").placeholder = t("ph_" + searchMode());
  $("offer-filters").hidden = searchMode() !== "offers";
  const lines = [...$("changes").children];
  const n = lines.indexOf(state.pickTarget) + 1;
  $("pick-hint").hidden = !n;
  $("pick-hint").textContent = n ? t("pick_hint", { n }) : "";
}

function runSearch() {
  const mode = searchMode();
  const params = new URLSearchParams({ q: $("search-q").value.trim() });
  if (mode === "offers") ["departement", "level", "near", "radius"].forEach(k => { const v = $("s-" + k).value.trim(); if (v) params.set(k, v); });
  if (!params.get("q") && !params.get("departement") && !params.get("near")) {
    $("search-count").textContent = t("search_empty");
    return;
  }
  params.set("limit", mode === "offers" ? 20 : 10);
  action("search", async () => {
    const mine = ++seq.search;
    setStatus(t("loading"));
    const data = await api(`${mode}?${params}`);
    if (mine !== seq.search) return;
    markInvalid(null);
    state.search = { mode, data };
    renderSearch();
    setStatus($("search-count").textContent);
  });
}

/** Results: offers (scenario buttons), ROME sheets (their needs) or competences. */
function renderSearch() {
  const list = clear($("search-results"));
  if (!state.search) return;
  const { mode, data } = state.search;
  const items = (mode === "offers" ? data.courses : data.results) || [];
  const fixes = (data.corrections || []).map(c => t("corrected", { w: c.word, s: c.searched })).join(" ");
  $("search-count").textContent = (items.length ? t("results", { n: items.length, q: data.query ?? "" }) : t("no_results")) + (fixes ? " " + fixes : "");
  list.append(...items.map({ offers: courseItem, resolve: romeItem, competences: competenceItem }[mode]));
}

const result = (attrs, main, side) => el("li", { class: "result", ...attrs }, el("div", {}, main), side);

/** A course at a school: its facts, why it ranks there, and its offers (statuses, entry years,
 * sources), each with its scenario actions. */
function courseItem(c) {
  const best = c.variants[0];
  const unknown = c.variants_of_unknown_capacity || 0;
  const seats = isNum(c.seats) ? t("seats_n", { n: fmtInt(c.seats) }) + (unknown ? " + ?" : "") : t("seats_unknown");
  const grads = isNum(c.graduates) && t("grads", { n: fmtNum(c.graduates) }) + (c.variants_of_unknown_graduates ? " + ?" : "");
  const place = c.commune_name || c.commune;
  const facts = [c.school || (place ? `${c.school_code} (${place})` : c.school_code), place && c.school && `${place}${c.departement ? ` (${c.departement})` : ""}`,
    c.level != null && t("level_n", { n: c.level }), c.modes.map(m => has("mode_" + m) ? t("mode_" + m) : m).join(" + "),
    seats, grads, isNum(best.distance_km) && t("dist_km", { d: fmtNum(best.distance_km) })];
  const why = whyText(best);
  const variants = c.variants.length > 1
    ? el("ul", { class: "variants" }, c.variants.map(v => el("li", { "data-offer": v.offer }, variantText(v), " ", offerActions(v.offer, v.label))))
    : offerActions(best.offer, best.label);
  return result({ "data-offer": best.offer }, [el("strong", {}, c.label || best.offer), el("div", {}, facts.filter(Boolean).join(" · ")),
    el("div", { class: "code" }, best.offer, why ? ` · ${why}` : "")], variants);
}

/** A variant of a course: status, source, year, seats, graduates. */
function variantText(v) {
  return [has("mode_" + v.mode) ? t("mode_" + v.mode) : v.mode, v.year ? `${v.source} ${v.year}` : v.source,
    isNum(v.seats) ? t("seats_n", { n: fmtInt(v.seats) }) : t("seats_unknown"),
    isNum(v.graduates) && t("grads", { n: fmtNum(v.graduates) }), `${t("score", { s: fmtNum(v.score, 2) })}`,
    v.repeats && t("repeats_" + v.repeats)].filter(Boolean).join(" · ");
}

/** Why an offer ranks where it does: each word typed with its share of the score, by field. */
function whyText(h) {
  const byWord = new Map();
  for (const p of h.parts || []) {
    const word = p.words.join("/");
    const fields = byWord.get(word) || new Map();
    fields.set(p.field, (fields.get(p.field) || 0) + p.share);
    byWord.set(word, fields);
  }
  return [...byWord].map(([w, f]) => `${w}: ${[...f].map(([k, v]) => `${k} ${fmtNum(v, 2)}`).join(" ")}`).join("; ");
}

const romeItem = r => result({ "data-rome": r.rome }, romeLine(r));

function competenceItem(c) {
  return result({ "data-code": c.code }, [el("span", { class: "code" }, String(c.code)), " ", c.label,
    isNum(c.score) ? ` (${t("score", { s: fmtNum(c.score, 2) })})` : ""]);
}

/* == scenario editor: a line keeps all its fields; CSS shows those of its data-kind == */

/** Adds a change line (labels with data-i18n, translated on a language switch). */
function addChange(kind = "extend") {
  const id = ++lineCount;
  const opts = (keys, prefix) => keys.map(k => el("option", { value: k, "data-i18n": prefix + k }, t(prefix + k)));
  const field = (name, key, control) => {
    Object.assign(control.dataset, { field: name });
    control.id = `ch-${id}-${name}`;
    return el("div", { class: "field f-" + name }, el("label", { for: control.id, "data-i18n": key }, t(key)), control);
  };
  const text = extra => el("input", { type: "text", autocomplete: "off", spellcheck: "false", ...extra });
  const li = el("li", { class: "change-line", "data-kind": kind },
    field("kind", "kind", el("select", {}, opts(["open", "extend", "close"], "kind_"))),
    field("offer", "offer_id", text()),
    button("choose", t("choose"), { "data-i18n": "choose" }),
    field("cfd", "cfd", text({ maxlength: 8 })),
    field("place", "place", text()),
    field("seats", "seats", el("input", { type: "number", min: 1, step: 1 })),
    field("mode", "mode", el("select", {}, opts(["school", "apprenticeship"], "mode_"))),
    button("remove", t("remove"), { "data-i18n": "remove" }),
    el("p", { class: "note offer-label" }));
  li.querySelector("select").value = kind;
  $("changes").append(li);
  return li;
}

/** An offer picked (search, need candidates): completes the waiting line, or adds one. */
function pickOffer(kind, offer, label) {
  const li = state.pickTarget?.isConnected ? state.pickTarget : addChange(kind);
  li.dataset.kind = kind;
  li.querySelector("[data-field=kind]").value = kind;
  li.querySelector("[data-field=offer]").value = offer;
  li.querySelector(".offer-label").textContent = label !== offer ? label : "";
  state.pickTarget = null;
  updateSearchMode();
  setStatus(t("added", { act: t("act_" + kind).toLowerCase(), label }));
}

/** "Choose from search": remembers the line and takes the user to the offer search. */
function chooseFromSearch(li) {
  state.pickTarget = li;
  $("search-mode-offers").checked = true;
  updateSearchMode();
  $("search").scrollIntoView({ block: "start" });
  $("search-q").focus({ preventScroll: true });
}

/** A line as JSON, empty fields left out (the server names what is missing); an opening's
 * place is a UAI (7 digits, 1 letter) or a commune. */
function changePayload(li) {
  const v = name => li.querySelector(`[data-field=${name}]`).value.trim() || undefined;
  const kind = v("kind");
  const seats = v("seats") && Number(v("seats"));
  if (kind !== "open") return { kind, offer: v("offer"), seats: kind === "extend" ? seats : undefined };
  const place = v("place")?.toUpperCase();
  const where = /^\d{7}[A-Z]$/.test(place) ? "uai" : "commune";
  return { kind, cfd: v("cfd")?.toUpperCase(), seats, mode: v("mode"), [where]: place };
}

function runScenario() {
  const lines = [...$("changes").children];
  showScenarioMessage(lines.length ? "" : t("no_changes"));
  if (!lines.length) return;
  const name = $("scenario-name").value.trim() || t("sc_default");
  const body = JSON.stringify({ name, changes: lines.map(changePayload) });
  const by = encodeURIComponent($("axis").value || "rome");  // changed rows along the table's axis
  action("whatif", async () => {
    const mine = ++seq.whatif;
    setStatus(t("loading"));
    const data = await api("whatif?by=" + by, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    if (mine !== seq.whatif) return;
    markInvalid(null);
    state.whatif = data;
    renderWhatif();
    setStatus(t("sc_done"));
  });
}

function showScenarioMessage(text) {
  $("scenario-error").textContent = text;
  $("scenario-error").hidden = !text;
  markInvalid(null);
}

/** A server error beside the form, its control marked: field "changes[1]" and the
 * name quoted in the message ("changes[0]: `seats` is required"). */
function showScenarioError(err) {
  showScenarioMessage(err.field ? `${err.message} (${t("field")}${colon()}${err.field})` : err.message);
  const li = $("changes").children[/^changes\D*(\d+)/.exec(err.field || "")?.[1]];
  const quoted = /`(\w+)`/.exec(err.message)?.[1];
  const named = { uai: "place", commune: "place" }[quoted] || quoted;
  const control = li && (li.querySelector(`[data-field=${named}]`) || li.querySelector("[data-field=kind]"));
  markInvalid(err.field === "name" ? $("scenario-name") : control);
}

/* == scenario result == */

/** A change cell: green when better, red when worse. */
function deltaTd(delta, goodWhenNegative, attrs, text) {
  const cls = !isNum(delta) || delta === 0 ? "" : (delta < 0) === goodWhenNegative ? " better" : " worse";
  return el("td", { class: "num delta" + cls, ...attrs }, text ?? numNode(fmtSigned(delta)));
}

/** BEFORE / AFTER / CHANGE of the totals side by side, then the changed needs and rows. */
function renderWhatif() {
  const w = state.whatif;
  const box = clear($("whatif-result"));
  box.hidden = !w;
  if (!w) return;
  const before = w.total?.before || {};
  const after = w.total?.after || {};
  const diff = k => (isNum(before[k]) && isNum(after[k]) ? after[k] - before[k] : null);
  const gap = diff("gap");
  const cov = diff("coverage");
  const line = (label, k, good, f, attrs, text) => el("tr", {}, el("th", { scope: "row" }, t(label)),
    td(numNode(f(before[k])), "num"), td(numNode(f(after[k])), "num"), deltaTd(diff(k), good, attrs, text));
  box.append(el("h3", {}, t("result_h", { name: w.scenario ?? "" })),
    el("table", { class: "data compare", id: "whatif-totals" },
      el("thead", {}, el("tr", {}, el("td"), ["before", "after", "delta"].map(k => th(t(k), { class: "num" })))),
      el("tbody", {}, line("k_demand", "demand", false, fmtNum), line("k_covered", "covered", false, fmtNum),
        // data-value: the raw number, floating noise rounded off ("-6", not "-5.9999999")
        line("k_gap", "gap", true, fmtNum, { id: "whatif-delta", "data-value": isNum(gap) ? String(Math.round(gap * 1e6) / 1e6) : "" }),
        line("k_coverage", "coverage", false, fmtPct, null, isNum(cov) ? `${fmtSigned(cov * 100)} ${t("pts")}` : unknownNode()))),
    changedTable("whatif-needs", t("changed_needs"), w.needs || [], true),
    changedTable("whatif-rows", t("changed_rows", { axis: lc(axisLabel(w.by)) }), w.rows || [], false));
}

/** The needs (or rows) the scenario changed. */
function changedTable(id, title, items, isNeed) {
  const heads = ["col_key", "col_label", "gap_before", "gap_after", "delta", ...(isNeed ? ["covered_before", "covered_after"] : [])]
    .map((k, i) => th(t(k), { class: i > 1 ? "num" : null }));
  const rows = items.map(r => el("tr", { "data-key": r.key }, el("th", { scope: "row" }, isNeed ? needButton(r.key) : r.key),
    td(r.label ?? ""), numTd(r.gap_before), numTd(r.gap_after), deltaTd(r.delta, true),
    isNeed && [numTd(r.covered_before), numTd(r.covered_after)]));
  return el("section", {}, el("h4", {}, `${title} (${items.length})`), items.length ? table(id, heads, rows) : el("p", {}, t("no_change")));
}

/* == recommendations == */

function runRecommend() {
  const q = new URLSearchParams({ seats: $("rec-seats").value.trim() });
  const level = $("rec-level").value.trim();
  if (level) q.set("level", level);
  if ($("rec-ext").checked) q.set("only_extensions", "true");
  action("recommend", async () => {
    const mine = ++seq.recommend;
    setStatus(t("loading"));
    const data = await api("recommend?" + q.toString());
    if (mine !== seq.recommend) return;
    markInvalid(null);
    state.recommend = data;
    renderRecommend();
    setStatus(t("rec_done"));
  });
}

/** The summary, the assumptions, then one row per action with the needs it serves. */
function renderRecommend() {
  const r = state.recommend;
  const box = clear($("recommend-result"));
  box.hidden = !r;
  if (!r) return;
  box.append(el("p", { id: "rec-summary" }, t("rec_summary", {
    n: r.actions.length, seats: fmtInt(r.seats), euros: fmtInt(r.euros),
    before: fmtNum(r.before.direct_gap), after: fmtNum(r.applied.direct_gap),
  })));
  box.append(el("details", {}, el("summary", {}, t("rec_assumptions")), el("ul", {}, (r.assumptions || []).map(a => el("li", {}, a)))));
  if (!r.actions.length) {
    box.append(el("p", {}, t("rec_none")));
    return;
  }
  const heads = ["rec_action", "rec_course", "rec_school", "rec_seats_col", "rec_grads", "rec_closed", "rec_first", "rec_needs", "rec_why"]
    .map((k, i) => th(t(k), { class: i >= 3 && i <= 6 ? "num" : null }));
  const rows = r.actions.map(a => el("tr", { "data-offer": a.offer },
    td(t("rec_" + a.kind)), td(a.label),
    td(`${a.school_name ?? a.school} (${a.departement})`),
    numTd(a.seats), numTd(a.graduates), numTd(a.closed), numTd(a.first_graduates),
    td(a.needs.map(n => el("div", {}, needButton(n.need), ` ${fmtSigned(-n.closed)} / ${fmtNum(n.gap_before)}`,
      isNum(n.distance_km) ? ` (${fmtInt(n.distance_km)} km)` : ""))),
    td(a.alternative ? `${a.alternative.label} (${a.alternative.school_name ?? "?"}) : ${a.alternative.reason}` : "")));
  box.append(table("rec-table", heads, rows));
}

/* == events == */

function wireEvents() {
  const on = (id, type, fn) => $(id).addEventListener(type, fn);
  const submit = (id, fn) => on(id, "submit", e => { e.preventDefault(); fn(); });
  on("lang-switch", "click", () => setLang(state.lang === "fr" ? "en" : "fr"));
  on("error-close", "click", () => { $("error").hidden = true; });
  on("need-close", "click", () => {
    state.need = null;
    renderNeed();
    // Back to where the need was opened from (keyboard users keep their place).
    if (state.needOpener?.isConnected) state.needOpener.focus();
  });
  // Table: lists apply at once, typed filters on Enter or on leaving a changed box.
  on("axis", "change", () => { syncCompetence(); reloadTable(); });
  SELECTS.forEach(name => on("f-" + name, "change", () => { updateMapSelection(); reloadTable(); }));
  ["f-level", "f-rome"].forEach(id => on(id, "change", () => { if (filterQuery().toString() !== state.table.filters) reloadTable(); }));
  submit("table-controls", reloadTable);
  on("reset-filters", "click", () => {
    document.querySelectorAll("#filters [data-filter], #table-filter").forEach(c => { c.value = ""; });
    updateMapSelection();
    reloadTable();
  });
  on("table-filter", "input", renderTableBody);
  const page = step => { state.table.offset = Math.max(0, (state.table.data?.offset ?? 0) + step); reloadTable(true); };
  on("page-prev", "click", () => page(-PAGE));
  on("page-next", "click", () => page(PAGE));
  // Map: a département is a button (click, Enter, Space).
  on("map", "click", e => { const d = e.target.closest(".dep"); if (d) toggleDepartement(d.dataset.code); });
  on("map", "keydown", e => {
    const d = e.target.closest(".dep");
    if (d && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggleDepartement(d.dataset.code); }
  });
  // Search and scenario.
  submit("search-form", runSearch);
  document.querySelectorAll("[name=search-mode]").forEach(r => r.addEventListener("change", updateSearchMode));
  on("add-change", "click", () => addChange().querySelector("select").focus());
  on("changes", "change", e => {
    if (e.target.dataset.field === "kind") e.target.closest("li").dataset.kind = e.target.value;
    if (e.target.dataset.field === "offer") e.target.closest("li").querySelector(".offer-label").textContent = "";
  });
  submit("scenario-form", runScenario);
  submit("recommend-form", runRecommend);
  // Buttons drawn anywhere, by class.
  document.addEventListener("click", e => {
    const b = e.target.closest("button");
    const c = b?.classList;
    if (!c) return;
    if (c.contains("open-need")) openNeed(b.dataset.id);
    else if (c.contains("add-change")) pickOffer(b.dataset.kind, b.dataset.offer, b.dataset.label);
    else if (c.contains("use-rome")) showNeedsOf(b.dataset.rome);
    else if (c.contains("sort")) sortBy(b.dataset.sort);
    else if (c.contains("choose")) chooseFromSearch(b.closest("li"));
    else if (c.contains("remove")) { b.closest("li").remove(); updateSearchMode(); $("add-change").focus(); }
  });
}

/* == start: meta, map, first table, then data-ready="1" == */

async function init() {
  try { state.lang = localStorage.getItem("gapmap.lang") === "en" ? "en" : "fr"; } catch (_) { /* default French */ }
  wireEvents();
  applyStaticI18n();
  populateControls();
  renderTable();
  await action("init", async () => {
    const map = guarded("map", loadMap);
    await guarded("meta", loadMeta);
    await guarded("table", loadTable);
    await map;
  });
  document.body.dataset.ready = "1";
}

init();
