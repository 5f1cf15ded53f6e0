// Smart Meal Planner web client: no build step, no dependencies. The api is this page's origin, or, for a
// page served from elsewhere, ?api=https://api.example.com naming one of the origins listed in the
// config.json next to this page (and the api must list this page's origin in CORS_ORIGINS). The access
// token lives in sessionStorage; live status comes over SSE with a short-lived ticket, because
// EventSource cannot send an Authorization header.
(function () {
  'use strict';
  let api = null; // '' for this page's origin; set once ?api= is checked
  const $ = (id) => document.getElementById(id);
  const MEALS = ['breakfast', 'lunch', 'dinner', 'snack'];
  const ALLERGIES = ['peanuts', 'tree-nuts', 'milk', 'eggs', 'fish', 'shellfish', 'soy', 'wheat', 'sesame'];
  let token = sessionStorage.getItem('token');
  let events = null;
  let currentJob = null;

  function checkboxes(container, values, checked) {
    values.forEach((v) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = v;
      box.id = container.id + '-' + v;
      box.checked = checked.includes(v);
      label.append(box, v);
      container.append(label);
    });
  }

  function selected(container) {
    return [...container.querySelectorAll('input:checked')].map((b) => b.value);
  }

  function list(text) {
    return text.split(',').map((s) => s.trim()).filter(Boolean);
  }

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = !message;
  }

  async function call(method, path, body, extraHeaders) {
    if (api === null) throw new Error('No api to talk to.');
    const headers = Object.assign({ Accept: 'application/json' }, extraHeaders || {});
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new Error('Cannot reach the api at ' + (api || location.origin) + ' (network or CORS).');
    }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const details = data && data.errors ? ': ' + data.errors.map((e) => e.field + ' ' + e.message).join('; ') : '';
      const error = new Error(((data && (data.detail || data.title)) || response.statusText) + details);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function signedIn(email) {
    $('auth-section').hidden = !!token;
    $('request-section').hidden = !token;
    $('logout').hidden = !token;
    $('who').textContent = token ? (email || sessionStorage.getItem('email') || '') : '';
  }

  async function login(email, password) {
    const result = await call('POST', '/api/auth/login', { email, password });
    token = result.accessToken;
    sessionStorage.setItem('token', token);
    sessionStorage.setItem('email', email);
    signedIn(email);
  }

  $('auth-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    showError('');
    try {
      await login($('email').value, $('password').value);
    } catch (err) {
      showError(err.message);
    }
  });

  $('register').addEventListener('click', async () => {
    showError('');
    try {
      await call('POST', '/api/auth/register', { email: $('email').value, password: $('password').value });
      await login($('email').value, $('password').value);
    } catch (err) {
      showError(err.message);
    }
  });

  $('logout').addEventListener('click', () => {
    token = null;
    sessionStorage.clear();
    if (events) events.close();
    signedIn();
  });

  $('request-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    showError('');
    $('menu-section').hidden = true;
    document.body.dataset.days = '0';
    const request = {
      days: Number($('days').value),
      meals: selected($('meals')),
      diet: $('diet').value,
      allergies: selected($('allergies')),
      excludeIngredients: list($('exclude').value),
      cuisines: list($('cuisines').value),
      servings: Number($('servings').value) || 2,
    };
    if ($('calories').value) request.caloriesPerDay = Number($('calories').value);
    if ($('max-prep').value) request.maxPrepMinutes = Number($('max-prep').value);
    if ($('notes').value) request.notes = $('notes').value;
    try {
      const status = await call('POST', '/api/menus', request, { 'Idempotency-Key': crypto.randomUUID() });
      watch(status);
    } catch (err) {
      showError(err.message);
    }
  });

  $('cancel').addEventListener('click', async () => {
    if (!currentJob) return;
    try {
      show(await call('DELETE', '/api/jobs/' + currentJob));
    } catch (err) {
      showError(err.message);
    }
  });

  function show(status) {
    $('status-section').hidden = false;
    $('status').textContent = status.status;
    $('stage').textContent = status.stage ? '· ' + status.stage : '';
    if (status.status === 'RUNNING' && status.daysReady > 0) {
      $('stage').textContent += ' · ' + status.daysReady + ' of ' + status.daysTotal + ' days ready';
    }
    $('queue').textContent = status.queuePosition ? '· position ' + status.queuePosition + ' in the queue' : '';
    $('progress').value = status.progress || 0;
    $('cancel').hidden = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status.status);
    if (status.status === 'FAILED' && status.error) showError(status.error.code + ': ' + status.error.message);
  }

  async function watch(status) {
    currentJob = status.jobId;
    show(status);
    if (events) events.close();
    const { ticket } = await call('POST', '/api/jobs/' + status.jobId + '/events-ticket');
    events = new EventSource(api + '/api/jobs/' + status.jobId + '/events?ticket=' + encodeURIComponent(ticket));
    // a model writes the menu day by day: each day is shown as soon as it is ready
    events.addEventListener('day', (event) => {
      const day = JSON.parse(event.data);
      document.body.dataset.days = String(Number(document.body.dataset.days || 0) + 1);
      showDay(day);
    });
    events.addEventListener('status', async (event) => {
      const s = JSON.parse(event.data);
      document.body.dataset.events = String(Number(document.body.dataset.events || 0) + 1);
      show(s);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(s.status)) {
        events.close();
        if (s.status === 'SUCCEEDED') {
          document.body.dataset.daysBeforeMenu = document.body.dataset.days || '0';
          renderMenu(await call('GET', '/api/menus/' + s.menuId));
        }
      }
    });
    events.onerror = async () => {
      // the stream ended or broke: one poll tells the truth either way
      if (events.readyState === EventSource.CLOSED) {
        const s = await call('GET', '/api/jobs/' + status.jobId);
        show(s);
        if (s.status === 'SUCCEEDED') renderMenu(await call('GET', '/api/menus/' + s.menuId));
      }
    };
  }

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  function amount(quantity, unit) {
    const q = quantity >= 10 ? Math.round(quantity) : Math.round(quantity * 10) / 10;
    return (q || quantity) + ' ' + unit;
  }

  // markFilled: in a model's menu, say which days had to come from the catalog
  function renderDay(day, markFilled) {
    const d = el('div', undefined, 'day');
    d.dataset.day = String(day.day);
    d.append(el('h3', 'Day ' + day.day + (markFilled && day.source === 'catalog' ? ' (from the recipe catalog)' : '')));
    day.meals.forEach((meal) => {
      const m = el('div', undefined, 'meal');
      m.append(el('h4', meal.type + ': ' + meal.recipe.name));
      m.append(el('div', meal.recipe.cuisine + ' · ' + meal.recipe.prepMinutes + ' min · ' +
        meal.recipe.nutrition.calories + ' kcal per serving', 'meta'));
      m.append(el('div', meal.recipe.ingredients.map((i) => amount(i.quantity, i.unit) + ' ' + i.name).join(', '), 'meta'));
      d.append(m);
    });
    d.append(el('div', 'Day total per person: ' + day.totals.calories + ' kcal, ' + day.totals.proteinG +
      ' g protein, ' + day.totals.carbsG + ' g carbs, ' + day.totals.fatG + ' g fat', 'totals'));
    return d;
  }

  // a day that arrived while the menu is being written: shown in its place, replacing an earlier version
  function showDay(day) {
    if ($('menu-section').hidden) {
      $('menu-section').hidden = false;
      $('menu-meta').textContent = 'Writing your menu…';
      $('warnings').replaceChildren();
      $('days-view').replaceChildren();
      $('shopping-list').replaceChildren();
    }
    const view = $('days-view');
    const existing = view.querySelector('[data-day="' + day.day + '"]');
    const next = [...view.children].find((c) => Number(c.dataset.day) > day.day);
    const element = renderDay(day, true);
    if (existing) existing.replaceWith(element);
    else view.insertBefore(element, next || null);
  }

  function renderMenu(menu) {
    $('menu-section').hidden = false;
    $('menu-meta').textContent = 'Source: ' + menu.source + (menu.model ? ' (' + menu.model + ')' : '') +
      ' · ' + menu.request.diet + ' · ' + menu.request.servings + ' servings';
    const warnings = $('warnings');
    warnings.replaceChildren(...menu.warnings.map((w) => el('li', w)));
    $('days-view').replaceChildren(...menu.days.map((day) => renderDay(day, menu.source === 'llm')));
    const byCategory = new Map();
    menu.shoppingList.forEach((item) => {
      if (!byCategory.has(item.category)) byCategory.set(item.category, []);
      byCategory.get(item.category).push(item);
    });
    const shopping = $('shopping-list');
    shopping.replaceChildren();
    byCategory.forEach((items, category) => {
      const c = el('div', undefined, 'category');
      c.append(el('h3', category));
      const ul = el('ul');
      items.forEach((i) => ul.append(el('li', amount(i.quantity, i.unit) + ' ' + i.name)));
      c.append(ul);
      shopping.append(c);
    });
  }

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
    signedIn();
  });
})();
