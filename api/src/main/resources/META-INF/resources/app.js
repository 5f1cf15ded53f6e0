// Smart Meal Planner web client: no build step, no dependencies. The api is this page's origin, or, for a
// page served from elsewhere, ?api=https://api.example.com naming one of the origins listed in the
// config.json next to this page (and the api must list this page's origin in CORS_ORIGINS). The access
// token lives in sessionStorage; live status comes over SSE with a short-lived ticket, because
// EventSource cannot send an Authorization header; when that fails the page polls with If-None-Match.
(function () {
  'use strict';
  let api = null; // '' for this page's origin; set once ?api= is checked
  const $ = (id) => document.getElementById(id);
  const MEALS = ['breakfast', 'lunch', 'dinner', 'snack'];
  const ALLERGIES = ['peanuts', 'tree-nuts', 'milk', 'eggs', 'fish', 'shellfish', 'soy', 'wheat', 'sesame'];
  const FINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
  const FIELDS = {
    email: 'Email', password: 'Password', days: 'Days', meals: 'Meals', diet: 'Diet', allergies: 'Allergies',
    excludeIngredients: 'Exclude ingredients', cuisines: 'Cuisines', caloriesPerDay: 'Calories per day',
    servings: 'Servings', maxPrepMinutes: 'Max prep minutes', notes: 'Notes', body: 'Request',
  };
  const STAGES = {
    planning: 'Planning your menu', 'calling-model': 'Writing your menu', validating: 'Checking your menu',
    saving: 'Saving your menu',
  };

  /** Thrown for an answer nobody waits for any more (the user logged out, or the token expired). */
  class Stale extends Error {}

  // Everything that belongs to the signed-in user; logging out replaces it, and an answer that arrives for
  // an older session is dropped (Stale), so nothing of the previous user comes back on screen.
  let session = newSession(sessionStorage.getItem('token'), sessionStorage.getItem('email'));

  function newSession(token, email) {
    return {
      token, email, aborts: new AbortController(), events: null, pollTimer: null, jobId: null, etag: null,
      submission: null, submitting: false, menuId: null, menusCursor: null, scrolled: false,
    };
  }

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  function checkboxes(container, values, checked) {
    values.forEach((v) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = v;
      box.id = container.id + '-' + v;
      box.defaultChecked = checked.includes(v);
      label.append(box, v);
      container.append(label);
    });
  }

  function selected(container) {
    return [...container.querySelectorAll('input:checked')].map((b) => b.value);
  }

  function words(text) {
    return text.split(',').map((s) => s.trim()).filter(Boolean);
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---- talking to the api ----------------------------------------------------------------------------

  function fieldLabel(field) {
    const base = String(field || '').replace(/\[\d+\]$/, '');
    return FIELDS[base] || base.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
  }

  /** An error in plain words: a headline and, for bad input, one line per field. */
  function problemError(status, problem, statusText) {
    let headline;
    let lines = [];
    if (problem && Array.isArray(problem.errors) && problem.errors.length) {
      headline = problem.title || 'Invalid request';
      lines = problem.errors.map((e) => fieldLabel(e.field) + ': ' + e.message);
    } else if (problem && (problem.detail || problem.title)) {
      headline = problem.detail || problem.title;
    } else if (status === 502 || status === 503 || status === 504) {
      headline = 'The service is not reachable right now (' + status + (statusText ? ' ' + statusText : '') +
        '). Please try again in a moment.';
    } else {
      headline = 'Something went wrong (' + status + (statusText ? ' ' + statusText : '') + '). Please try again.';
    }
    const error = new Error([headline].concat(lines).join(' '));
    error.headline = headline;
    error.lines = lines;
    error.status = status;
    error.problem = problem;
    return error;
  }

  /**
   * One request to the api with the session's token. A 401 on a request that carried a token means it
   * expired: back to sign-in. Anything else not 2xx or 304 is thrown as an error in plain words, whatever
   * the body is (a proxy's HTML page included).
   */
  async function call(method, path, options) {
    const opts = options || {};
    const s = session;
    if (api === null) throw new Error('No api to talk to.');
    const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
    if (s.token) headers.Authorization = 'Bearer ' + s.token;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(api + path, {
        method, headers, signal: s.aborts.signal,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      if (s !== session) throw new Stale();
      const error = new Error('Cannot reach the api at ' + (api || location.origin) + ' (network or CORS).');
      error.status = 0;
      throw error;
    }
    if (s !== session) throw new Stale();
    if (response.status === 401 && s.token) {
      logOut('Your session has expired. Please sign in again.', s.email);
      throw new Stale();
    }
    if (!response.ok && response.status !== 304) {
      const text = await response.text().catch(() => '');
      let problem = null;
      if (/json/.test(response.headers.get('Content-Type') || '')) {
        try {
          problem = JSON.parse(text);
        } catch (e) {
          problem = null;
        }
      }
      const error = problemError(response.status, problem, response.statusText);
      error.retryAfter = response.headers.get('Retry-After');
      throw error;
    }
    return response;
  }

  async function json(method, path, body, headers) {
    const response = await call(method, path, { body, headers });
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch (e) {
      throw problemError(response.status, null, 'not the answer the api gives');
    }
  }

  /** Seconds to wait as an answer's Retry-After says (seconds or an HTTP date), within 1–60 s. */
  function retryAfter(value, fallback) {
    if (!value) return fallback;
    let seconds = Number(value);
    if (!Number.isFinite(seconds)) seconds = (Date.parse(value) - Date.now()) / 1000;
    return Number.isFinite(seconds) ? Math.min(60, Math.max(1, seconds)) : fallback;
  }

  function showError(error) {
    const box = $('error');
    box.replaceChildren();
    if (!error) {
      box.hidden = true;
      return;
    }
    box.append(el('strong', error.headline || error.message || String(error)));
    if (error.lines && error.lines.length) {
      const ul = el('ul');
      error.lines.forEach((line) => ul.append(el('li', line)));
      box.append(ul);
    }
    box.hidden = false;
  }

  function fail(err) {
    if (!(err instanceof Stale)) showError(err);
  }

  function notice(message) {
    $('notice').textContent = message || '';
    $('notice').hidden = !message;
  }

  // ---- signing in and out ----------------------------------------------------------------------------

  function showSignedIn() {
    const token = session.token;
    $('auth-section').hidden = !!token;
    $('request-section').hidden = !token;
    $('logout').hidden = !token;
    $('who').textContent = token ? (session.email || '') : '';
  }

  async function login(email, password) {
    const result = await json('POST', '/api/auth/login', { email, password });
    session = newSession(result.accessToken, email);
    sessionStorage.setItem('token', result.accessToken);
    sessionStorage.setItem('email', email);
    $('password').value = '';
    notice('');
    showSignedIn();
    loadMenus(false);
  }

  $('auth-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    showError(null);
    try {
      await login($('email').value, $('password').value);
    } catch (err) {
      fail(err);
    }
  });

  $('register').addEventListener('click', async () => {
    if (!$('auth-form').reportValidity()) return;
    showError(null);
    try {
      await json('POST', '/api/auth/register', { email: $('email').value, password: $('password').value });
      await login($('email').value, $('password').value);
    } catch (err) {
      fail(err);
    }
  });

  /** Drops the session and everything it put on screen; {@code keepEmail} fills in the sign-in form again. */
  function logOut(message, keepEmail) {
    const old = session;
    old.aborts.abort();
    if (old.events) old.events.close();
    clearTimeout(old.pollTimer);
    sessionStorage.clear();
    session = newSession(null, null);
    $('auth-form').reset();
    $('request-form').reset();
    $('email').value = keepEmail || '';
    $('submit').disabled = false;
    clearStatus();
    clearMenu();
    $('menus-list').replaceChildren();
    $('menus-section').hidden = true;
    $('menus-more').hidden = true;
    showError(null);
    notice(message);
    showSignedIn();
  }

  $('logout').addEventListener('click', () => logOut(''));

  // ---- asking for a menu -----------------------------------------------------------------------------

  function readRequest() {
    const request = {
      days: Number($('days').value),
      meals: selected($('meals')),
      diet: $('diet').value,
      allergies: selected($('allergies')),
      excludeIngredients: words($('exclude').value),
      cuisines: words($('cuisines').value),
      servings: Number($('servings').value) || 2,
    };
    if ($('calories').value) request.caloriesPerDay = Number($('calories').value);
    if ($('max-prep').value) request.maxPrepMinutes = Number($('max-prep').value);
    if ($('notes').value) request.notes = $('notes').value;
    return request;
  }

  // One request at a time; the same request sent again after an answer that settled nothing (no answer,
  // 5xx, 408, 429) carries the same Idempotency-Key, so the api answers it with the job it may already
  // have accepted instead of planning a second menu.
  $('request-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const s = session;
    if (s.submitting) return;
    const request = readRequest();
    const body = JSON.stringify(request);
    if (!s.submission || s.submission.body !== body) s.submission = { body, key: newKey() };
    s.submitting = true;
    $('submit').disabled = true;
    showError(null);
    try {
      const status = await json('POST', '/api/menus', request, { 'Idempotency-Key': s.submission.key });
      s.submission = null;
      clearMenu();
      watch(status);
    } catch (err) {
      if (err instanceof Stale) return;
      if (err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) s.submission = null;
      showError(err);
      const active = err.problem && err.problem.activeJobId;
      if (err.status === 409 && active && active !== s.jobId) {
        json('GET', '/api/jobs/' + active).then((status) => watch(status)).catch(fail);
      }
    } finally {
      if (s === session) {
        s.submitting = false;
        $('submit').disabled = false;
      }
    }
  });

  $('cancel').addEventListener('click', async () => {
    const s = session;
    if (!s.jobId) return;
    try {
      const status = await json('DELETE', '/api/jobs/' + s.jobId);
      stopWatching(s);
      showStatus(status);
      finished(status);
    } catch (err) {
      fail(err);
    }
  });

  // ---- following a job -------------------------------------------------------------------------------

  function ordinal(n) {
    const tens = n % 100;
    const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th');
    return n + suffix;
  }

  function wait(seconds) {
    if (seconds < 45) return 'under a minute';
    const minutes = Math.round(seconds / 60);
    return 'about ' + minutes + ' min';
  }

  function statusWords(s) {
    switch (s.status) {
      case 'QUEUED': {
        if (s.nextAttemptAt) return 'Waiting to try again';
        const parts = [];
        if (s.queuePosition) parts.push(ordinal(s.queuePosition) + ' in line');
        if (s.etaSeconds !== null && s.etaSeconds !== undefined) parts.push(wait(s.etaSeconds));
        return 'Queued' + (parts.length ? ' (' + parts.join(', ') + ')' : '');
      }
      case 'RUNNING':
        if (s.daysTotal > 0 && s.daysReady < s.daysTotal && (s.stage === 'calling-model' || s.daysReady > 0)) {
          return 'Writing day ' + (s.daysReady + 1) + ' of ' + s.daysTotal;
        }
        return STAGES[s.stage] || 'Working on your menu';
      case 'SUCCEEDED':
        return 'Ready';
      case 'FAILED':
        return 'Failed';
      case 'CANCELLED':
        return 'Cancelled';
      default:
        return String(s.status);
    }
  }

  function showStatus(status) {
    $('status-section').hidden = false;
    $('status').textContent = statusWords(status);
    $('progress').value = status.progress || 0;
    $('cancel').hidden = FINAL.includes(status.status);
    if (status.status === 'FAILED') {
      showError({ headline: 'We could not plan this menu' + (status.error ? ': ' + status.error.message : '.') });
    }
  }

  function clearStatus() {
    $('status-section').hidden = true;
    $('status').textContent = '–';
    $('progress').value = 0;
    $('cancel').hidden = true;
    $('live-note').hidden = true;
    $('live-note').textContent = '';
  }

  function stopWatching(s) {
    if (s.events) s.events.close();
    s.events = null;
    clearTimeout(s.pollTimer);
    s.pollTimer = null;
  }

  async function watch(status) {
    const s = session;
    stopWatching(s);
    s.jobId = status.jobId;
    s.etag = null;
    s.scrolled = false;
    sessionStorage.setItem('job', status.jobId);
    $('live-note').hidden = true;
    showStatus(status);
    if (FINAL.includes(status.status)) {
      finished(status);
      return;
    }
    let ticket;
    try {
      ticket = await json('POST', '/api/jobs/' + status.jobId + '/events-ticket');
    } catch (err) {
      if (!(err instanceof Stale)) fallBack(s, status.jobId, 'Live updates are not available (' + err.message + ')');
      return;
    }
    if (s === session && s.jobId === status.jobId) stream(s, status.jobId, ticket.ticket);
  }

  function stream(s, jobId, ticket) {
    const source = new EventSource(api + '/api/jobs/' + jobId + '/events?ticket=' + encodeURIComponent(ticket));
    s.events = source;
    let errors = 0;
    source.addEventListener('day', (event) => {
      errors = 0;
      showDay(JSON.parse(event.data));
    });
    source.addEventListener('status', (event) => {
      errors = 0;
      const status = JSON.parse(event.data);
      showStatus(status);
      if (FINAL.includes(status.status)) {
        stopWatching(s);
        finished(status);
      }
    });
    // EventSource reconnects by itself after a dropped connection; a refused one (an expired ticket, a
    // proxy's error page) closes it, and a connection that keeps failing is no better: poll instead
    source.onerror = () => {
      if (s !== session || s.events !== source) return;
      errors++;
      if (source.readyState === EventSource.CLOSED || errors >= 3) {
        stopWatching(s);
        fallBack(s, jobId, 'The live connection was lost');
      }
    };
  }

  function fallBack(s, jobId, why) {
    if (s !== session || s.jobId !== jobId) return;
    $('live-note').textContent = why + '. Checking for updates every few seconds instead.';
    $('live-note').hidden = false;
    poll(s, jobId);
  }

  async function poll(s, jobId) {
    if (s !== session || s.jobId !== jobId) return;
    let seconds = 2;
    try {
      const response = await call('GET', '/api/jobs/' + jobId, { headers: s.etag ? { 'If-None-Match': s.etag } : {} });
      seconds = retryAfter(response.headers.get('Retry-After'), 2);
      if (response.status !== 304) {
        s.etag = response.headers.get('ETag');
        const status = await response.json();
        showStatus(status);
        if (FINAL.includes(status.status)) {
          finished(status);
          return;
        }
      }
    } catch (err) {
      if (err instanceof Stale) return;
      seconds = retryAfter(err.retryAfter, 5);
      $('live-note').textContent = 'Checking for updates failed (' + err.message + '); trying again in ' +
        Math.round(seconds) + ' s.';
    }
    if (s === session && s.jobId === jobId) s.pollTimer = setTimeout(() => poll(s, jobId), seconds * 1000);
  }

  async function finished(status) {
    sessionStorage.removeItem('job');
    if (status.status === 'SUCCEEDED' && status.menuId) {
      await openMenu(status.menuId);
      loadMenus(false);
    }
  }

  // ---- showing a menu --------------------------------------------------------------------------------

  function amount(quantity, unit) {
    const q = quantity >= 10 ? Math.round(quantity) : Math.round(quantity * 10) / 10;
    return (q || quantity) + ' ' + unit;
  }

  function capitalized(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // markFilled: in a model's menu, say which days had to come from the catalog
  function renderDay(day, markFilled) {
    const d = el('div', undefined, 'day');
    d.dataset.day = String(day.day);
    d.append(el('h3', 'Day ' + day.day + (markFilled && day.source === 'catalog' ? ' (from the recipe catalog)' : '')));
    day.meals.forEach((meal) => {
      const recipe = meal.recipe;
      const m = el('div', undefined, 'meal');
      m.append(el('h4', capitalized(meal.type) + ': ' + recipe.name));
      m.append(el('div', recipe.cuisine + ' · ' + recipe.prepMinutes + ' min · ' +
        recipe.nutrition.calories + ' kcal per serving', 'meta'));
      m.append(el('div', recipe.ingredients.map((i) => i.text || (amount(i.quantity, i.unit) + ' ' + i.name)).join(', '), 'meta'));
      if (recipe.steps && recipe.steps.length) {
        const details = el('details', undefined, 'steps');
        details.append(el('summary', 'How to make it (' + recipe.steps.length + ' steps)'));
        const ol = el('ol');
        recipe.steps.forEach((step) => ol.append(el('li', step)));
        details.append(ol);
        m.append(details);
      }
      d.append(m);
    });
    d.append(el('div', 'Day total per person: ' + day.totals.calories + ' kcal, ' + day.totals.proteinG +
      ' g protein, ' + day.totals.carbsG + ' g carbs, ' + day.totals.fatG + ' g fat', 'totals'));
    return d;
  }

  function clearMenu() {
    session.menuId = null;
    $('menu-section').hidden = true;
    $('menu-meta').textContent = '';
    $('exports').hidden = true;
    $('warnings').replaceChildren();
    $('days-view').replaceChildren();
    $('shopping-list').replaceChildren();
    $('shopping-section').hidden = true;
  }

  function scrollToMenu() {
    if (session.scrolled) return;
    session.scrolled = true;
    $('menu-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  // a day that arrived while the menu is being written: shown in its place, replacing an earlier version
  function showDay(day) {
    if ($('menu-section').hidden) {
      clearMenu();
      $('menu-section').hidden = false;
      $('menu-meta').textContent = 'Writing your menu… each day appears as soon as it is written.';
    }
    const view = $('days-view');
    const existing = view.querySelector('[data-day="' + day.day + '"]');
    const next = [...view.children].find((c) => Number(c.dataset.day) > day.day);
    const element = renderDay(day, true);
    if (existing) existing.replaceWith(element);
    else view.insertBefore(element, next || null);
    scrollToMenu();
  }

  function renderShoppingList(items) {
    const groups = new Map();
    items.forEach((item) => {
      const group = item.pantry ? 'Check the pantry' : capitalized(item.category);
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(item);
    });
    const shopping = $('shopping-list');
    shopping.replaceChildren();
    // pantry staples come last whatever order the categories arrive in
    [...groups.keys()].sort((a, b) => (a === 'Check the pantry') - (b === 'Check the pantry')).forEach((group) => {
      const c = el('div', undefined, 'category');
      c.append(el('h3', group));
      const ul = el('ul');
      groups.get(group).forEach((i) => {
        const li = el('li', i.text || amount(i.quantity, i.unit) + ' ' + i.name);
        if (i.days && i.days.length) li.append(el('span', ' · day' + (i.days.length > 1 ? 's ' : ' ') + i.days.join(', '), 'days'));
        ul.append(li);
      });
      c.append(ul);
      shopping.append(c);
    });
    $('shopping-section').hidden = items.length === 0;
  }

  function renderMenu(menu) {
    session.menuId = menu.id;
    $('menu-section').hidden = false;
    const r = menu.request;
    $('menu-meta').textContent = r.days + ' day' + (r.days > 1 ? 's' : '') + ' · ' + r.diet + ' · ' + r.servings +
      ' serving' + (r.servings > 1 ? 's' : '') + ' · ' +
      (menu.source === 'llm' ? 'written by ' + (menu.model || 'a language model') : 'from the recipe catalog');
    $('exports').hidden = false;
    $('warnings').replaceChildren(...(menu.warnings || []).map((w) => el('li', w)));
    $('days-view').replaceChildren(...menu.days.map((day) => renderDay(day, menu.source === 'llm')));
    renderShoppingList(menu.shoppingList || []);
  }

  async function openMenu(id) {
    const s = session;
    try {
      const menu = await json('GET', '/api/menus/' + id);
      if (s !== session) return;
      renderMenu(menu);
      sessionStorage.setItem('menu', id);
      scrollToMenu();
    } catch (err) {
      if (err.status === 404) sessionStorage.removeItem('menu');
      fail(err);
    }
  }

  // ---- exports and printing --------------------------------------------------------------------------

  function filenameOf(disposition) {
    const match = /filename="?([^";]+)"?/.exec(disposition || '');
    return match ? match[1] : null;
  }

  async function download(path, accept, fallbackName) {
    const s = session;
    if (!s.menuId) return;
    try {
      const response = await call('GET', path.replace('{id}', s.menuId), { headers: { Accept: accept } });
      const blob = await response.blob();
      const link = el('a');
      link.href = URL.createObjectURL(blob);
      link.download = filenameOf(response.headers.get('Content-Disposition')) || fallbackName;
      document.body.append(link);
      link.click();
      link.remove();
      // the browser reads the blob after this handler returns: release it a little later
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    } catch (err) {
      fail(err);
    }
  }

  $('export-markdown').addEventListener('click', () => download('/api/menus/{id}', 'text/markdown', 'menu.md'));
  $('export-csv').addEventListener('click', () => download('/api/menus/{id}/shopping-list', 'text/csv', 'shopping-list.csv'));
  $('export-text').addEventListener('click', () => download('/api/menus/{id}/shopping-list', 'text/plain', 'shopping-list.txt'));
  $('print').addEventListener('click', () => window.print());

  // a printed menu shows every recipe's steps; the screen keeps them folded as they were
  let folded = [];
  window.addEventListener('beforeprint', () => {
    folded = [...document.querySelectorAll('#days-view details:not([open])')];
    folded.forEach((d) => { d.open = true; });
  });
  window.addEventListener('afterprint', () => {
    folded.forEach((d) => { d.open = false; });
    folded = [];
  });

  // ---- my menus --------------------------------------------------------------------------------------

  function summaryText(m) {
    const r = m.request;
    return new Date(m.createdAt).toLocaleString() + ' · ' + r.days + ' day' + (r.days > 1 ? 's' : '') + ' · ' +
      r.meals.join(', ') + ' · ' + r.diet + (m.source === 'llm' ? ' · written by ' + (m.model || 'a model') : '');
  }

  function menuRow(m) {
    const li = el('li');
    li.dataset.menuId = m.id;
    const open = el('button', 'Open', 'open');
    open.type = 'button';
    open.addEventListener('click', () => {
      session.scrolled = false;
      openMenu(m.id);
    });
    const remove = el('button', 'Delete', 'delete');
    remove.type = 'button';
    remove.addEventListener('click', () => deleteMenu(m, li));
    const actions = el('span', undefined, 'actions');
    actions.append(open, remove);
    li.append(el('span', summaryText(m), 'summary'), actions);
    return li;
  }

  async function loadMenus(more) {
    const s = session;
    const cursor = more && s.menusCursor ? '&cursor=' + encodeURIComponent(s.menusCursor) : '';
    try {
      const page = await json('GET', '/api/menus?limit=10' + cursor);
      if (s !== session) return;
      if (!more) $('menus-list').replaceChildren();
      page.items.forEach((m) => $('menus-list').append(menuRow(m)));
      s.menusCursor = page.nextCursor;
      $('menus-more').hidden = !page.nextCursor;
      $('menus-empty').hidden = $('menus-list').children.length > 0;
      $('menus-section').hidden = false;
    } catch (err) {
      fail(err);
    }
  }

  async function deleteMenu(m, row) {
    if (!window.confirm('Delete the menu of ' + new Date(m.createdAt).toLocaleString() + '?')) return;
    try {
      await call('DELETE', '/api/menus/' + m.id);
      row.remove();
      $('menus-empty').hidden = $('menus-list').children.length > 0;
      if (session.menuId === m.id) {
        clearMenu();
        sessionStorage.removeItem('menu');
      }
    } catch (err) {
      fail(err);
    }
  }

  $('menus-more').addEventListener('click', () => loadMenus(true));

  // ---- start -----------------------------------------------------------------------------------------

  // The origins this page may send credentials to: its own, and those its config.json lists. A link's
  // ?api= can only pick one of them: any other would receive the password or the token.
  async function configuredApiOrigins() {
    try {
      const response = await fetch('config.json', { cache: 'no-store' });
      const config = response.ok ? await response.json() : {};
      return Array.isArray(config.apiOrigins) ? config.apiOrigins : [];
    } catch (e) {
      return [];
    }
  }

  async function chooseApi() {
    const wanted = new URLSearchParams(location.search).get('api');
    if (!wanted) return '';
    let origin;
    try {
      origin = new URL(wanted).origin;
    } catch (e) {
      return null;
    }
    if (origin === location.origin) return '';
    return (await configuredApiOrigins()).includes(origin) ? origin : null;
  }

  /** After a reload: the job that was running, or else the menu that was open. */
  async function resume() {
    const job = sessionStorage.getItem('job');
    const menu = sessionStorage.getItem('menu');
    try {
      if (job) watch(await json('GET', '/api/jobs/' + job));
      else if (menu) await openMenu(menu);
    } catch (err) {
      sessionStorage.removeItem('job');
      fail(err);
    }
  }

  checkboxes($('meals'), MEALS, ['breakfast', 'lunch', 'dinner']);
  checkboxes($('allergies'), ALLERGIES, []);
  chooseApi().then((chosen) => {
    api = chosen;
    if (api === null) {
      $('auth-section').hidden = true;
      $('request-section').hidden = true;
      showError('This page does not talk to the api the link names: only to its own origin and to those ' +
        'listed in its config.json.');
      return;
    }
    showSignedIn();
    if (session.token) {
      loadMenus(false);
      resume();
    }
  });
})();
